"""The report folder `stalkerlab detect` writes: report.pdf made by the real WeasyPrint and read back with
poppler, the same bytes on a re-run, and a PDF failure that costs neither report.json nor report.html;
report.html at phone width in Debian's chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

PHONE_WIDTH = 390


@pytest.fixture(scope="session")
def phone(stalkerware_phone):
    return stalkerware_phone[0]


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils)")


@pytest.mark.slow
def test_the_pdf_is_the_report_and_the_same_bytes_on_a_rerun(detect_case, phone, tmp_path):
    _need("pdftotext")
    code, out, err = detect_case(phone, tmp_path / "a")
    assert code == 0 and not err, err
    pdf = tmp_path / "a" / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-") and str(pdf.resolve()) in out
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    report = json.loads((tmp_path / "a" / "report.json").read_text())
    for expected in (report["verdict_text"], "What this does not mean", "Before changing anything",
                     "Technical annex", "Changes on the phone", report["manifest"]["inputs"][0]["sha256"][:16]):
        assert expected in text, expected
    assert text.index("Before changing anything") < text.index("Technical annex")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Page size:" in info and "A4" in info
    assert detect_case(phone, tmp_path / "b")[0] == 0
    assert (tmp_path / "b" / "report.pdf").read_bytes() == pdf.read_bytes()
    run = json.loads((tmp_path / "a" / "run.json").read_text())
    assert run["outputs"] == ["report.html", "report.json", "report.pdf"] and run["warnings"] == []


@pytest.mark.slow
def test_the_timeline_is_drawn_in_the_pdf(detect_case, phone, tmp_path):
    _need("pdftoppm")
    from PIL import Image  # Pillow comes with WeasyPrint

    assert detect_case(phone, tmp_path / "r")[0] == 0
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(tmp_path / "r" / "report.pdf"),
                    str(tmp_path / "page")], check=True)
    # the chart's marker colours (actions purple, uploads dark red) must reach the paper
    colours = set()
    for png in sorted(tmp_path.glob("page-*.png")):
        colours |= {rgb for _count, rgb in Image.open(png).convert("RGB").getcolors(1 << 20)}
    near = lambda target: any(sum(abs(a - b) for a, b in zip(c, target, strict=True)) < 40  # noqa: E731
                              for c in colours)
    assert near((0x5B, 0x2A, 0x86)) and near((0x8B, 0x00, 0x00))


def test_without_weasyprint_json_and_html_stay_and_an_old_pdf_goes(detect_case, phone, tmp_path, monkeypatch):
    out = tmp_path / "r"
    out.mkdir()
    (out / "report.pdf").write_bytes(b"%PDF-1.7 from another analysis")
    # the PDF's child process meets what WeasyPrint raises when Debian's pango is missing
    shadow = tmp_path / "shadow" / "weasyprint"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0'\")\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(shadow.parent), *sys.path]))
    code, stdout, err = detect_case(phone, out, "--force")   # a folder detect did not mark: --force
    assert code == 0
    assert err.startswith("warning: report.pdf not written: WeasyPrint is not usable") and err.count("\n") == 1
    assert not (out / "report.pdf").exists()
    assert json.loads((out / "report.json").read_text())["verdict"] == "stalkerware"
    assert "Technical annex" in (out / "report.html").read_text()
    assert "report.pdf" not in stdout
    run = json.loads((out / "run.json").read_text())
    assert run["outputs"] == ["report.html", "report.json"] and run["warnings"][0].startswith("report.pdf not")
    hidden = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert hidden == [".stalkerlab-output.json"], "no temporary file left behind, only the folder's marker"


def test_no_pdf_writes_json_and_html_only(detect_case, phone, tmp_path):
    code, out, err = detect_case(phone, tmp_path / "r", "--no-pdf")
    assert code == 0 and not err
    assert "  Family: MirrorSpy (stalkerware, confidence high)\n" in out
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == [".stalkerlab-output.json", "report.html",
                                                                  "report.json", "run.json"]


@pytest.mark.slow
def test_the_page_fits_a_phone_and_its_chart_is_legible(detect_case, phone, tmp_path, browser):
    assert detect_case(phone, tmp_path / "r", "--no-pdf")[0] == 0
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 800}, device_scale_factor=2)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto((tmp_path / "r" / "report.html").resolve().as_uri())
    page.locator("details").evaluate_all("nodes => nodes.forEach(n => n.open = true)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, "the page scrolls sideways"
    charts = page.locator("svg.timeline")
    assert charts.count() == 2
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert PHONE_WIDTH * 0.8 < box["width"] <= PHONE_WIDTH
    # lane labels and ticks stay at least 10 CSS pixels tall on the phone
    heights = page.locator("svg.timeline text").evaluate_all(
        "nodes => nodes.filter(n => n.getAttribute('font-size') !== '9')"
        ".map(n => n.getBoundingClientRect().height)")
    assert heights and min(heights) >= 10
    # evidence tables become one card per row, so no cell is squeezed into a sliver
    cell = page.locator("table.cards td").first.bounding_box()
    assert cell["width"] > PHONE_WIDTH * 0.7
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    assert requests == [page.url]
    context.close()


@pytest.mark.slow
@pytest.mark.parametrize("width", [PHONE_WIDTH, 1280])
def test_the_report_has_no_serious_accessibility_problem(detect_case, phone, tmp_path, browser, axe_script, width):
    assert detect_case(phone, tmp_path / "r", "--no-pdf")[0] == 0
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto((tmp_path / "r" / "report.html").resolve().as_uri())
    page.add_script_tag(content=axe_script)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    context.close()
    assert not serious, "\n".join(serious)
