"""report.pdf: the same HTML as report.html, laid out for paper by WeasyPrint (which needs Debian's pango).

WeasyPrint runs in a child process (PdfRenderer), for three reasons: the page's layout is given a time
bound (PDF_TIME_LIMIT_S; a page that takes longer is given up and the JSON and HTML reports stand alone);
a crash or a memory blow-up in the layout costs the PDF only; and `detect` starts the child before the
analysis, so that WeasyPrint's own start (about a second of cffi declarations) overlaps it.

WeasyPrint is asked to fetch nothing: the page is self-contained, and a report must never reach out to any
address, even one that got into a finding's text. Its output has no creation date and a content-derived
identifier, and the fonts it embeds carry a fixed date (SOURCE_DATE_EPOCH, which fontTools reads), so the
same report gives the same PDF bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from stalkerlab.common.atomic_files import write_bytes_atomic

PDF_TIME_LIMIT_S = 30.0                          # `detect --help` states it (under --no-pdf)
TIME_LIMIT_ENV = "STALKERLAB_PDF_TIME_LIMIT"     # seconds, to lower or raise the bound on one machine
EXIT_UNAVAILABLE = 3                            # the child's exit status when WeasyPrint cannot run
CHILD = f"from {__name__} import _child_main; raise SystemExit(_child_main())"


class PdfUnavailable(Exception):
    """The PDF could not be made; the message says why in one line."""


def time_limit() -> float:
    """The bound on one PDF's layout, in seconds: PDF_TIME_LIMIT_S unless the environment sets another."""
    given = os.environ.get(TIME_LIMIT_ENV)
    if not given:
        return PDF_TIME_LIMIT_S
    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise PdfUnavailable(f"{TIME_LIMIT_ENV}={given[:40]!r} is not a number of seconds above 0")
    return seconds


class PdfRenderer:
    """A child process that starts WeasyPrint at once and then lays out one page. Use it as a context
    manager (the child is ended on leaving) or call close()."""

    def __init__(self) -> None:
        # a fixed date for the fonts' `modified` field, which fontTools otherwise sets to the time of the run
        env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
        self._child = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def render(self, page_html: str) -> bytes:
        """The PDF of `page_html`; PdfUnavailable when WeasyPrint is missing, fails, or takes longer than
        time_limit() seconds."""
        try:
            limit = time_limit()
        except PdfUnavailable:
            self.close()
            raise
        try:
            data, err = self._child.communicate(page_html.encode("utf-8", "backslashreplace"), timeout=limit)
        except subprocess.TimeoutExpired:
            self.close()
            raise PdfUnavailable(f"laying out the page took longer than {limit:g} s, so it was skipped "
                                 "(report.html holds the same content)") from None
        if self._child.returncode == 0 and data.startswith(b"%PDF-"):
            return data
        lines = err.decode("utf-8", "replace").strip().splitlines()
        if self._child.returncode == EXIT_UNAVAILABLE and lines:
            raise PdfUnavailable(lines[-1])
        reason = lines[-1][:200] if lines else f"exit status {self._child.returncode}"
        raise PdfUnavailable(f"the PDF renderer failed: {reason}")

    def close(self) -> None:
        if self._child.poll() is None:
            self._child.kill()
        self._child.communicate()

    def __enter__(self) -> PdfRenderer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def render_pdf(page_html: str) -> bytes:
    """The PDF of `page_html`, made in a child process within the time bound (see PdfRenderer.render)."""
    with PdfRenderer() as renderer:
        return renderer.render(page_html)


def write_pdf(path: Path, page_html: str, renderer: PdfRenderer | None = None) -> None:
    """Write report.pdf atomically; on failure remove an older report.pdf (it would describe other evidence)
    and raise PdfUnavailable. `renderer`: a child already started (see PdfRenderer), else one is started."""
    path = Path(path)
    try:
        if renderer is None:
            data = render_pdf(page_html)
        else:
            data = renderer.render(page_html)
    except PdfUnavailable:
        path.unlink(missing_ok=True)
        raise
    write_bytes_atomic(path, data)


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the report fetches nothing (asked for {url[:60]})")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _child_main() -> int:
    """The child: import WeasyPrint while the parent still works, then read the page on stdin and write the
    PDF on stdout. A problem is one line on stderr."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:   # OSError: the module is there but pango is not
        sys.stdin.buffer.read()
        print(f"WeasyPrint is not usable here ({_first_line(exc)}); install it with `pip install weasyprint` "
              "and Debian's libpango-1.0-0 libpangoft2-1.0-0", file=sys.stderr)
        return EXIT_UNAVAILABLE
    page_html = sys.stdin.buffer.read().decode("utf-8")
    try:
        data = weasyprint.HTML(string=page_html, url_fetcher=_refuse_fetch).write_pdf()
    except Exception as exc:   # any layout failure must not cost the JSON and HTML reports
        print(f"WeasyPrint failed: {type(exc).__name__}: {_first_line(exc)}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    sys.stdout.buffer.write(data)
    return 0
