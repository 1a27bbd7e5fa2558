"""Per-destination behaviour over time: how often the phone connects, how regularly, how much it sends,
and whether uploads follow the person's actions.

Input: normalised flow records (dicts with proto, dst, dport, start, end, bytes_out, bytes_in, name,
first_frame, bursts = [(time, bytes_out)] of client payload bursts). Output: one `destination` record per
(label, port), the stream the behaviour rules read.
"""

from __future__ import annotations

import ipaddress
import statistics
from collections import defaultdict

from stalkerlab.detector.analysis.action_uploads import ACTION_WINDOW_S, ActionTimeline, follow
from stalkerlab.detector.findings import Evidence
from stalkerlab.detector.stimuli import Stimulus

VPN_PORTS = (51820, 1194, 500, 4500, 1701)
BEACON_MIN_GAP_S = 20.0
# Destinations whose behaviour is analysed: a hostile capture to millions of addresses would otherwise make
# a finding for each. The most telling are kept (named, most bytes, most connections); coverage counts the rest.
MAX_DESTINATIONS = 1_000
# Apps the person was using for an action talk to their own servers then: those are not suspicious.
ACTION_HOST_HINTS = {
    "photo": ("instagram", "cdninstagram", "fbcdn", "googleusercontent", "photos"),
    "message": ("whatsapp", "signal", "telegram", "messenger"),
    "video": ("googlevideo", "youtube", "ytimg"),
    "browse": (),
    "location": ("maps", "googleapis"),
}


def scope_of(ip: str) -> str:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    if addr.is_multicast:
        return "multicast"
    if addr.is_link_local or addr.is_loopback:
        return "local"
    # documentation and benchmark ranges stand for the internet in training captures
    if addr.is_private and not _is_doc_range(addr):
        return "local"
    return "internet"


_DOC = tuple(ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                                                 "198.18.0.0/15", "2001:db8::/32"))


def _is_doc_range(addr) -> bool:
    return any(addr in net for net in _DOC)


def beacon_stats(starts: list[float]) -> tuple[int, float | None, float | None]:
    """(number of regular gaps, median gap, coefficient of variation) of connection start times.

    Extra connections (uploads after actions) sit between regular ones; gaps far from the median are
    dropped before measuring regularity, as an analyst would do by eye.
    """
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False) if b - a >= BEACON_MIN_GAP_S]
    if len(gaps) < 3:
        return len(gaps), None, None
    median = statistics.median(gaps)
    regular = [g for g in gaps if 0.6 * median <= g <= 1.4 * median]
    if len(regular) < 3:
        return len(regular), median, None
    mean = statistics.fmean(regular)
    return len(regular), statistics.median(regular), statistics.pstdev(regular) / mean


def _telling(items: list[dict]) -> tuple:
    return (items[0].get("name") is not None, sum(f["payload_out"] + f["payload_in"] for f in items), len(items))


def build_destinations(flows: list[dict], stimuli: list[Stimulus], resolved_ips: set[str],
                       dns_hidden: bool) -> tuple[list[dict], int]:
    """The destination records, and how many destinations were left unanalysed (past MAX_DESTINATIONS)."""
    groups: dict[tuple[str, int, str], list[dict]] = defaultdict(list)
    for flow in flows:
        label = flow.get("name") or flow["dst"]
        groups[(label, flow["dport"], flow["proto"])].append(flow)
    timeline = ActionTimeline.of(stimuli, min((f["start"] for f in flows), default=0.0),
                                 max((f["end"] for f in flows), default=0.0))
    unanalysed = max(0, len(groups) - MAX_DESTINATIONS)
    if unanalysed:
        kept = sorted(groups, key=lambda k: _telling(groups[k]), reverse=True)[:MAX_DESTINATIONS]
        groups = {k: groups[k] for k in kept}
    records = []
    for (label, port, proto), items in sorted(groups.items()):
        items.sort(key=lambda f: f["start"])
        starts = [f["start"] for f in items]
        count, period, cv = beacon_stats(starts)
        bytes_out = sum(f["bytes_out"] for f in items)
        bytes_in = sum(f["bytes_in"] for f in items)
        uploads = follow(items, timeline)
        followed = uploads.actions
        dst = items[0]["dst"]
        evidence = [Evidence("capture", f"frame {f['first_frame']}", time=f["start"], frame=f["first_frame"],
                             text=f"{f['proto'].upper()} {f['src']}:{f['sport']} -> {f['dst']}:{f['dport']}"
                                  f" ({f['bytes_out']} B out, {f['bytes_in']} B in)")
                    for f in items if f.get("first_frame")]
        records.append({
            "label": label,
            "name": items[0].get("name"),
            "dst_ip": dst,
            "dst_ips": sorted({f["dst"] for f in items}),
            "dst_port": port,
            "transport": proto,
            "scope": scope_of(dst),
            "sni": items[0].get("sni"),
            # a VPN tunnel carries everything the phone does, so "uploads after actions" mean nothing there
            "tunnel": proto == "udp" and port in VPN_PORTS,
            "resolved": any(f["dst"] in resolved_ips for f in items),
            "dns_hidden": dns_hidden,
            "flows": len(items),
            "bytes_out": bytes_out,
            "bytes_in": bytes_in,
            "upload_ratio": round(bytes_out / max(bytes_in, 1), 3),
            "duration_s": round(sum((f["end"] - f["start"]) for f in items), 1),
            "beacon_count": count,
            "beacon_period_s": round(period, 1) if period else None,
            "beacon_cv": round(cv, 3) if cv is not None else None,
            "actions_total": len(stimuli),
            "actions_followed": len(followed),
            "actions_share": round(len(followed) / len(stimuli), 3) if stimuli else 0.0,
            "actions_list": [f"{s.action}" for s in followed],
            "window_s": ACTION_WINDOW_S,
            "window_share": timeline.window_share,
            "chance": uploads.chance,
            "opened_after": uploads.opened_after,
            "upload_sessions": uploads.upload_sessions,
            "baseline_bursts": uploads.baseline_bursts,
            # the app the person was using for those actions talks to its own servers: expected
            "action_app_host": bool(followed) and all(
                any(h in label for h in ACTION_HOST_HINTS.get(s.action, ())) for s in followed),
            "_first_seen": starts[0],
            "_last_seen": max(f["end"] for f in items),
            "_evidence": evidence,
        })
    return records, unanalysed
