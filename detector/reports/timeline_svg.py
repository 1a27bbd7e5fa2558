"""The timeline chart: what the person did, when the phone contacted flagged servers, when it sent data
out, and what changed on the phone, as inline SVG (no script, no external resource).

Time runs left to right; each kind of event has its own lane, its own marker shape and a text label, so
nothing depends on colour. The install story usually happens days before the capture, so times are split
into panels wherever nothing happens for more than PANEL_GAP_S; each panel has its own axis and says how
much later it comes. The chart is drawn 360 units wide so that its text stays legible on a phone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

from stalkerlab.detector.reports.markup import escape

from stalkerlab.common.utc_time import epoch

PANEL_GAP_S = 3600
UPLOAD_RULES = ("net.flow.upload_after_action", "net.flow.upload_heavy")
WIDTH = 360
MARGIN_X = 10
LANE_LABEL_H = 17
AXIS_H = 26
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


@dataclass(frozen=True)
class Lane:
    key: str
    label: str          # plain words, shown above the lane
    noun: str           # singular, for marker titles and the table
    height: int


LANES = (
    Lane("action", "What the person did", "Action", 38),
    Lane("contact", "Contacts with flagged servers", "Server contact", 22),
    Lane("upload", "Data sent out (uploads)", "Upload", 22),
    Lane("device", "Changes on the phone", "Phone", 32),
)


@dataclass(frozen=True)
class ChartEvent:
    time: float           # epoch seconds, UTC
    lane: str             # a Lane.key
    label: str            # short text: the action, the server, the change
    text: str             # one line of detail for the table
    ref: str = ""         # evidence reference: "frame 367", "dumpsys.txt:117", "stimuli.json"
    number: int | None = None   # device events are numbered in the chart and the table


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def clock(ts: float, seconds: bool = True) -> str:
    return _utc(ts).strftime("%H:%M:%S" if seconds else "%H:%M")


def day(ts: float) -> str:
    d = _utc(ts)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"   # no locale: the same text on every machine


def chart_events(report: dict) -> list[ChartEvent]:
    """Every event the chart shows, in time order (the table under the chart lists the same events)."""
    events: dict[tuple, ChartEvent] = {}

    def add(event: ChartEvent, key: tuple) -> None:
        events.setdefault(key, event)

    for s in report.get("stimuli") or ():
        t = epoch(s["time"])
        add(ChartEvent(t, "action", s["action"], s["note"] or s["action"], "stimuli.json"), ("action", t, s["action"]))
    for f in report["findings"]:
        if not f["rule_id"].startswith("net.") or f["rule_id"].startswith("net.coverage."):
            continue
        lane = "upload" if f["rule_id"] in UPLOAD_RULES else "contact"
        subject = f["subject"] or f["title"]
        for e in f["evidence"]:
            if e["source"] != "capture" or not e["time"]:
                continue
            t = epoch(e["time"])
            # one marker per connection: DNS A + AAAA + ClientHello of one contact share a second
            key = (lane, e["ref"]) if lane == "upload" else (lane, subject, int(t))
            add(ChartEvent(t, lane, subject, e["text"], e["ref"]), key)
    for row in report["timeline"]:
        t = epoch(row["time"])
        if row["source"] == "device":
            add(ChartEvent(t, "device", row["subject"] or row["what"], row["what"], row["ref"]),
                ("device", t, row["what"]))
        elif row["source"] == "capture":
            subject = row["subject"] or row["what"]
            add(ChartEvent(t, "contact", subject, row["what"], row["ref"]), ("contact", subject, int(t)))
    ordered = sorted(events.values(), key=lambda e: (e.time, e.lane, e.label, e.ref))
    numbered, n = [], 0
    for e in ordered:
        if e.lane == "device":
            n += 1
            e = ChartEvent(e.time, e.lane, e.label, e.text, e.ref, n)
        numbered.append(e)
    return numbered


def _capture_span(report: dict) -> tuple[float, float] | None:
    capture = report["manifest"]["capture"]
    if not capture["first_packet_time"]:
        return None
    return epoch(capture["first_packet_time"]), epoch(capture["last_packet_time"])


def _panels(events: list[ChartEvent], capture: tuple[float, float] | None) -> list[tuple[float, float]]:
    times = sorted([e.time for e in events] + list(capture or ()))
    if not times:
        return []
    spans = [[times[0], times[0]]]
    for t in times[1:]:
        if t - spans[-1][1] > PANEL_GAP_S:
            spans.append([t, t])
        else:
            spans[-1][1] = t
    out = []
    for start, end in spans:
        # a lone moment still needs a readable axis; otherwise pad a little so edge markers are whole
        pad = 30.0 if end - start < 1 else (end - start) * 0.04
        out.append((start - pad, end + pad))
    return out


def _tick_step(span: float) -> int:
    return next((s for s in TICK_STEPS_S if span / s <= 4), TICK_STEPS_S[-1])


def _duration_words(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    parts = [f"{v} {unit}{'s' if v != 1 else ''}" for v, unit in ((days, "day"), (hours, "hour"), (mins, "minute"))
             if v]
    return " ".join(parts[:2]) or "moments"


def _marker(lane: str, x: float, y: float, event: ChartEvent) -> str:
    if lane == "action":
        return (f"<path d='M{x:.1f} {y - 6:.1f}l6 6l-6 6l-6-6z' {PAINT['m-action']}/>")
    if lane == "contact":
        return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='4.5' {PAINT['m-contact']}/>"
    if lane == "upload":
        return f"<path d='M{x:.1f} {y - 7:.1f}l6 12h-12z' {PAINT['m-upload']}/>"
    return (f"<rect x='{x - 6.5:.1f}' y='{y - 6.5:.1f}' width='13' height='13' {PAINT['m-device']}/>"
            f"<text x='{x:.1f}' y='{y + 3.5:.1f}' {PAINT['m-num']}>{event.number}</text>")


def _panel_svg(index: int, start: float, end: float, events: list[ChartEvent], report: dict,
               capture: tuple[float, float] | None, heading: str) -> str:
    inner = WIDTH - 2 * MARGIN_X
    height = sum(LANE_LABEL_H + lane.height for lane in LANES) + AXIS_H

    def x_of(t: float) -> float:
        return MARGIN_X + (t - start) / (end - start) * inner

    in_panel = [e for e in events if start <= e.time <= end]
    counts = {lane.key: sum(1 for e in in_panel if e.lane == lane.key) for lane in LANES}
    summary = "; ".join(f"{lane.label}: {counts[lane.key]}" for lane in LANES)
    body = []
    lane_top: dict[str, float] = {}
    y = 0.0
    for lane in LANES:
        lane_top[lane.key] = y + LANE_LABEL_H
        y += LANE_LABEL_H + lane.height
    plot_bottom = y
    if capture and capture[1] >= start and capture[0] <= end:
        x0, x1 = x_of(max(capture[0], start)), x_of(min(capture[1], end))
        body.append(f"<rect x='{x0:.1f}' y='0' width='{max(x1 - x0, 1):.1f}' height='{plot_bottom:.1f}' "
                    f"{PAINT['capture']}/>")
    # a guide from each action down through the other lanes shows what followed it; it stops short of the
    # lane labels and action names so that no text is crossed
    strips = [(lane_top[lane.key], lane_top[lane.key] + lane.height) for lane in LANES if lane.key != "action"]
    for action in (e for e in in_panel if e.lane == "action"):
        x = x_of(action.time)
        body += [f"<line x1='{x:.1f}' y1='{top:.1f}' x2='{x:.1f}' y2='{bottom:.1f}' {PAINT['guide']}/>"
                 for top, bottom in strips]
    for lane in LANES:
        top = lane_top[lane.key]
        mid = top + (11 if lane.key in ("action", "device") else lane.height / 2)
        body.append(f"<line x1='{MARGIN_X}' y1='{mid:.1f}' x2='{WIDTH - MARGIN_X}' y2='{mid:.1f}' {PAINT['lane']}/>")
        body.append(f"<text x='{MARGIN_X}' y='{top - 4:.1f}' {PAINT['lane-label']}>{escape(lane.label)}"
                    f"{'' if counts[lane.key] else ' — ' + escape(_empty_lane_words(lane.key, report))}</text>")
        last_x_by_row: dict[int, float] = {}
        for event in (e for e in in_panel if e.lane == lane.key):
            x = x_of(event.time)
            row = 0
            if lane.key in ("action", "device"):
                # labels and numbered squares that would overlap go one row down
                row = 1 if x - last_x_by_row.get(0, -99.0) < (52 if lane.key == "action" else 15) else 0
                last_x_by_row[row] = x
            marker_y = mid + (14 if lane.key == "device" and row else 0)
            title = f"{clock(event.time)} {LANE_BY_KEY[lane.key].noun}: {event.text}" + (
                f" ({event.ref})" if event.ref else "")
            label = ""
            if lane.key == "action":
                label = (f"<text x='{x:.1f}' y='{mid + 19 + 11 * row:.1f}' {PAINT['m-label']}>"
                         f"{escape(event.label)}</text>")
            body.append(f"<g><title>{escape(title)}</title>{_marker(lane.key, x, marker_y, event)}{label}</g>")
    step = _tick_step(end - start)
    tick = math.ceil(start / step) * step
    body.append(f"<line x1='{MARGIN_X}' y1='{plot_bottom:.1f}' x2='{WIDTH - MARGIN_X}' y2='{plot_bottom:.1f}' "
                f"{PAINT['axis']}/>")
    while tick <= end:
        x = x_of(tick)
        body.append(f"<line x1='{x:.1f}' y1='{plot_bottom:.1f}' x2='{x:.1f}' y2='{plot_bottom + 4:.1f}' "
                    f"{PAINT['axis']}/>")
        body.append(f"<text x='{x:.1f}' y='{plot_bottom + 17:.1f}' {PAINT['tick']}>{clock(tick, step < 60)}</text>")
        tick += step
    title_id, desc_id = f"timeline-{index}-title", f"timeline-{index}-desc"
    return (f"<svg xmlns='http://www.w3.org/2000/svg' class='timeline' viewBox='0 0 {WIDTH} {height}' "
            f"role='img' aria-labelledby='{title_id} {desc_id}' preserveAspectRatio='xMinYMin meet' "
            "font-family='system-ui, DejaVu Sans, sans-serif'>"
            f"<title id='{title_id}'>{escape(heading)}</title>"
            f"<desc id='{desc_id}'>Time runs left to right, in UTC. {escape(summary)}. Each marker has its time and "
            f"evidence; the table below lists every event.</desc>{''.join(body)}</svg>")


LANE_BY_KEY = {lane.key: lane for lane in LANES}


def _empty_lane_words(lane: str, report: dict) -> str:
    if lane == "device" and not report["coverage"]["device"]:
        return "phone not checked"
    if lane in ("contact", "upload") and not report["coverage"]["capture"]:
        return "no network recording"
    if lane == "action" and not report.get("stimuli"):
        return "not recorded"
    return "none"


# Presentation attributes, not CSS classes: WeasyPrint's SVG renderer does not see the page's stylesheet.
PAINT = {
    "lane-label": "font-size='12.5' font-weight='bold' fill='#1a1a1a'",
    "lane": "stroke='#bbb' stroke-width='1'",
    "axis": "stroke='#444' stroke-width='1'",
    "tick": "font-size='11.5' fill='#333' text-anchor='middle'",
    "guide": "stroke='#5b2a86' stroke-width='1' stroke-dasharray='3 3'",
    "capture": "fill='#e8eef5'",
    "m-action": "fill='#5b2a86' stroke='#fff' stroke-width='1'",
    "m-contact": "fill='#b34700' fill-opacity='0.75' stroke='#5c2400' stroke-width='1'",
    "m-upload": "fill='#8b0000' stroke='#fff' stroke-width='1'",
    "m-device": "fill='#1f4e79' stroke='#fff' stroke-width='1'",
    "m-num": "font-size='9' font-weight='bold' fill='#fff' text-anchor='middle'",
    "m-label": "font-size='11' fill='#1a1a1a' text-anchor='middle'",
}
SVG_STYLE = ".timeline{width:100%;max-width:44rem;height:auto;display:block}"


def render_timeline(report: dict, events: list[ChartEvent]) -> str:
    """The chart as HTML: one <figure> with one SVG panel per stretch of time. Empty when nothing has a time."""
    capture = _capture_span(report)
    panels = _panels(events, capture)
    if not panels:
        return ""
    parts = ["<figure class='timeline-figure'>"]
    previous_end = None
    for index, (start, end) in enumerate(panels, 1):
        if previous_end is not None:
            parts.append(f"<p class='gap'>… {escape(_duration_words(start - previous_end))} later …</p>")
        first, last, seconds = day(start), day(end), end - start < 120
        when = (f"{first}, {clock(start, seconds)} to {clock(end, seconds)}" if first == last
                else f"{first} {clock(start, seconds)} to {last} {clock(end, seconds)}")
        recorded = ""
        if capture and capture[1] >= start and capture[0] <= end:
            # said in words here rather than inside the chart, where it would cross the lane labels
            recorded = (f"<br><span class='note'>shaded: network recorded {clock(capture[0], seconds)} to "
                        f"{clock(capture[1], seconds)}</span>")
        parts.append(f"<p class='panel-heading'>{escape(when)} (UTC){recorded}</p>")
        parts.append(_panel_svg(index, start, end, events, report, capture, f"Timeline, {when} UTC"))
        previous_end = end
    parts.append("<figcaption>Diamonds: what the person did (dashed lines follow each action down). Circles: "
                 "contacts with flagged servers. Triangles: data sent out. Numbered squares: changes on the phone, "
                 "numbered as in the table below. Shaded: the time the network was recorded.</figcaption></figure>")
    return "".join(parts)
