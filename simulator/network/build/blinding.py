"""Private DNS, DNS over HTTPS and VPN, applied last, the way the phone applies them: they change how the
same activity crosses the network (lookups inside one encrypted connection; everything inside one WireGuard
flow), not what the phone does."""

from __future__ import annotations

from stalkerlab.simulator.network.build.connections import resolve, tls_session
from stalkerlab.simulator.network.build.draft import Draft
from stalkerlab.simulator.network.plan import DnsLookup, Exchange, Session, TcpSession, Tls, UdpSession
from stalkerlab.simulator.tables import table

SERVICES = table("network", "phone_services")
WIREGUARD_PORT = 51820
WIREGUARD_OVERHEAD = 32 + 28          # WireGuard data header and tag, outer IPv4 + UDP
WIREGUARD_KEEPALIVE_S = 25


def blind(draft: Draft) -> None:
    if draft.scenario.private_dns and draft.dot_lookups:
        resolver = SERVICES["private_dns_resolver"]
        addr, t = draft.dot_session
        tls_session(draft, addr, 853, t, Tls("1.3", resolver, ("dot",), "custom"),
                    sorted(draft.dot_lookups, key=lambda e: e.at), 0)
    if draft.scenario.doh and draft.doh_lookups:
        resolver = SERVICES["browser_doh_resolver"]
        addr, t = resolve(draft, resolver, draft.start + 1, ttl=3600)
        tls_session(draft, addr, 443, t, Tls("1.3", resolver, ("h2",), "chrome"),
                    sorted(draft.doh_lookups, key=lambda e: e.at), 0)
    if draft.scenario.vpn:
        tunnel(draft)


def tunnel(draft: Draft) -> None:
    """Everything but DHCP, ARP and mDNS goes inside one WireGuard flow."""
    inner: list[Exchange] = []
    keep: list[Session] = []
    overhead = WIREGUARD_OVERHEAD
    for s in draft.sessions:
        if isinstance(s, TcpSession | UdpSession):
            inner.extend(Exchange(e.at, e.up + overhead, e.down + overhead) for e in s.exchanges)
            requests = getattr(s, "http", ())
            inner.extend(Exchange(h.at, len(h.body) + 300, len(h.response_body) + 200) for h in requests)
            inner.append(Exchange(s.start, 600, 400))
        elif isinstance(s, DnsLookup):
            inner.append(Exchange(s.at, 100, 160))
        else:
            keep.append(s)
    server = draft.book.misc("vpn-server")
    start = draft.inst.start + 0.4
    inner = [e for e in inner if e.at > start + 0.5]
    t = start + 0.6
    while t < draft.end:                      # WireGuard keepalive / rekey traffic
        inner.append(Exchange(t, 32 + overhead, 32 + overhead))
        t += WIREGUARD_KEEPALIVE_S
    inner.sort(key=lambda e: e.at)
    keep.append(UdpSession(start, server, WIREGUARD_PORT, draft.port(), "wireguard", draft.rtt(),
                           exchanges=tuple(inner), end=None, tag=draft.tag("vpn", "first VPN tunnel packet")))
    draft.sessions = keep
