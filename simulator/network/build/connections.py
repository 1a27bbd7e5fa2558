"""How the phone reaches a server: a name lookup (plain DNS to the gateway, or queued on the Private DNS or
DNS-over-HTTPS connection that carries it), then a TLS-over-TCP or QUIC session with its exchanges."""

from __future__ import annotations

from stalkerlab.simulator.network.build.draft import Draft
from stalkerlab.simulator.network.plan import CertSpec, DnsLookup, Exchange, TcpSession, Tls, UdpSession

DAY = 86400.0
# how long each kind of issuer's certificates are valid
CERTIFICATE_LIFETIME_DAYS = {"letsencrypt": 90, "self-signed": 3650}
DEFAULT_LIFETIME_DAYS = 365


def resolve(draft: Draft, name: str, at: float, *, v6: bool = False, suspect: bool = False, ttl: int = 300,
            browser: bool = False) -> tuple[str, float]:
    """Address to connect to, and when the connection can start (after any lookup)."""
    addr = draft.book.ipv6(name) if v6 else draft.book.ipv4(name, suspect)
    if draft.dns_expiry.get(name, -1) > at:
        return addr, at + 0.002
    draft.dns_expiry[name] = at + ttl
    rtt = draft.rtt(suspect) / 2
    if draft.scenario.doh and browser:
        draft.doh_lookups.append(Exchange(at, draft.size((90, 140)), draft.size((120, 260))))
        return addr, at + rtt + 0.01
    if draft.scenario.private_dns:
        draft.dot_lookups.append(Exchange(at, draft.size((80, 130)), draft.size((110, 240))))
        return addr, at + rtt + 0.01
    tag = None
    if name in draft.c2_names:
        draft.facts.contact(at, name, None)
        if draft.first_time(f"c2:dns:{name}"):
            tag = draft.tag(f"c2:dns:{name}", f"first DNS query for the C2 name {name}")
    answers_v4 = (draft.book.ipv4(name, suspect),)
    draft.sessions.append(DnsLookup(at, name, "A", answers_v4, ttl, 0, rtt, tag=tag))
    if draft.lan.phone_ipv6:
        answers_v6 = (draft.book.ipv6(name),) if v6 else ()
        draft.sessions.append(DnsLookup(at + 0.0004, name, "AAAA", answers_v6, ttl, 0, rtt * 1.05))
    return addr, at + rtt * 1.1 + 0.004


def tls_session(draft: Draft, addr: str, port: int, at: float, tls: Tls, exchanges: list[Exchange], linger: float,
                tag: str | None = None, suspect: bool = False) -> None:
    """A TCP connection carrying TLS (or plain bytes when `tls` has no handshake), closed `linger` seconds
    after its last exchange unless the capture ends first."""
    if not exchanges:
        return
    end = max(e.at for e in exchanges) + linger
    draft.sessions.append(TcpSession(
        start=at, dst_ip=addr, dst_port=port, src_port=draft.port(), rtt=draft.rtt(suspect), tls=tls,
        exchanges=tuple(sorted(exchanges, key=lambda e: e.at)), end=end if end < draft.end else None, tag=tag,
    ))


def quic_session(draft: Draft, name: str, addr: str, at: float, alpn: tuple[str, ...], exchanges: list[Exchange],
                 linger: float) -> None:
    end = max(e.at for e in exchanges) + linger
    draft.sessions.append(UdpSession(
        start=at, dst_ip=addr, dst_port=443, src_port=draft.port(), kind="quic", rtt=draft.rtt(),
        sni=name, alpn=alpn or ("h3",), exchanges=tuple(exchanges), end=end if end < draft.end else None,
    ))


def server_certificate(draft: Draft, name: str, issuer: str, seed_label: str = "") -> CertSpec:
    """The certificate a TLS 1.2 server shows for `name`, issued some weeks before the capture."""
    issued = draft.inst.start - draft.rng.uniform(10, 80) * DAY
    lifetime = CERTIFICATE_LIFETIME_DAYS.get(issuer, DEFAULT_LIFETIME_DAYS) * DAY
    return CertSpec(subject_cn=name, sans=(name,), issuer=issuer, not_before=int(issued),
                    not_after=int(issued + lifetime), key_seed=f"{seed_label or 'benign'}:{name}")
