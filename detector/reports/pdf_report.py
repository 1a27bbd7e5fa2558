"""report.pdf: the same HTML as report.html, laid out for paper by WeasyPrint (which needs Debian's pango).

WeasyPrint is asked to fetch nothing: the page is self-contained, and a report must never reach out
to any address, even one that got into a finding's text. Its output has no creation date and a
content-derived identifier, so the same report gives the same PDF bytes.
"""

from __future__ import annotations

from pathlib import Path

from stalkerlab.common.atomic_files import write_bytes_atomic


class PdfUnavailable(Exception):
    """The PDF could not be made; the message says why in one line."""


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the report fetches nothing (asked for {url[:60]})")


def render_pdf(page_html: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:   # OSError: the module is there but pango is not
        raise PdfUnavailable(f"WeasyPrint is not usable here ({_first_line(exc)}); install it with "
                             "`pip install weasyprint` and Debian's libpango-1.0-0 libpangoft2-1.0-0") from None
    try:
        return weasyprint.HTML(string=page_html, url_fetcher=_refuse_fetch).write_pdf()
    except Exception as exc:   # any layout failure must not cost the JSON and HTML reports
        raise PdfUnavailable(f"WeasyPrint failed: {type(exc).__name__}: {_first_line(exc)}") from None


def write_pdf(path: Path, page_html: str) -> None:
    """Write report.pdf atomically; on failure remove an older report.pdf (it would describe other evidence)
    and raise PdfUnavailable."""
    path = Path(path)
    try:
        data = render_pdf(page_html)
    except PdfUnavailable:
        path.unlink(missing_ok=True)
        raise
    write_bytes_atomic(path, data)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
