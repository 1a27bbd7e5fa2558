"""What the phone does on the network during the capture, as a `CapturePlan` of sessions.

Benign apps follow the person's use of the phone (video, browsing, messaging) and their own timers
(push channels, syncs); families follow their `behaviour` (beacons, uploads after actions). Blinding
options (Private DNS, DNS over HTTPS, VPN) are applied last, the way the phone would: they change how
the same activity crosses the network, not what the phone does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from faker import Faker
from stalkerlab.simulator.network.build.addresses import AddressBook, make_lan
from stalkerlab.simulator.instance import FamilyInstance, ScenarioInstance, derived_rng
from stalkerlab.simulator.network.plan import (
    Arp,
    CapturePlan,
    CertSpec,
    Dhcp,
    DnsLookup,
    Exchange,
    HttpExchange,
    Mdns,
    Session,
    TcpSession,
    Tls,
    UdpSession,
)
from stalkerlab.simulator.world.model import Endpoint

# How a person's action shows up in ordinary apps (sms and call use the mobile network: no Wi-Fi traffic).
ACTION_APPS = {"video": "video", "browse": "browser", "message": "messaging", "photo": "social",
               "location": "maps"}
# Foreground sessions per hour and their length in seconds, by how much the phone is used.
USAGE = {"busy": (9, (120, 480)), "normal": (4, (60, 240)), "light": (1.5, (40, 120)), "idle": (0, (0, 0))}
VIDEO_SESSION_S = (600, 1080)
DOT_RESOLVER = "dns.google"


@dataclass
class TrafficFacts:
    """What the answer key needs to know about the traffic that was generated."""

    c2_domains: list[str] = field(default_factory=list)
    c2_ips: list[str] = field(default_factory=list)
    first_c2_time: float | None = None
    beacon_period_s: float | None = None
    uploads: list[dict] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)   # tag -> what it marks, in plain words

    def contact(self, at: float, domain: str | None, ip: str | None) -> None:
        if domain and domain not in self.c2_domains:
            self.c2_domains.append(domain)
        if ip and ip not in self.c2_ips:
            self.c2_ips.append(ip)
        if self.first_c2_time is None or at < self.first_c2_time:
            self.first_c2_time = at


class TrafficBuilder:
    def __init__(self, inst: ScenarioInstance):
        self.inst = inst
        self.scenario = inst.scenario
        self.rng = derived_rng(inst.seed, "traffic")
        self.fake = Faker(self.scenario.locale)
        self.fake.seed_instance(derived_rng(inst.seed, "payloads").getrandbits(32))
        self.lan = make_lan(self.scenario.network, inst.persona.hostname, self.rng)
        self.book = AddressBook(self.rng)
        # Addresses that are indicators of any family must never be handed to another server by chance:
        # a benign phone would then "contact" a C2 address.
        for address in known_indicator_ips(inst):
            self.book.reserve(address)
        self.sessions: list[Session] = []
        self.facts = TrafficFacts()
        self.dns_expiry: dict[str, float] = {}
        self.dot_lookups: list[Exchange] = []
        self.doh_lookups: list[Exchange] = []
        self.push_wakeups: list[float] = []
        self.next_port = self.rng.randrange(34000, 52000)
        self.c2_names: set[str] = set()
        self._tags_used: set[str] = set()
        self.start = inst.start + 0.2
        self.end = inst.end

    # ----- small building blocks -------------------------------------------------------------

    def port(self) -> int:
        self.next_port += self.rng.randint(1, 7)
        if self.next_port > 60999:
            self.next_port = 32768 + self.rng.randrange(1000)
        return self.next_port

    def rtt(self, suspect: bool = False) -> float:
        return round(self.rng.uniform(0.06, 0.18) if suspect else self.rng.uniform(0.012, 0.06), 4)

    def size(self, bounds: tuple[float, float]) -> int:
        return int(self.rng.uniform(*bounds))

    def tag(self, tag: str, meaning: str) -> str:
        self.facts.tags.setdefault(tag, meaning)
        return tag

    def resolve(self, name: str, at: float, *, v6: bool = False, suspect: bool = False,
                ttl: int = 300, browser: bool = False) -> tuple[str, float]:
        """Address to connect to, and when the connection can start (after any lookup)."""
        addr = self.book.ipv6(name) if v6 else self.book.ipv4(name, suspect)
        if self.dns_expiry.get(name, -1) > at:
            return addr, at + 0.002
        self.dns_expiry[name] = at + ttl
        rtt = self.rtt(suspect) / 2
        if self.scenario.doh and browser:
            self.doh_lookups.append(Exchange(at, self.size((90, 140)), self.size((120, 260))))
            return addr, at + rtt + 0.01
        if self.scenario.private_dns:
            self.dot_lookups.append(Exchange(at, self.size((80, 130)), self.size((110, 240))))
            return addr, at + rtt + 0.01
        tag = None
        if name in self.c2_names:
            self.facts.contact(at, name, None)
            if f"c2:dns:{name}" not in self._tags_used:
                self._tags_used.add(f"c2:dns:{name}")
                tag = self.tag(f"c2:dns:{name}", f"first DNS query for the C2 name {name}")
        answers_v4 = (self.book.ipv4(name, suspect),)
        self.sessions.append(DnsLookup(at, name, "A", answers_v4, ttl, 0, rtt, tag=tag))
        if self.lan.phone_ipv6:
            answers_v6 = (self.book.ipv6(name),) if v6 else ()
            self.sessions.append(DnsLookup(at + 0.0004, name, "AAAA", answers_v6, ttl, 0, rtt * 1.05))
        return addr, at + rtt * 1.1 + 0.004

    def tls_session(self, name: str | None, addr: str, port: int, at: float, tls: Tls,
                    exchanges: list[Exchange], linger: float, tag: str | None = None,
                    suspect: bool = False) -> None:
        if not exchanges:
            return
        end = max(e.at for e in exchanges) + linger
        self.sessions.append(TcpSession(
            start=at, dst_ip=addr, dst_port=port, src_port=self.port(), rtt=self.rtt(suspect), tls=tls,
            exchanges=tuple(sorted(exchanges, key=lambda e: e.at)),
            end=end if end < self.end else None, tag=tag,
        ))

    def quic_session(self, name: str, addr: str, at: float, alpn: tuple[str, ...],
                     exchanges: list[Exchange], linger: float) -> None:
        end = max(e.at for e in exchanges) + linger
        self.sessions.append(UdpSession(
            start=at, dst_ip=addr, dst_port=443, src_port=self.port(), kind="quic", rtt=self.rtt(),
            sni=name, alpn=alpn or ("h3",), exchanges=tuple(exchanges), end=end if end < self.end else None,
        ))

    # ----- benign apps ------------------------------------------------------------------------

    def endpoint_visit(self, ep: Endpoint, at: float, until: float, interactive: bool) -> None:
        """One use of an endpoint: lookup, connect, exchanges until `until`, close."""
        v6 = ep.ipv6 and self.lan.phone_ipv6 is not None
        browser = ep.role == "browse"
        addr, t = self.resolve(ep.name, at, v6=v6, ttl=self.rng.choice((60, 120, 300, 300, 3600)),
                               browser=browser)
        exchanges = []
        if ep.role == "download" and ep.rate_kbps:
            rate = self.rng.uniform(*ep.rate_kbps) * 1000 / 8
            chunk_t = t + 0.3
            while chunk_t < until:
                gap = self.rng.uniform(4.0, 6.5)
                exchanges.append(Exchange(chunk_t, self.size((300, 700)), int(rate * gap)))
                chunk_t += gap
        else:
            exchanges.append(Exchange(t + 0.05, self.size(ep.up_bytes), self.size(ep.down_bytes)))
            step = (2.0, 25.0) if interactive else (30.0, 120.0)
            nxt = t + self.rng.uniform(*step)
            while interactive and nxt < until:
                exchanges.append(Exchange(nxt, self.size(ep.up_bytes), self.size(ep.down_bytes) // 2))
                nxt += self.rng.uniform(*step)
        if not exchanges:
            return
        linger = self.rng.uniform(2.0, 45.0)
        if ep.transport == "quic":
            self.quic_session(ep.name, addr, t, ep.alpn, exchanges, linger)
        elif ep.transport == "http":
            requests = tuple(
                HttpExchange(at=e.at, method="GET", host=ep.name, path=ep.path,
                             headers=(("User-Agent", "Dalvik/2.1.0 (Linux; U; Android "
                                       f"{self.inst.persona.android_version}; {self.inst.persona.model_code})"),
                                      ("Connection", "Keep-Alive"), ("Accept-Encoding", "gzip")),
                             body=b"", status=204 if ep.down_bytes[1] == 0 else 200,
                             response_body=b"" if ep.down_bytes[1] == 0 else self.rng.randbytes(e.down))
                for e in exchanges)
            self.sessions.append(TcpSession(start=t, dst_ip=addr, dst_port=ep.port, src_port=self.port(),
                                            rtt=self.rtt(), http=requests, end=min(exchanges[-1].at + 1.0,
                                                                                   self.end - 0.001)))
        else:
            version = "1.2" if ep.transport in ("tls12", "tls12-self-signed") else "1.3"
            cert = None
            if version == "1.2":
                cert = self.cert_for(ep.name, "self-signed" if ep.transport == "tls12-self-signed" else "public-ca")
            client = "chrome" if browser or ep.transport == "quic" else "okhttp"
            tls = Tls(version, ep.name, ep.alpn, client, cert)
            self.tls_session(ep.name, addr, ep.port, t, tls, exchanges, linger)

    def cert_for(self, name: str, issuer: str, seed_label: str = "") -> CertSpec:
        issued = self.inst.start - self.rng.uniform(10, 80) * 86400
        lifetime = 90 * 86400 if issuer == "letsencrypt" else (3650 * 86400 if issuer == "self-signed"
                                                               else 365 * 86400)
        return CertSpec(subject_cn=name, sans=(name,), issuer=issuer, not_before=int(issued),
                        not_after=int(issued + lifetime), key_seed=f"{seed_label or 'benign'}:{name}")

    def persistent(self, ep: Endpoint) -> None:
        """Push channels: one long connection with heartbeats (and wake-ups for push-driven apps)."""
        at = self.start + self.rng.uniform(1.0, 6.0)
        v6 = ep.ipv6 and self.lan.phone_ipv6 is not None
        addr, t = self.resolve(ep.name, at, v6=v6, ttl=300)
        exchanges = [Exchange(t + 0.05, self.size((300, 700)), self.size((200, 500)))]
        period = ep.period_s or (240.0, 300.0)
        nxt = t + self.rng.uniform(*period)
        while nxt < self.end:
            exchanges.append(Exchange(nxt, self.size(ep.up_bytes), self.size(ep.down_bytes)))
            nxt += self.rng.uniform(*period)
        if ep.name == "mtalk.google.com":
            for wake in self.push_wakeups:
                exchanges.append(Exchange(wake, 0, self.size((180, 420))))
        version = "1.2" if ep.transport == "tls12" else "1.3"
        cert = self.cert_for(ep.name, "public-ca") if version == "1.2" else None
        tls = Tls(version, ep.name, ep.alpn, "custom" if ep.port != 443 else "okhttp", cert)
        exchanges.sort(key=lambda e: e.at)
        self.tls_session(ep.name, addr, ep.port, t, tls, exchanges, 0)

    def periodic(self, ep: Endpoint) -> None:
        period = ep.period_s or (600.0, 900.0)
        at = self.start + self.rng.uniform(2.0, min(period[0], 120.0))
        while at < self.end - 1:
            self.endpoint_visit(ep, at, at, interactive=False)
            at += self.rng.uniform(*period)

    def app_sessions(self) -> list[tuple[float, float, str]]:
        """(start, end, category) of the person's foreground use of the phone."""
        duration = self.end - self.start
        uses = []
        for action in self.inst.actions:
            category = ACTION_APPS.get(action.kind)
            if category:
                length = self.rng.uniform(*VIDEO_SESSION_S) if category == "video" else self.rng.uniform(60, 240)
                uses.append((self.start + action.at_s - 5, self.start + action.at_s + length, category))
        per_hour, length = USAGE[self.scenario.usage]
        categories = sorted({a.category for a in self.inst.apps if any(e.role == "foreground" for e in a.endpoints)})
        count = int(round(per_hour * duration / 3600 * self.rng.uniform(0.8, 1.2)))
        for _ in range(count if categories else 0):
            t0 = self.start + self.rng.uniform(10, max(duration - 60, 11))
            uses.append((t0, t0 + self.rng.uniform(*length), self.rng.choice(categories)))
        return sorted(uses)

    def benign_apps(self) -> None:
        for app in self.inst.apps:
            for ep in app.endpoints:
                if ep.role == "push":
                    self.persistent(ep)
                elif ep.role == "background":
                    self.periodic(ep)
        for t0, t1, category in self.app_sessions():
            t1 = min(t1, self.end - 0.5)
            for app in self.inst.apps:
                if app.category != category:
                    continue
                for ep in app.endpoints:
                    if ep.role in ("foreground", "download"):
                        self.endpoint_visit(ep, t0 + self.rng.uniform(0.1, 3.0), t1, interactive=True)
                    elif ep.role == "browse":
                        self.endpoint_visit(ep, t0 + self.rng.uniform(0.1, (t1 - t0) * 0.7 + 0.2),
                                            t1, interactive=False)

    # ----- families ---------------------------------------------------------------------------

    def families(self) -> None:
        for fi in self.inst.families:
            if fi.presence == "website-only":
                self.vendor_website_visit(fi)
            elif fi.active:
                self.c2_names.update(fi.variant.c2_domains)
                for ep in fi.family.endpoints:
                    self.periodic(ep)
                if fi.family.behaviour.transport != "none":
                    FamilyTraffic(self, fi).build()

    def vendor_website_visit(self, fi: FamilyInstance) -> None:
        browse = [a for a in self.inst.actions if a.kind == "browse"] or [self.inst.actions[0]]
        at = self.start + browse[0].at_s + self.rng.uniform(20, 60)
        for i, site in enumerate(fi.family.websites[:2]):
            addr, t = self.resolve(site, at + i * 0.4, ttl=300, browser=True)
            tag = self.tag(f"website:{site}", f"first connection to the vendor's sales website {site}")
            exchanges = [Exchange(t + 0.05 + k * self.rng.uniform(3, 12), self.size((900, 2500)),
                                  self.size((60000, 400000))) for k in range(self.rng.randint(3, 7))]
            self.tls_session(site, addr, 443, t, Tls("1.3", site, ("h2", "http/1.1"), "chrome"), exchanges,
                             self.rng.uniform(5, 30), tag=tag)

    # ----- the network itself -----------------------------------------------------------------

    def joining(self) -> None:
        """The phone joins the Wi-Fi when the capture starts: DHCP, ARP, time, connectivity check."""
        self.sessions.append(Dhcp(self.inst.start + 0.05, f"android-dhcp-{self.inst.persona.android_version}"))
        self.facts.tags["dhcp"] = "DHCP request carrying the phone's hostname"
        self.sessions.append(Arp(self.inst.start + 0.12, self.lan.gateway_ip))
        t = self.inst.start + 0.3
        if self.scenario.vpn:
            return
        if self.scenario.private_dns:
            addr, t2 = self.resolve(DOT_RESOLVER, t, ttl=3600)
            self.dot_session = (addr, t2)
        addr, t2 = self.resolve("time.android.com", t + 0.2, ttl=600)
        self.sessions.append(UdpSession(t2, addr, 123, self.port(), "ntp", self.rtt(),
                                        exchanges=(Exchange(t2, 48, 48),), end=t2 + 0.2))
        at = self.start + 300
        while at < self.end:
            self.sessions.append(Arp(at + self.rng.uniform(0, 120), self.lan.gateway_ip))
            at += self.rng.uniform(900, 1500)
        at = self.start + self.rng.uniform(5, 60)
        while at < self.end:
            self.sessions.append(Mdns(at, self.rng.choice(("_googlecast._tcp.local", "_spotify-connect._tcp.local",
                                                            "_adb-tls-connect._tcp.local"))))
            at += self.rng.uniform(200, 700)

    def blind(self) -> None:
        """Apply Private DNS, DNS over HTTPS and VPN the way the phone does."""
        if self.scenario.private_dns and self.dot_lookups:
            addr, t = self.dot_session
            tls = Tls("1.3", DOT_RESOLVER, ("dot",), "custom")
            self.tls_session(DOT_RESOLVER, addr, 853, t, tls, sorted(self.dot_lookups, key=lambda e: e.at), 0)
        if self.scenario.doh and self.doh_lookups:
            addr, t = self.resolve("chrome.cloudflare-dns.com", self.start + 1, ttl=3600)
            tls = Tls("1.3", "chrome.cloudflare-dns.com", ("h2",), "chrome")
            self.tls_session("chrome.cloudflare-dns.com", addr, 443, t, tls,
                             sorted(self.doh_lookups, key=lambda e: e.at), 0)
        if self.scenario.vpn:
            self.tunnel()

    def tunnel(self) -> None:
        """Everything but DHCP/ARP/mDNS goes inside one WireGuard flow."""
        inner: list[Exchange] = []
        keep: list[Session] = []
        overhead = 32 + 28
        for s in self.sessions:
            if isinstance(s, TcpSession | UdpSession):
                inner.extend(Exchange(e.at, e.up + overhead, e.down + overhead) for e in s.exchanges)
                requests = getattr(s, "http", ())
                inner.extend(Exchange(h.at, len(h.body) + 300, len(h.response_body) + 200) for h in requests)
                inner.append(Exchange(s.start, 600, 400))
            elif isinstance(s, DnsLookup):
                inner.append(Exchange(s.at, 100, 160))
            else:
                keep.append(s)
        server = self.book.misc("vpn-server")
        start = self.inst.start + 0.4
        inner = [e for e in inner if e.at > start + 0.5]
        t = start + 0.6
        while t < self.end:                      # WireGuard keepalive / rekey traffic
            inner.append(Exchange(t, 32 + overhead, 32 + overhead))
            t += 25
        inner.sort(key=lambda e: e.at)
        keep.append(UdpSession(start, server, 51820, self.port(), "wireguard", self.rtt(),
                               exchanges=tuple(inner), end=None, tag=self.tag("vpn", "first VPN tunnel packet")))
        self.sessions = keep

    def build(self) -> tuple[CapturePlan, TrafficFacts]:
        self.joining()
        self.families()
        self.benign_apps()
        self.blind()
        sessions = [s for s in self.sessions if _session_time(s) < self.end]
        sessions.sort(key=_session_time)
        plan = CapturePlan(lan=self.lan, start=self.inst.start, end=self.end, sessions=tuple(sessions),
                           payload_seed=derived_rng(self.inst.seed, "payload-bytes").getrandbits(63))
        return plan, self.facts


def _session_time(s: Session) -> float:
    return getattr(s, "start", None) or s.at


class FamilyTraffic:
    """One family instance's traffic: beacons and uploads after the person's actions."""

    def __init__(self, net: TrafficBuilder, fi: FamilyInstance):
        self.net = net
        self.fi = fi
        self.rng = net.rng
        self.b = fi.family.behaviour
        domains = fi.variant.c2_domains
        self.beacon_host = domains[0] if domains else None
        self.upload_host = domains[-1] if domains else None
        self.ip = fi.variant.c2_ips[0] if fi.variant.c2_ips else None
        if self.ip:
            net.book.reserve(self.ip)
        self.mqtt: list[Exchange] = []
        self.http_seq = 0

    def build(self) -> None:
        b = self.b
        net = self.net
        if b.beacon:
            net.facts.beacon_period_s = b.beacon.period_s
        if b.transport == "mqtt":
            self.mqtt_session()
            return
        if b.beacon:
            at = net.start + self.rng.uniform(3, min(b.beacon.period_s, 90))
            while at < net.end - 1:
                self.contact(at, self.beacon_host, self.size(b.beacon.up_bytes), self.size(b.beacon.down_bytes),
                             "beacon")
                at += b.beacon.period_s * (1 + self.rng.uniform(-b.beacon.jitter, b.beacon.jitter))
        for index, action in enumerate(net.inst.actions):
            if action.kind not in b.uploads:
                continue
            at = net.start + action.at_s + self.rng.uniform(*b.upload_delay_s)
            if at >= net.end - 1:
                continue
            if b.transport == "push":
                net.push_wakeups.append(at - self.rng.uniform(0.8, 2.5))
            up = self.size(b.uploads[action.kind])
            tag = net.tag(f"upload:{index}:{action.kind}",
                          f"upload of {up} bytes after the '{action.kind}' action")
            net.facts.uploads.append({"action_index": index, "action": action.kind, "bytes": up,
                                      "time": at, "tag": tag})
            self.contact(at, self.upload_host, up, self.size((150, 600)), action.kind, tag=tag)

    def size(self, bounds: tuple[float, float]) -> int:
        return max(1, int(self.rng.uniform(*bounds)))

    def contact(self, at: float, host: str | None, up: int, down: int, purpose: str,
                tag: str | None = None) -> None:
        net, b = self.net, self.b
        if b.transport == "raw-ip" or host is None:
            addr, t = self.ip, at
        else:
            addr, t = net.resolve(host, at, suspect=True, ttl=600)
        conn_tag = None
        key = f"c2:conn:{host or addr}"
        if key not in net._tags_used:
            net._tags_used.add(key)
            conn_tag = net.tag(key, f"first connection to the C2 server {host or addr}")
        net.facts.contact(t, host if b.transport != "raw-ip" else None, addr)
        exchange = Exchange(t + 0.02, up, down, tag=tag)
        linger = self.rng.uniform(1.0, 8.0)
        if b.transport == "http-port":
            net.sessions.append(TcpSession(
                start=t, dst_ip=addr, dst_port=b.port, src_port=net.port(), rtt=net.rtt(True),
                http=(self.http_request(t + 0.02, host, up, purpose, tag),),
                end=min(t + linger, net.end - 0.001), tag=conn_tag))
            return
        if b.transport == "tls12-self-signed":
            tls = Tls("1.2", host, b.alpn, "okhttp", net.cert_for(host, "self-signed", self.fi.family.id))
        elif b.transport == "raw-ip":
            tls = Tls("1.3", None, b.alpn, "custom")
        else:
            tls = Tls("1.3", host, b.alpn, "okhttp")
        net.tls_session(host, addr, b.port, t, tls, [exchange], linger, tag=conn_tag, suspect=True)

    def mqtt_session(self) -> None:
        net, b = self.net, self.b
        at = net.start + self.rng.uniform(2, 20)
        addr, t = net.resolve(self.beacon_host, at, suspect=True, ttl=600)
        net.facts.contact(t, self.beacon_host, addr)
        exchanges = [Exchange(t + 0.05, self.size((60, 140)), 4)]           # CONNECT / CONNACK
        nxt = t + b.beacon.period_s
        while nxt < net.end:
            exchanges.append(Exchange(nxt, 2, 2))                             # PINGREQ / PINGRESP
            nxt += b.beacon.period_s * (1 + self.rng.uniform(-b.beacon.jitter, b.beacon.jitter))
        for index, action in enumerate(net.inst.actions):
            if action.kind in b.uploads:
                up_at = net.start + action.at_s + self.rng.uniform(*b.upload_delay_s)
                if up_at < net.end - 1:
                    up = self.size(b.uploads[action.kind])
                    tag = net.tag(f"upload:{index}:{action.kind}",
                                  f"upload of {up} bytes after the '{action.kind}' action")
                    net.facts.uploads.append({"action_index": index, "action": action.kind, "bytes": up,
                                              "time": up_at, "tag": tag})
                    exchanges.append(Exchange(up_at, up, 4, tag=tag))
        exchanges.sort(key=lambda e: e.at)
        tag = net.tag(f"c2:conn:{self.beacon_host}", f"first connection to the MQTT broker {self.beacon_host}")
        tls = Tls("1.3", self.beacon_host, b.alpn or ("mqtt",), "custom")
        net.tls_session(self.beacon_host, addr, b.port, t, tls, exchanges, 0, tag=tag, suspect=True)

    def http_request(self, at: float, host: str, size: int, purpose: str, tag: str | None) -> HttpExchange:
        """A JSON report in clear text, with fake data from Faker: what the stalkerware steals."""
        fake = self.net.fake
        self.http_seq += 1
        when = datetime.fromtimestamp(at, tz=UTC).isoformat(timespec="seconds")
        lat, lon = (float(x) for x in fake.local_latlng(country_code="GB", coords_only=True))
        record: dict = {"device": self.fi.variant.package, "seq": self.http_seq, "time": when,
                        "battery": fake.random_int(15, 100)}
        if purpose in ("beacon", "location"):
            record["location"] = {"lat": round(lat + fake.pyfloat(min_value=-0.01, max_value=0.01), 6),
                                  "lon": round(lon + fake.pyfloat(min_value=-0.01, max_value=0.01), 6),
                                  "accuracy_m": fake.random_int(5, 40)}
        if purpose == "sms":
            record["sms"] = [{"to": fake.phone_number(), "body": fake.sentence(nb_words=10), "time": when}]
        if purpose == "call":
            record["calls"] = [{"number": fake.phone_number(), "duration_s": fake.random_int(30, 300),
                                "contact": fake.name(), "time": when}]
        if purpose == "message":
            record["messages"] = [{"app": "com.whatsapp", "from": fake.name(), "text": fake.sentence()}]
        if purpose == "photo":
            # the photo goes up encrypted with the app's own key: opaque bytes, even over plain HTTP
            body = self.rng.randbytes(size)
            content_type = "application/octet-stream"
        else:
            body = json.dumps(record, separators=(",", ":")).encode()
            content_type = "application/json"
        path = self.b.http_path + ("/photo" if purpose == "photo" else "")
        headers = (("User-Agent", self.b.user_agent), ("Content-Type", content_type),
                   ("X-Device-Id", self.fi.variant.package.split(".")[-1] + "-" + str(self.net.inst.seed)),
                   ("Connection", "close"))
        response = json.dumps({"ok": True, "next": int(self.b.beacon.period_s if self.b.beacon else 300)}).encode()
        return HttpExchange(at=at, method="POST", host=f"{host}:{self.b.port}", path=path, headers=headers,
                            body=body, status=200, response_headers=(("Content-Type", "application/json"),),
                            response_body=response, tag=tag)


def known_indicator_ips(inst: ScenarioInstance) -> set[str]:
    from stalkerlab.simulator.world.catalogue import Catalogue

    families = list(Catalogue().families.values()) + [fi.family for fi in inst.families]
    return {ip for family in families for ip in family.c2_ips}


def build_traffic(inst: ScenarioInstance) -> tuple[CapturePlan, TrafficFacts]:
    return TrafficBuilder(inst).build()

