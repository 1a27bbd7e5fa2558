"""The phone's ordinary apps: push channels held open, background syncs on their own timers, and the
foreground use that follows the person's actions and how busy the phone is (network/data/usage.yml)."""

from __future__ import annotations

from stalkerlab.simulator.network.build.connections import quic_session, resolve, server_certificate, tls_session
from stalkerlab.simulator.network.build.draft import Draft
from stalkerlab.simulator.network.plan import Exchange, HttpExchange, TcpSession, Tls
from stalkerlab.simulator.tables import table
from stalkerlab.simulator.world.model import Endpoint

_USAGE = table("network", "usage")
ACTION_APPS: dict[str, str] = _USAGE["action_apps"]
USAGE = {level: (entry["per_hour"], tuple(entry["length_s"])) for level, entry in _USAGE["usage"].items()}
VIDEO_SESSION_S = tuple(_USAGE["video_session_s"])
ACTION_SESSION_S = tuple(_USAGE["action_session_s"])
PUSH_SERVICE = table("network", "phone_services")["push_service"]


def endpoint_visit(draft: Draft, ep: Endpoint, at: float, until: float, interactive: bool) -> None:
    """One use of an endpoint: lookup, connect, exchanges until `until`, close."""
    rng = draft.rng
    v6 = ep.ipv6 and draft.lan.phone_ipv6 is not None
    browser = ep.role == "browse"
    addr, t = resolve(draft, ep.name, at, v6=v6, ttl=rng.choice((60, 120, 300, 300, 3600)), browser=browser)
    exchanges = []
    if ep.role == "download" and ep.rate_kbps:
        rate = rng.uniform(*ep.rate_kbps) * 1000 / 8
        chunk_t = t + 0.3
        while chunk_t < until:
            gap = rng.uniform(4.0, 6.5)
            exchanges.append(Exchange(chunk_t, draft.size((300, 700)), int(rate * gap)))
            chunk_t += gap
    else:
        exchanges.append(Exchange(t + 0.05, draft.size(ep.up_bytes), draft.size(ep.down_bytes)))
        step = (2.0, 25.0) if interactive else (30.0, 120.0)
        nxt = t + rng.uniform(*step)
        while interactive and nxt < until:
            exchanges.append(Exchange(nxt, draft.size(ep.up_bytes), draft.size(ep.down_bytes) // 2))
            nxt += rng.uniform(*step)
    if not exchanges:
        return
    linger = rng.uniform(2.0, 45.0)
    if ep.transport == "quic":
        quic_session(draft, ep.name, addr, t, ep.alpn, exchanges, linger)
    elif ep.transport == "http":
        persona = draft.inst.persona
        user_agent = f"Dalvik/2.1.0 (Linux; U; Android {persona.android_version}; {persona.model_code})"
        requests = tuple(
            HttpExchange(at=e.at, method="GET", host=ep.name, path=ep.path,
                         headers=(("User-Agent", user_agent), ("Connection", "Keep-Alive"),
                                  ("Accept-Encoding", "gzip")),
                         body=b"", status=204 if ep.down_bytes[1] == 0 else 200,
                         response_body=b"" if ep.down_bytes[1] == 0 else rng.randbytes(e.down))
            for e in exchanges)
        draft.sessions.append(TcpSession(start=t, dst_ip=addr, dst_port=ep.port, src_port=draft.port(),
                                         rtt=draft.rtt(), http=requests,
                                         end=min(exchanges[-1].at + 1.0, draft.end - 0.001)))
    else:
        version = "1.2" if ep.transport in ("tls12", "tls12-self-signed") else "1.3"
        cert = None
        if version == "1.2":
            cert = server_certificate(draft, ep.name,
                                      "self-signed" if ep.transport == "tls12-self-signed" else "public-ca")
        client = "chrome" if browser or ep.transport == "quic" else "okhttp"
        tls_session(draft, addr, ep.port, t, Tls(version, ep.name, ep.alpn, client, cert), exchanges, linger)


def push_channel(draft: Draft, ep: Endpoint) -> None:
    """One long connection with heartbeats (and the wake-ups of push-driven apps on the push service's)."""
    rng = draft.rng
    at = draft.start + rng.uniform(1.0, 6.0)
    v6 = ep.ipv6 and draft.lan.phone_ipv6 is not None
    addr, t = resolve(draft, ep.name, at, v6=v6, ttl=300)
    exchanges = [Exchange(t + 0.05, draft.size((300, 700)), draft.size((200, 500)))]
    period = ep.period_s or (240.0, 300.0)
    nxt = t + rng.uniform(*period)
    while nxt < draft.end:
        exchanges.append(Exchange(nxt, draft.size(ep.up_bytes), draft.size(ep.down_bytes)))
        nxt += rng.uniform(*period)
    if ep.name == PUSH_SERVICE:
        for wake in draft.push_wakeups:
            exchanges.append(Exchange(wake, 0, draft.size((180, 420))))
    version = "1.2" if ep.transport == "tls12" else "1.3"
    cert = server_certificate(draft, ep.name, "public-ca") if version == "1.2" else None
    tls = Tls(version, ep.name, ep.alpn, "custom" if ep.port != 443 else "okhttp", cert)
    exchanges.sort(key=lambda e: e.at)
    tls_session(draft, addr, ep.port, t, tls, exchanges, 0)


def periodic(draft: Draft, ep: Endpoint) -> None:
    """A background endpoint visited on its own timer for the whole capture."""
    period = ep.period_s or (600.0, 900.0)
    at = draft.start + draft.rng.uniform(2.0, min(period[0], 120.0))
    while at < draft.end - 1:
        endpoint_visit(draft, ep, at, at, interactive=False)
        at += draft.rng.uniform(*period)


def foreground_use(draft: Draft) -> list[tuple[float, float, str]]:
    """(start, end, app category) of the person's use of the phone: after each action, and by chance as
    often as the scenario's usage says."""
    rng, inst = draft.rng, draft.inst
    duration = draft.end - draft.start
    uses = []
    for action in inst.actions:
        category = ACTION_APPS.get(action.kind)
        if category:
            length = rng.uniform(*VIDEO_SESSION_S) if category == "video" else rng.uniform(*ACTION_SESSION_S)
            uses.append((draft.start + action.at_s - 5, draft.start + action.at_s + length, category))
    per_hour, length = USAGE[draft.scenario.usage]
    categories = sorted({a.category for a in inst.apps if any(e.role == "foreground" for e in a.endpoints)})
    count = int(round(per_hour * duration / 3600 * rng.uniform(0.8, 1.2)))
    for _ in range(count if categories else 0):
        t0 = draft.start + rng.uniform(10, max(duration - 60, 11))
        uses.append((t0, t0 + rng.uniform(*length), rng.choice(categories)))
    return sorted(uses)


def ordinary_apps(draft: Draft) -> None:
    rng, apps = draft.rng, draft.inst.apps
    for app in apps:
        for ep in app.endpoints:
            if ep.role == "push":
                push_channel(draft, ep)
            elif ep.role == "background":
                periodic(draft, ep)
    for t0, t1, category in foreground_use(draft):
        t1 = min(t1, draft.end - 0.5)
        for app in apps:
            if app.category != category:
                continue
            for ep in app.endpoints:
                if ep.role in ("foreground", "download"):
                    endpoint_visit(draft, ep, t0 + rng.uniform(0.1, 3.0), t1, interactive=True)
                elif ep.role == "browse":
                    endpoint_visit(draft, ep, t0 + rng.uniform(0.1, (t1 - t0) * 0.7 + 0.2), t1, interactive=False)
