"""report.html: one self-contained page (no script, no font, no image, no link to load), in two parts.

First a plain summary that a support worker can show the person being helped: the verdict in plain
words, what it means and what it does not mean, and the safety note, in a calm tone and without
jargon. Then the technical annex for investigators: findings with rule ids and evidence (packet
numbers, artefact lines), the timeline, every name and address contacted, coverage and the evidence
manifest. The same page is printed to PDF, so print and narrow screens are both laid out here.
"""

from __future__ import annotations

from stalkerlab.detector.reports.family_words import WEBSITE_ONLY_WORDS, website_only
from stalkerlab.detector.reports.markup import Markup, escape
from stalkerlab.detector.reports.markup import text as _e
from stalkerlab.detector.reports.timeline_svg import LANE_BY_KEY, SVG_STYLE, ChartEvent, chart_events, clock, day
from stalkerlab.detector.reports.timeline_svg import render_timeline as render_timeline_chart

from stalkerlab.common.utc_time import epoch
from stalkerlab.common.verdicts import DOES_NOT_MEAN, MEANS

LEVEL_COLOURS = {"critical": "#8b0000", "high": "#9a3d00", "medium": "#6b5000", "low": "#3d5a80",
                 "informational": "#555"}
# Rows listed per table: a hostile capture can hold 100,000 names, and WeasyPrint takes 5 to 10 ms a row.
# report.json lists them all.
LISTED_ROWS = 200
LISTED_FINDINGS = 300
CONFIDENCE_WORDS = {"high": "strong evidence", "medium": "some evidence", "low": "weak evidence"}
STATUS_WORDS = {"ok": "checked", "not collected": "not collected", "error": "could not be read"}

STYLE = (
    "*{box-sizing:border-box}"
    "body{font-family:system-ui,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;max-width:48rem;margin:0 auto;"
    "padding:1rem;line-height:1.5;font-size:1.05rem;color:#1a1a1a;background:#fff}"
    "h1{font-size:1.6rem;margin:.2rem 0 .8rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.08rem}"
    "p,li{max-width:40rem}"
    ".verdict{border-left:.5rem solid #5b2a86;padding:.6rem 1rem;background:#f4effa;font-size:1.15rem}"
    ".safety{border-left:.5rem solid #8b0000;padding:.6rem 1rem;background:#fdf0f0}"
    ".note{color:#444;font-size:.95rem}"
    # fixed layout with column widths: WeasyPrint's automatic table layout is slow on long reports
    "table{table-layout:fixed;border-collapse:collapse;width:100%;font-size:.9rem;margin:.4rem 0 1rem}"
    "td,th{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top;overflow-wrap:break-word}"
    "th{background:#f2f2f2}code{font-size:.88em;word-break:break-all;unicode-bidi:isolate}"
    # escapes of hidden characters and cuts of long values, told apart from the evidence text around them
    ".shown{font-family:'DejaVu Sans Mono',monospace;font-size:.85em;background:#eee;border:1px solid #888;"
    "border-radius:.2rem;padding:0 .15rem;color:#1a1a1a}"
    ".level{font-weight:bold;padding:0 .3rem;border:2px solid;border-radius:.2rem;font-size:.85rem}"
    ".finding{border-top:1px solid #ccc;padding-top:.4rem;margin-top:1rem}"
    # one "Name: value" line per fact, without grid (costly in WeasyPrint, cramped on phones)
    ".finding dl{font-size:.92rem;margin:.3rem 0}.finding dt{display:inline;font-weight:bold}"
    ".finding dt::after{content:': '}.finding dd{display:inline;margin:0;overflow-wrap:break-word}"
    ".finding dd::after{content:'\\A';white-space:pre}"
    ".match{font-weight:bold}.gap{text-align:center;color:#444;font-style:italic;margin:.2rem 0}"
    ".panel-heading{font-weight:bold;margin:.8rem 0 .1rem}.panel-heading .note{font-weight:normal}figure{margin:0}"
    "figcaption{font-size:.9rem;color:#333;margin-top:.4rem}"
    "details{margin:.4rem 0}summary{cursor:pointer;font-weight:bold}"
    "footer{margin-top:2rem;font-size:.9rem;color:#444}"
    + SVG_STYLE +
    # narrow screens: table rows become cards, each cell labelled by its column
    "@media screen and (max-width:40rem){body{padding:.6rem;font-size:1rem}"
    "table.cards thead{display:none}table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;"
    "width:100%}table.cards tr{border:1px solid #ccc;margin-bottom:.5rem}table.cards td{border:0;"
    "border-bottom:1px solid #eee}table.cards td::before{content:attr(data-label) ': ';font-weight:bold}"
    "table.cards col{width:auto!important}table.cards caption{display:block}}"
    # the page's margin boxes take the body's font, not the default serif (one font less to embed in the PDF)
    "@page{size:A4;margin:16mm 14mm 18mm;font-family:'DejaVu Sans',sans-serif;"
    "@bottom-left{content:'Stalkerware Lab report';font-size:8pt;color:#555}"
    "@bottom-right{content:'Page ' counter(page) ' of ' counter(pages);font-size:8pt;color:#555}}"
    "@media print{body{max-width:none;padding:0;font-size:10.5pt}table{font-size:8.5pt}.annex{break-before:page}"
    "h2,h3{break-after:avoid}tr,.timeline,.verdict,.safety{break-inside:avoid}summary{list-style:none}"
    ".timeline{max-width:125mm}.panel-heading,summary{break-after:avoid}}"
)


def _table(headers: tuple[str, ...], rows: list[tuple], widths: tuple[int, ...], caption: str = "") -> str:
    """A table whose cells carry their column name, so narrow screens can show each row as a card.
    `widths`: percentages per column (the layout is fixed). Cells are escaped here, except Markup.
    At most LISTED_ROWS rows are listed; a note after the table says how many more report.json has."""
    cols = "<colgroup>" + "".join(f"<col style='width:{w}%'>" for w in widths) + "</colgroup>"
    head = "".join(f"<th scope='col'>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td data-label='{escape(h)}'>{_cell(c)}</td>"
                                    for h, c in zip(headers, row, strict=True))
                   + "</tr>" for row in rows[:LISTED_ROWS])
    cap = f"<caption class='note'>{_e(caption)}</caption>" if caption else ""
    return (f"<table class='cards'>{cap}{cols}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            + _not_listed(len(rows), LISTED_ROWS, "rows"))


def _not_listed(total: int, listed: int, noun: str) -> str:
    if total <= listed:
        return ""
    return (f"<p class='note'>The first {listed:,} of {total:,} {noun} are listed here, to keep the page readable "
            "and printable; report.json lists them all.</p>")


def _value(value: object) -> Markup:
    """A value from the evidence inside a sentence, isolated so that its writing direction cannot reorder
    the words around it."""
    return Markup(f"<bdi>{_e(value)}</bdi>")


def _cell(value: object) -> str:
    return value if isinstance(value, Markup) else _e(value)


def _code(value: object) -> Markup:
    return Markup(f"<code>{_e(value)}</code>") if value not in (None, "") else Markup("")


def _when(iso_text: str | None) -> str:
    if not iso_text:
        return ""
    t = epoch(iso_text)
    return f"{day(t)} {clock(t)}"


def _summary(report: dict) -> list[str]:
    verdict = report["verdict"]
    parts = [
        "<header><p class='note'>Stalkerware Lab report · all times are UTC</p>"
        "<h1>What we found</h1></header>",
        f"<section class='verdict' aria-label='Result'><p><strong>{_e(report['verdict_text'])}</strong></p></section>",
        f"<h2>What this means</h2><p>{_e(MEANS[verdict])}</p>",
        f"<h2>What this does not mean</h2><p>{_e(DOES_NOT_MEAN[verdict])}</p>",
        "<section class='safety' aria-labelledby='safety-heading'><h2 id='safety-heading'>Before changing anything"
        f"</h2><p>{_e(report['safety_note'])}</p><p>If you think someone may be watching this phone, use a device "
        "they cannot reach (a trusted friend's phone, a computer at a library or a support service) to look for "
        "help and make plans. You decide what happens next, and a support worker can help you make a safety plan "
        "first.</p></section>",
        "<h2>Why we say this</h2><ul>",
    ]
    parts += [f"<li>{_e(r['text'])}</li>" for r in report["verdict_reasons"]]
    parts.append("</ul>")
    recognised = [a for a in report["families"] if not website_only(report, a)]
    visited = [a for a in report["families"] if website_only(report, a)]
    if recognised:
        parts.append("<h2>Apps we recognised</h2><ul>")
        parts += [f"<li>{_value(a['name'])}, a {_e(a['type'])} app "
                  f"({_e(CONFIDENCE_WORDS.get(a['confidence'], ''))})"
                  + (f", installed as {_value(a['package'])}" if a.get("package") else "") + "</li>"
                  for a in recognised]
        parts.append("</ul>")
    if visited:
        # a visit to a vendor's site is reported as what it is: reading about an app is not having it
        parts.append("<h2>Websites visited</h2><ul>")
        parts += [f"<li>The phone visited the sales website of {_value(a['name'])}, which sells a {_e(a['type'])} "
                  f"app. {_e(WEBSITE_ONLY_WORDS)}</li>" for a in visited]
        parts.append("</ul>")
    parts.append("<h2>What was checked</h2><ul>")
    capture, device = report["coverage"]["capture"], report["coverage"]["device"]
    if capture:
        parts.append(f"<li>The phone's internet traffic was recorded for about {_e(round(capture['duration_min']))} "
                     f"minutes ({_e(capture['activity'])}).</li>")
    else:
        parts.append("<li>The phone's internet traffic was not recorded.</li>")
    if device:
        checked = sum(1 for c in device["checks"] if c["status"] == "ok")
        parts.append(f"<li>The phone's apps and settings were read ({checked} of {len(device['checks'])} checks "
                     "could run).</li>")
    else:
        parts.append("<li>The phone's apps and settings were not read.</li>")
    if report.get("stimuli"):
        parts.append(f"<li>During the recording the person used the phone {len(report['stimuli'])} times, so "
                     "that hidden apps would have something to send.</li>")
    parts.append("</ul><p class='note'>Take your time with this page. The part after the timeline is technical and "
                 "meant for investigators.</p>")
    return parts


def _timeline_section(report: dict) -> list[str]:
    events = chart_events(report)
    chart = render_timeline_chart(report, events)
    parts = ["<section aria-labelledby='timeline-heading'><h2 id='timeline-heading'>Timeline</h2>"]
    if not chart:
        parts.append("<p>Nothing in this analysis has a time to show.</p></section>")
        return parts
    parts.append(chart)
    if events:
        parts.append(f"<details><summary>Every event on the timeline ({len(events):,})</summary>")
        parts.append(_table(("#", "Time (UTC)", "Kind", "What", "Evidence"), [_event_row(e) for e in events],
                            (5, 22, 13, 42, 18)))
        parts.append("</details>")
    else:
        parts.append("<p>No action, flagged contact, upload or change on the phone has a time here.</p>")
    parts.append("</section>")
    return parts


def _event_row(event: ChartEvent) -> tuple:
    return (event.number or "", f"{day(event.time)} {clock(event.time)}", LANE_BY_KEY[event.lane].noun,
            event.text if event.lane != "contact" else f"{event.label}: {event.text}", _code(event.ref))


def _finding(f: dict) -> list[str]:
    colour = LEVEL_COLOURS.get(f["level"], "#555")
    seen = " to ".join(x for x in (_when(f["first_seen"]), _when(f["last_seen"])) if x)
    facts = [("Rule", _code(f["rule_id"])), ("About", _code(f["subject"])), ("Seen", seen),
             ("Kind", ", ".join(f["tags"]))]
    if f["indicator"]:
        hit = f["indicator"]
        facts.append(("Indicator", Markup(f"{_code(hit['value'])} ({_e(hit['kind'])}, role {_e(hit['role'])}) of "
                                          f"{_value(hit['family'])} ({_e(hit['family_type'])}) in feed "
                                          f"{_value(hit['feed'])}; observed {_code(hit['matched'] or hit['value'])}")))
    parts = [f"<article class='finding'><h3><span class='level' style='color:{colour}'>{_e(f['level'].upper())}"
             f"</span> {_e(f['title'])}</h3><p>{_e(f['explanation'])}</p><dl>"]
    parts += [f"<dt>{_e(k)}</dt><dd>{_cell(v)}</dd>" for k, v in facts if v]
    parts.append(f"<dt>Detail</dt><dd>{_e(f['detail'])}</dd></dl>")
    if f["benign_explanations"]:
        parts.append("<p>Innocent explanations to rule out:</p><ul>"
                     + "".join(f"<li>{_e(b)}</li>" for b in f["benign_explanations"]) + "</ul>")
    if f["evidence"]:
        # collapsed on screen (long on a phone); WeasyPrint lays out the content of <details> anyway
        parts.append(f"<details><summary>Evidence: {len(f['evidence'])} packets and file lines</summary>")
        parts.append(_table(("Evidence", "Time (UTC)", "What it shows"),
                            [(_code(x["ref"]), _when(x["time"]), x["text"]) for x in f["evidence"]],
                            (20, 25, 55)))
        parts.append("</details>")
    parts.append("</article>")
    return parts


def _matched_words(matched: dict | list | None) -> Markup | str:
    if not matched:
        return ""
    items = matched if isinstance(matched, list) else [matched]
    return Markup("<span class='match'>MATCH</span> " + "; ".join(
        f"{_value(m['family'])} {_e(m['role'])} ({_code(m['indicator'])}, {_value(m['feed'])})" for m in items))


def _observations(report: dict) -> list[str]:
    obs = report["observations"]
    parts = ["<h2>Names and addresses the phone contacted</h2>"]
    if not report["coverage"]["capture"]:
        return parts + ["<p>No network recording was analysed.</p>"]
    parts.append("<p class='note'>Every name and address seen, flagged or not, so that what was not flagged can "
                 "be checked too. Matches with an indicator feed are marked MATCH.</p>")
    for key, title, column in (("dns", "Names looked up (DNS)", "Name"), ("sni", "TLS server names (SNI)", "Name"),
                               ("http_hosts", "Plain HTTP hosts", "Host"), ("ips", "Internet addresses", "Address")):
        rows = obs[key]
        matched = sum(1 for r in rows if r["matched"])
        if len(rows) > LISTED_ROWS:
            # when the list is cut, no match is left out of the page
            rows = sorted(rows, key=lambda r: not r["matched"])
        parts.append(f"<details><summary>{_e(title)}: {len(rows):,}, {matched:,} matched</summary>")
        if rows:
            parts.append(_table((column, "Count", "First frame", "First seen", "Last seen", "Indicator"),
                                [(_code(r.get("name") or r.get("ip")), r["count"],
                                  f"frame {r['first_frame']}" if r["first_frame"] else "", _when(r["first_seen"]),
                                  _when(r["last_seen"]), _matched_words(r["matched"])) for r in rows],
                                (30, 8, 11, 15, 15, 21)))
        parts.append("</details>")
    return parts


CAPTURE_COVERAGE_WORDS = (
    ("duration_min", "Length (minutes)"), ("packets", "Packets"), ("flows", "Connections to the internet"),
    ("active_minutes", "Minutes with new connections"), ("activity", "Activity"), ("dns_queries", "DNS queries"),
    ("short", "Too short to rely on"), ("names_hidden", "Names hidden by encrypted DNS"),
    ("encrypted_dns", "Encrypted DNS servers"), ("vpn_share", "Share of bytes in a VPN"),
    ("vpn_endpoint", "VPN endpoint"), ("quic_share", "Share of bytes in QUIC"), ("truncated", "File cut short"),
    ("partial_reason", "Why it is cut short"),
)


def _coverage(report: dict) -> list[str]:
    capture, device = report["coverage"]["capture"], report["coverage"]["device"]
    parts = ["<h2>What the analysis could see (coverage)</h2>"]
    if capture:
        rows = []
        for key, label in CAPTURE_COVERAGE_WORDS:
            value = capture.get(key)
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, list):
                value = ", ".join(value) or "none"
            rows.append((label, "" if value is None else value))
        parts.append("<h3>Network capture</h3>" + _table(("Measure", "Value"), rows, (45, 55)))
    else:
        parts.append("<h3>Network capture</h3><p>Not given.</p>")
    if device:
        parts.append("<h3>Device checks</h3>" + _table(
            ("Check", "Status", "Detail"),
            [(_code(c["check"]), STATUS_WORDS.get(c["status"], c["status"]), c["detail"]) for c in device["checks"]],
            (28, 17, 55)))
    else:
        parts.append("<h3>Device checks</h3><p>No device folder was given.</p>")
    return parts


def _manifest(report: dict) -> list[str]:
    m = report["manifest"]
    parts = ["<h2>Evidence manifest</h2>",
             "<p class='note'>SHA-256 of every input and feed, so anyone can check that the report was made from "
             "these exact files. A device folder is hashed as its sorted relative paths and contents.</p>"]
    parts.append(_table(("Input", "File", "SHA-256", "Size (bytes)"),
                        [(i["role"], i["path"], _code(i["sha256"]), i["size"]) for i in m["inputs"]],
                        (12, 22, 50, 16)))
    parts.append(_table(("Feed", "Format", "Source", "SHA-256", "Indicators", "Apps"),
                        [(fd["name"], fd["format"], fd["source"], _code(fd["sha256"]), fd["indicators"], fd["apps"])
                         for fd in m["feeds"]], (18, 15, 12, 35, 11, 9)))
    capture = m["capture"]
    if capture["first_packet_time"]:
        parts.append(f"<p>Capture: {_e(capture['packets'])} packets from {_e(_when(capture['first_packet_time']))} "
                     f"to {_e(_when(capture['last_packet_time']))}.</p>")
    extra = Markup(", ".join(_value(x) for x in m["settings"]["extra_rules"]) or "none")
    parts.append(f"<details><summary>Rules run: {len(m['rules'])} (extra rule files: {extra})</summary><p>"
                 + ", ".join(_code(r) for r in m["rules"]) + "</p></details>")
    parts.append(f"<p>Tool: {_e(m['tool']['name'])} {_e(m['tool']['version'])}; report format "
                 f"<code>{_e(report['schema'])}</code>.</p>")
    return parts


def _annex(report: dict) -> list[str]:
    parts = ["<section class='annex' aria-labelledby='annex-heading'><h2 id='annex-heading'>Technical annex "
             "(for investigators)</h2>",
             f"<p>Verdict code <code>{_e(report['verdict'])}</code>; reasons: "
             + "; ".join(f"<code>{_e(r['code'])}</code>" for r in report["verdict_reasons"]) + ".</p>"]
    if report["families"]:
        parts.append(_table(("Family", "Type", "Confidence", "Package", "Indicators", "Basis"),
                            [(a["name"], a["type"], a["confidence"], _code(a["package"]),
                              Markup("<br>".join(_code(i) for i in a["indicators"])),
                              Markup("<br>".join(_e(b) for b in a["basis"]))) for a in report["families"]],
                            (13, 11, 11, 17, 23, 25), caption="Families identified"))
    parts.append(f"<h2>Findings ({len(report['findings']):,})</h2>")
    if not report["findings"]:
        parts.append("<p>No rule or check reported anything.</p>")
    for f in report["findings"][:LISTED_FINDINGS]:
        parts += _finding(f)
    parts.append(_not_listed(len(report["findings"]), LISTED_FINDINGS, "findings"))
    parts.append("<h2>Allow-list suppressions</h2>")
    if report["suppressed"]:
        parts.append("<p class='note'>Heuristic findings an allow-list lowered. Indicator matches are never "
                     "suppressed.</p>")
        parts.append(_table(("Rule", "About", "Allowed because", "Records"),
                            [(_code(s["rule_id"]), s["subject"], s["allowed_because"], s["records"])
                             for s in report["suppressed"]], (25, 25, 38, 12)))
    else:
        parts.append("<p>None: no allow-list lowered any finding.</p>")
    parts += _observations(report)
    parts += _coverage(report)
    parts += _manifest(report)
    parts.append("</section>")
    return parts


def render_html(report: dict, *, pdf_skipped: str | None = None) -> str:
    """The page. `pdf_skipped`: why report.pdf was not made, said at the end of the page."""
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             "<title>Stalkerware Lab report</title>",
             f"<style>{STYLE}</style></head><body><main>"]
    parts += _summary(report)
    parts += _timeline_section(report)
    parts += _annex(report)
    parts.append("<footer><p>Made by Stalkerware Lab offline: nothing was contacted. All times are UTC. This "
                 "page is a reading of report.json, which holds the same facts for tools.</p>"
                 + (f"<p>report.pdf was not made: {_e(pdf_skipped)}</p>" if pdf_skipped else "")
                 + "</footer></main></body></html>\n")
    return "".join(parts)
