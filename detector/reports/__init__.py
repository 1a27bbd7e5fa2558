"""The report folder: report.json (canonical, schema in report.schema.json), report.html (plain summary
first, technical annex after, inline SVG timeline) and report.pdf (the same page on paper).

report.json and report.html are written first and always; the PDF is extra, so a failure to make it
is a warning, never a lost report. The commands write the set into a staging folder
(stalkerlab.common.owned_output) that is moved into place whole, so a report folder never mixes two runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stalkerlab.detector.reports.html_report import render_html
from stalkerlab.detector.reports.json_report import SCHEMA_PATH, load_report_schema, report_json_text
from stalkerlab.detector.reports.pdf_report import PdfRenderer, PdfUnavailable, render_pdf, write_pdf

from stalkerlab.common.atomic_files import write_text_atomic

__all__ = ["SCHEMA_PATH", "PdfRenderer", "PdfUnavailable", "ReportFiles", "load_report_schema", "render_html",
           "render_pdf", "report_json_text", "write_report_files"]


@dataclass
class ReportFiles:
    json: Path
    html: Path
    pdf: Path | None                 # None when the PDF was not asked for or could not be made
    warnings: list[str] = field(default_factory=list)


def write_report_files(report: dict, out: Path, *, pdf: bool | PdfRenderer = True) -> ReportFiles:
    """`pdf`: False for no report.pdf, or a PdfRenderer started earlier (see pdf_report.py)."""
    out = Path(out)
    page = render_html(report)
    files = ReportFiles(out / "report.json", out / "report.html", None)
    write_text_atomic(files.json, report_json_text(report))
    write_text_atomic(files.html, page)
    if pdf:
        try:
            write_pdf(out / "report.pdf", page, pdf if isinstance(pdf, PdfRenderer) else None)
            files.pdf = out / "report.pdf"
        except PdfUnavailable as exc:
            files.warnings.append(f"report.pdf not written: {exc}")
            # the page says so too, for whoever opens the folder later
            write_text_atomic(files.html, render_html(report, pdf_skipped=str(exc)))
    else:
        # a report.pdf left from an earlier run would describe other evidence than this report.json
        (out / "report.pdf").unlink(missing_ok=True)
    return files
