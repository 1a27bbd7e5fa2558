"""The families' traffic: each installed family's beacons and its uploads after the person's actions, over
the transport its behaviour names (TLS with SNI, self-signed TLS 1.2, plain HTTP on an odd port, a raw IP,
MQTT, push-driven), and the visit to a vendor's sales website."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from stalkerlab.simulator.instance import FamilyInstance, ScenarioInstance
from stalkerlab.simulator.network.build.apps import periodic
from stalkerlab.simulator.network.build.connections import resolve, server_certificate, tls_session
from stalkerlab.simulator.network.build.draft import Draft
from stalkerlab.simulator.network.plan import Exchange, HttpExchange, TcpSession, Tls
from stalkerlab.simulator.world.model import Action


def family_traffic(draft: Draft) -> None:
    for fi in draft.inst.families:
        if fi.presence == "website-only":
            vendor_website_visit(draft, fi)
        elif fi.active:
            draft.c2_names.update(fi.variant.c2_domains)
            for ep in fi.family.endpoints:
                periodic(draft, ep)
            if fi.family.behaviour.transport != "none":
                FamilyTraffic(draft, fi).build()


def vendor_website_visit(draft: Draft, fi: FamilyInstance) -> None:
    """The person (or the abuser) browses the vendor's sales website, a little after browsing starts (or the
    first action, or the capture, when there is none)."""
    rng, inst = draft.rng, draft.inst
    browse = [a for a in inst.actions if a.kind == "browse"] or list(inst.actions[:1])
    at = draft.start + (browse[0].at_s if browse else 0.0) + rng.uniform(20, 60)
    for i, site in enumerate(fi.family.websites[:2]):
        addr, t = resolve(draft, site, at + i * 0.4, ttl=300, browser=True)
        tag = draft.tag(f"website:{site}", f"first connection to the vendor's sales website {site}")
        exchanges = [Exchange(t + 0.05 + k * rng.uniform(3, 12), draft.size((900, 2500)),
                              draft.size((60000, 400000))) for k in range(rng.randint(3, 7))]
        tls_session(draft, addr, 443, t, Tls("1.3", site, ("h2", "http/1.1"), "chrome"), exchanges,
                    rng.uniform(5, 30), tag=tag)


def known_indicator_ips(inst: ScenarioInstance) -> set[str]:
    """Every C2 address of the catalogue's families and the scenario's (a real family's may be new)."""
    from stalkerlab.simulator.world.catalogue import Catalogue

    families = list(Catalogue().families.values()) + [fi.family for fi in inst.families]
    return {ip for family in families for ip in family.c2_ips}


class FamilyTraffic:
    """One family instance's traffic: beacons and uploads after the person's actions."""

    def __init__(self, draft: Draft, fi: FamilyInstance):
        self.draft = draft
        self.fi = fi
        self.rng = draft.rng
        self.b = fi.family.behaviour
        domains = fi.variant.c2_domains
        self.beacon_host = domains[0] if domains else None
        self.upload_host = domains[-1] if domains else None
        self.ip = fi.variant.c2_ips[0] if fi.variant.c2_ips else None
        if self.ip:
            draft.book.reserve(self.ip)
        self.http_seq = 0

    def build(self) -> None:
        b, draft = self.b, self.draft
        if b.beacon:
            draft.facts.beacon_period_s = b.beacon.period_s
        if b.transport == "mqtt":
            self.mqtt_session()
            return
        if b.beacon:
            at = draft.start + self.rng.uniform(3, min(b.beacon.period_s, 90))
            while at < draft.end - 1:
                self.contact(at, self.beacon_host, self.size(b.beacon.up_bytes), self.size(b.beacon.down_bytes),
                             "beacon")
                at += b.beacon.period_s * (1 + self.rng.uniform(-b.beacon.jitter, b.beacon.jitter))
        for index, action in enumerate(draft.inst.actions):
            if action.kind not in b.uploads:
                continue
            at = draft.start + action.at_s + self.rng.uniform(*b.upload_delay_s)
            if at >= draft.end - 1:
                continue
            if b.transport == "push":
                draft.push_wakeups.append(at - self.rng.uniform(0.8, 2.5))
            up, tag = self.upload(index, action, at)
            self.contact(at, self.upload_host, up, self.size((150, 600)), action.kind, tag=tag)

    def size(self, bounds: tuple[float, float]) -> int:
        return max(1, int(self.rng.uniform(*bounds)))

    def upload(self, index: int, action: Action, at: float) -> tuple[int, str]:
        """(bytes, tag) of the upload after action number `index`, recorded for the answer key."""
        up = self.size(self.b.uploads[action.kind])
        tag = self.draft.tag(f"upload:{index}:{action.kind}", f"upload of {up} bytes after the '{action.kind}' action")
        self.draft.facts.uploads.append({"action_index": index, "action": action.kind, "bytes": up, "time": at,
                                         "tag": tag})
        return up, tag

    def contact(self, at: float, host: str | None, up: int, down: int, purpose: str, tag: str | None = None) -> None:
        draft, b = self.draft, self.b
        if b.transport == "raw-ip" or host is None:
            addr, t = self.ip, at
        else:
            addr, t = resolve(draft, host, at, suspect=True, ttl=600)
        key = f"c2:conn:{host or addr}"
        conn_tag = draft.tag(key, f"first connection to the C2 server {host or addr}") if draft.first_time(key) \
            else None
        draft.facts.contact(t, host if b.transport != "raw-ip" else None, addr)
        exchange = Exchange(t + 0.02, up, down, tag=tag)
        linger = self.rng.uniform(1.0, 8.0)
        if b.transport == "http-port":
            draft.sessions.append(TcpSession(
                start=t, dst_ip=addr, dst_port=b.port, src_port=draft.port(), rtt=draft.rtt(True),
                http=(self.http_request(t + 0.02, host, up, purpose, tag),),
                end=min(t + linger, draft.end - 0.001), tag=conn_tag))
            return
        if b.transport == "tls12-self-signed":
            tls = Tls("1.2", host, b.alpn, "okhttp", server_certificate(draft, host, "self-signed", self.fi.family.id))
        elif b.transport == "raw-ip":
            tls = Tls("1.3", None, b.alpn, "custom")
        else:
            tls = Tls("1.3", host, b.alpn, "okhttp")
        tls_session(draft, addr, b.port, t, tls, [exchange], linger, tag=conn_tag, suspect=True)

    def mqtt_session(self) -> None:
        """One long MQTT-over-TLS connection: CONNECT, a PINGREQ every beacon period, the uploads as PUBLISH."""
        draft, b = self.draft, self.b
        at = draft.start + self.rng.uniform(2, 20)
        addr, t = resolve(draft, self.beacon_host, at, suspect=True, ttl=600)
        draft.facts.contact(t, self.beacon_host, addr)
        exchanges = [Exchange(t + 0.05, self.size((60, 140)), 4)]           # CONNECT / CONNACK
        nxt = t + b.beacon.period_s
        while nxt < draft.end:
            exchanges.append(Exchange(nxt, 2, 2))                             # PINGREQ / PINGRESP
            nxt += b.beacon.period_s * (1 + self.rng.uniform(-b.beacon.jitter, b.beacon.jitter))
        for index, action in enumerate(draft.inst.actions):
            if action.kind in b.uploads:
                up_at = draft.start + action.at_s + self.rng.uniform(*b.upload_delay_s)
                if up_at < draft.end - 1:
                    up, tag = self.upload(index, action, up_at)
                    exchanges.append(Exchange(up_at, up, 4, tag=tag))
        exchanges.sort(key=lambda e: e.at)
        tag = draft.tag(f"c2:conn:{self.beacon_host}", f"first connection to the MQTT broker {self.beacon_host}")
        tls = Tls("1.3", self.beacon_host, b.alpn or ("mqtt",), "custom")
        tls_session(draft, addr, b.port, t, tls, exchanges, 0, tag=tag, suspect=True)

    def http_request(self, at: float, host: str, size: int, purpose: str, tag: str | None) -> HttpExchange:
        """A JSON report in clear text, with fake data from Faker: what the stalkerware steals."""
        fake = self.draft.fake
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
                   ("X-Device-Id", self.fi.variant.package.split(".")[-1] + "-" + str(self.draft.inst.seed)),
                   ("Connection", "close"))
        response = json.dumps({"ok": True, "next": int(self.b.beacon.period_s if self.b.beacon else 300)}).encode()
        return HttpExchange(at=at, method="POST", host=f"{host}:{self.b.port}", path=path, headers=headers,
                            body=body, status=200, response_headers=(("Content-Type", "application/json"),),
                            response_body=response, tag=tag)
