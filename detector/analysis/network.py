"""Capture facts -> the records each rule stream reads, the observations and the coverage.

Streams: `dns` (every query and response), `tls` (every ClientHello, with the server's certificate when
TLS 1.2 shows it), `http` (request heads), `destination` (behaviour per server, see destinations.py),
`ioc` (every observation that matched an indicator), `capture` (one record: what could be seen).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stalkerlab.detector.analysis.destinations import VPN_PORTS, build_destinations, scope_of
from stalkerlab.detector.analysis.observations import ObservationLog
from stalkerlab.detector.capture.flows import CaptureFacts, address_text, flow_record
from stalkerlab.detector.findings import Evidence, TimelineRow
from stalkerlab.detector.iocs import IndicatorSet
from stalkerlab.detector.stimuli import Stimulus

ENCRYPTED_DNS_NAMES = ("dns.google", "cloudflare-dns.com", "chrome.cloudflare-dns.com", "dns.quad9.net",
                       "one.one.one.one", "dns.adguard.com", "doh.opendns.com", "mozilla.cloudflare-dns.com")
SHORT_CAPTURE_S = 600
IDLE_PACKETS_PER_MINUTE = 40
# the observation list each kind of sighting goes to
LOG_KIND = {"dns": "dns", "sni": "sni", "http host": "http_hosts", "address": "ips", "certificate": "sni"}


@dataclass
class NetworkAnalysis:
    streams: dict[str, list[dict]]
    observations: ObservationLog
    coverage: dict
    timeline: list[TimelineRow] = field(default_factory=list)


def _frame_evidence(frame: int | None, time: float, text: str) -> list[Evidence]:
    return [Evidence("capture", f"frame {frame}", time=time, frame=frame, text=text)] if frame else []


def analyse_network(facts: CaptureFacts, indicators: IndicatorSet, stimuli: list[Stimulus]) -> NetworkAnalysis:
    log = ObservationLog()
    streams: dict[str, list[dict]] = {k: [] for k in ("dns", "tls", "http", "flow", "destination", "ioc", "capture")}
    ip_names: dict[str, str] = {}
    resolved: set[str] = set()

    def ioc(hits, observed_as: str, observed: str, time: float, frame: int | None, text: str) -> None:
        for hit in hits:
            log.match(LOG_KIND[observed_as], observed,
                      {"indicator": hit.value, "kind": hit.kind, "role": hit.role, "family": hit.family,
                       "feed": hit.feed})
            streams["ioc"].append({"value": hit.value, "kind": hit.kind, "role": hit.role, "family": hit.family,
                      "family_type": hit.family_type, "feed": hit.feed, "observed": observed,
                      "observed_as": observed_as, "_indicator": hit, "_first_seen": time, "_last_seen": time,
                      "_evidence": _frame_evidence(frame, time, text)})

    def observe(observed_as: str, value: str, time: float, frame: int | None, text: str, count: int = 1) -> None:
        """A name or address seen: listed in the observations, and checked against the indicators."""
        hits = indicators.match_ip(value) if observed_as == "address" else indicators.match_domain(value)
        log.see(LOG_KIND[observed_as], value, time, frame, count, matched=bool(hits))
        ioc(hits, observed_as, value, time, frame, text)

    for q in facts.dns:
        if q.local:
            # mDNS and LLMNR: services and names on the local network (wireless debugging announces itself
            # as _adb-tls-connect._tcp.local), listed apart; they are not internet lookups
            for name in dict.fromkeys(q.questions + q.record_names):
                log.see("local_names", name, q.time, q.frame)
            continue
        name = q.name
        if name.endswith(".local"):
            continue
        matches = indicators.match_domain(name)
        top = next((h for h in matches if h.role == "c2"), matches[0] if matches else None)
        if not q.response:
            for asked in q.questions:
                observe("dns", asked, q.time, q.frame, f"DNS query {asked} ({q.qtype})")
        else:
            # a name seen only in an answer (its question was not captured) is still a name looked up
            for asked in q.questions:
                if not log.seen("dns", asked):
                    observe("dns", asked, q.time, q.frame, f"DNS response {asked} ({q.qtype})")
            for answer in q.answers:
                if answer.rtype in ("A", "AAAA"):
                    resolved.add(answer.value)
                    ip_names.setdefault(answer.value, name)
        streams["dns"].append({
            "name": name, "qtype": q.qtype, "response": q.response, "rcode": q.rcode,
            "answers": [a.value for a in q.answers], "ioc_role": top.role if top else None,
            "ioc_family": top.family if top else None, "ioc_value": top.value if top else None,
            "_first_seen": q.time, "_last_seen": q.time,
            "_evidence": _frame_evidence(q.frame, q.time, f"DNS {'response' if q.response else 'query'} {name} "
                                                          f"{q.qtype} rcode {q.rcode}")})

    flows = []
    for f in facts.flows:
        rec = flow_record(f)
        # names are observed whatever the destination (a phone behind a proxy sends them to the LAN); the
        # behaviour streams read connections to the internet only
        internet = rec["dport"] not in (53, 5353, 67, 68) and scope_of(rec["dst"]) == "internet"
        if internet:
            http_name = _host(f.http.host) if f.http and f.http.host else None
            rec["name"] = f.sni or http_name or ip_names.get(rec["dst"])
            flows.append(rec)
            observe("address", rec["dst"], rec["start"], rec["first_frame"],
                    f"{rec['proto'].upper()} connection to {rec['dst']}:{rec['dport']}")
        if f.sni:
            observe("sni", f.sni, rec["start"], f.hello_frame, f"TLS ClientHello server name {f.sni}")
        for http in f.requests:
            observe("http host", _host(http.host), rec["start"], http.frame,
                    f"{http.method} http://{http.host}{http.path}")
        if not internet:
            continue
        if f.hello:
            cert = (f.cert or (None,))[0]
            server = f.server_hello
            streams["tls"].append({
                "client_hello": True, "sni": f.sni, "server": f.sni or rec["dst"], "dst_ip": rec["dst"],
                "dst_port": rec["dport"], "version": server.version if server else f.hello.version,
                "offered_version": f.hello.version, "alpn": list(f.hello.alpn),
                "ja3_md5": f.hello.ja3_md5, "ja4": f.hello.ja4, "ja3s_md5": server.ja3s_md5 if server else None,
                "quic": f.hello.quic,
                "cert_self_signed": cert.self_signed if cert else None,
                "cert_subject": cert.subject if cert else None, "cert_issuer": cert.issuer if cert else None,
                "cert_issuer_org": cert.issuer_org if cert else None, "cert_sha1": cert.sha1 if cert else None,
                "cert_not_before": cert.not_before if cert else None,
                "cert_not_after": cert.not_after if cert else None,
                "_first_seen": rec["start"], "_last_seen": rec["end"],
                "_evidence": _frame_evidence(f.hello_frame, rec["start"], f"ClientHello to {f.sni or rec['dst']}")
                + _frame_evidence(f.cert_frame, rec["start"], f"Certificate {cert.subject if cert else ''}")})
            for c in f.cert or ():
                ioc(indicators.match_cert_sha1(c.sha1), "certificate", c.sha1, rec["start"], f.cert_frame,
                    f"certificate {c.subject} SHA-1 {c.sha1}")
        for http in f.requests:
            streams["http"].append({"method": http.method, "path": http.path, "host": _host(http.host),
                                    "user_agent": http.user_agent, "body_size": http.body_size,
                                    "dst_ip": rec["dst"], "dst_port": rec["dport"],
                                    "_first_seen": rec["start"], "_last_seen": rec["end"],
                                    "_evidence": _frame_evidence(http.frame, rec["start"],
                                                                 f"{http.method} {http.host}{http.path}")})
    for summary in facts.summaries:
        dst = address_text(summary.dst)
        if summary.dport in (53, 5353, 67, 68) or scope_of(dst) != "internet":
            continue
        observe("address", dst, summary.start, summary.first_frame,
                f"{summary.flows} {'TCP' if summary.proto == 6 else 'UDP'} connection(s) to {dst}:{summary.dport} "
                "(summarised)", count=summary.flows)
        for (kind, name), (time, frame) in summary.names.items():
            if kind == "sni":
                observe("sni", name, time, frame, f"TLS ClientHello server name {name}")
            else:
                observe("http host", _host(name), time, frame, f"HTTP request to {name}")
    streams["flow"] = flows
    names_hidden, encrypted = _encrypted_dns(flows, facts)
    destinations, unanalysed = build_destinations(flows, stimuli, resolved, names_hidden)
    for d in destinations:      # a vendor's site in a feed: what the person read, never an upload after an action
        roles = [h.role for h in indicators.match_domain(d["name"])] if d["name"] else []
        d["ioc_role"] = "c2" if "c2" in roles else (roles[0] if roles else None)
    streams["destination"] = destinations
    coverage = _coverage(facts, flows, names_hidden, encrypted)
    coverage.update(flows_summarised=facts.flows_summarised, flows_unlisted=facts.flows_unlisted,
                    destinations_unanalysed=unanalysed, observations_unlisted=log.unlisted)
    streams["capture"] = [coverage]
    return NetworkAnalysis(streams, log, coverage, _timeline(destinations, flows))


def _host(host: str) -> str:
    """A Host header without its port ("[2001:db8::1]:8080" -> "2001:db8::1")."""
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _encrypted_dns(flows: list[dict], facts: CaptureFacts) -> tuple[bool, list[str]]:
    seen = sorted({f"{f['name'] or f['dst']}:{f['dport']}" for f in flows
                   if f["dport"] == 853 or (f["name"] or "") in ENCRYPTED_DNS_NAMES})
    plain = sum(1 for q in facts.dns if not q.response and not q.local and not q.name.endswith(".local"))
    connections = sum(1 for f in flows if f["proto"] == "tcp")
    # names are hidden when lookups go encrypted and plain DNS no longer explains the connections
    return bool(seen) and plain < max(3, connections // 4), seen


def _coverage(facts: CaptureFacts, flows: list[dict], names_hidden: bool, encrypted: list[str]) -> dict:
    state = facts.state
    duration = (state.last_ts - state.first_ts) if state.first_ts is not None else 0.0
    total = sum(f["bytes_out"] + f["bytes_in"] for f in flows) or 1
    vpn = [f for f in flows if f["proto"] == "udp" and f["dport"] in VPN_PORTS]
    vpn_bytes = sum(f["bytes_out"] + f["bytes_in"] for f in vpn)
    quic_bytes = sum(f["bytes_out"] + f["bytes_in"] for f in flows if f["proto"] == "udp" and f["dport"] == 443)
    minutes = max(duration / 60, 1 / 60)
    active = {int((f["start"] - (state.first_ts or 0)) // 60) for f in flows}
    idle = facts.packets / minutes < IDLE_PACKETS_PER_MINUTE or len(flows) < 5
    return {
        "duration_s": round(duration, 3), "duration_min": round(duration / 60, 1), "packets": facts.packets,
        "flows": len(flows), "active_minutes": len(active), "idle": idle,
        "activity": "barely used" if idle else "in use",
        "short": duration < SHORT_CAPTURE_S, "names_hidden": names_hidden,
        "encrypted_dns": encrypted, "dns_queries": sum(1 for q in facts.dns if not q.response and not q.local),
        "vpn_share": round(vpn_bytes / total, 3), "vpn_endpoint": f"{vpn[0]['dst']}:{vpn[0]['dport']}" if vpn else None,
        "quic_share": round(quic_bytes / total, 3), "truncated": state.truncated, "partial_reason": state.problem,
        "damaged_records": state.damaged, "time_backwards": state.backwards,
        "time_backwards_frame": state.first_backwards, "frames_unsupported_link": state.unsupported,
        "phones": _phones_seen(facts),
    }


def _phones_seen(facts: CaptureFacts) -> list[dict]:
    """Who asked for an address (DHCP): the hostname and MAC tie the capture to the phone being checked."""
    seen: dict[tuple, dict] = {}
    for m in facts.dhcp:
        if m.message in ("DISCOVER", "REQUEST", "INFORM"):
            seen.setdefault((m.client_mac, m.hostname), {"client_mac": m.client_mac, "hostname": m.hostname,
                                                         "vendor_class": m.vendor_class, "first_frame": m.frame})
    return list(seen.values())


def _timeline(destinations: list[dict], flows: list[dict]) -> list[TimelineRow]:
    """Key network moments for the install-story timeline: first contact with each server that behaves
    like a beacon or receives uploads after actions."""
    rows = []
    for d in destinations:
        if (d["beacon_count"] or 0) >= 4 or d["actions_followed"] >= 2:
            rows.append(TimelineRow(d["_first_seen"], "capture", f"First connection to {d['label']}",
                                    d["_evidence"][0].ref if d["_evidence"] else "", d["label"]))
    return rows
