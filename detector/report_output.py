"""Writing the report: report.json (deterministic), report.html (self-contained, plain summary first),
run.json (when, where, by whom: kept out of report.json so a re-analysis can be compared byte for byte)."""

from __future__ import annotations

import html
import json

from stalkerlab.atomic_files import write_text_atomic

__all__ = ["render_html", "report_json_text", "write_text_atomic"]

LEVEL_COLOURS = {"critical": "#8b0000", "high": "#b34700", "medium": "#7a5c00", "low": "#3d5a80",
                 "informational": "#555"}


def report_json_text(report: dict) -> str:
    return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def render_html(report: dict) -> str:
    v = report["verdict"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>Stalkerware Lab report</title><style>",
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.5;"
        "font-size:1.05rem;color:#1a1a1a}h1{font-size:1.6rem}.verdict{border-left:.5rem solid #5b2a86;"
        "padding:.5rem 1rem;background:#f4effa}.safety{border-left:.5rem solid #8b0000;padding:.5rem 1rem;"
        "background:#fdf0f0}table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ccc;"
        "padding:.25rem .4rem;text-align:left;vertical-align:top;word-break:break-word}.level{font-weight:bold}"
        "@media print{.annex{page-break-before:always}}",
        "</style></head><body>",
        "<h1>What we found</h1>",
        f"<div class='verdict'><p><strong>{_e(report['verdict_text'])}</strong></p>",
        f"<p>Verdict: <code>{_e(v)}</code></p><ul>",
    ]
    parts += [f"<li>{_e(r['text'])}</li>" for r in report["verdict_reasons"]]
    parts.append("</ul></div>")
    parts.append(f"<div class='safety'><p><strong>Safety first.</strong> {_e(report['safety_note'])}</p></div>")
    if report["families"]:
        parts.append("<h2>Apps identified</h2><ul>")
        parts += [f"<li>{_e(a['name'])} ({_e(a['type'])}), confidence {_e(a['confidence'])}"
                  + (f", app {_e(a['package'])}" if a.get("package") else "") + "</li>" for a in report["families"]]
        parts.append("</ul>")
    parts.append("<h2>Timeline</h2><table><tr><th>Time (UTC)</th><th>Source</th><th>What</th><th>Where</th></tr>")
    parts += [f"<tr><td>{_e(r['time'])}</td><td>{_e(r['source'])}</td><td>{_e(r['what'])}</td><td>{_e(r['ref'])}</td>"
              "</tr>" for r in report["timeline"][:300]]
    parts.append("</table><div class='annex'><h2>Technical annex: findings</h2>")
    for f in report["findings"]:
        colour = LEVEL_COLOURS.get(f["level"], "#555")
        parts.append(f"<h3><span class='level' style='color:{colour}'>{_e(f['level'].upper())}</span> "
                     f"{_e(f['title'])}</h3><p>{_e(f['explanation'])}</p><p><small>{_e(f['rule_id'])}: "
                     f"{_e(f['detail'])}</small></p>")
        if f["benign_explanations"]:
            parts.append("<p>Innocent explanations to consider: " + "; ".join(_e(b) for b in f["benign_explanations"])
                         + "</p>")
        if f["evidence"]:
            parts.append("<table><tr><th>Evidence</th><th>Time</th><th>Detail</th></tr>")
            parts += [f"<tr><td>{_e(x['ref'])}</td><td>{_e(x['time'])}</td><td>{_e(x['text'])}</td></tr>"
                      for x in f["evidence"][:20]]
            parts.append("</table>")
    parts.append("<h2>Evidence manifest</h2><table><tr><th>Input</th><th>SHA-256</th><th>Size</th></tr>")
    parts += [f"<tr><td>{_e(i['role'])}: {_e(i['path'])}</td><td><code>{_e(i['sha256'])}</code></td>"
              f"<td>{_e(i['size'])}</td></tr>" for i in report["manifest"]["inputs"]]
    parts += [f"<tr><td>feed: {_e(fd['name'])}</td><td><code>{_e(fd['sha256'])}</code></td>"
              f"<td>{_e(fd['indicators'])} indicators</td></tr>" for fd in report["manifest"]["feeds"]]
    parts.append(f"</table><p>Tool: stalkerlab {_e(report['manifest']['tool']['version'])}. "
                 "All times are UTC.</p></div></body></html>\n")
    return "".join(parts)
