"""A whole class in Debian's chromium against the portal behind waitress: the instructor creates a classroom,
three learners join on phones, download their own files, answer with the real `stalkerlab detect` on them (one
copies a neighbour's answer), and the instructor's grid, signals and CSV show it. axe-core finds no serious or
critical problem on any page, at phone and desktop width. Screenshots go to $PORTAL_SCREENSHOTS if set."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_portal import free_port, serve_portal  # noqa: E402

pytestmark = pytest.mark.slow
LAB = "c2-in-a-capture"
PASSWORD = "browser-test-password"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
# the pages forbid inline scripts (Content-Security-Policy); the test lifts that only to inject axe-core


@pytest.fixture
def served_portal(tmp_path):
    (tmp_path / "pw").write_text(PASSWORD)
    home = tmp_path / "portal"
    subprocess.run([sys.executable, "-m", "stalkerlab.cli", "portal", "init", "--home", str(home),
                    "--instructor", "teacher", "--password-file", str(tmp_path / "pw")], check=True)
    port = free_port()
    log = (tmp_path / "portal.log").open("wb")
    server = serve_portal(home, port, log)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=30)
    log.close()


def shoot(page, name: str) -> None:
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def detect_on(files: Path) -> dict:
    """What a learner does: `stalkerlab detect` on their capture, then reads report.json."""
    subprocess.run([sys.executable, "-m", "stalkerlab.cli", "detect", "--pcap", str(files / "capture.pcap"),
                    "--out", str(files.parent / "report"), "--no-pdf"], check=True, capture_output=True)
    return json.loads((files.parent / "report" / "report.json").read_text())


def test_a_class_in_the_browser(served_portal, browser, axe_problems, tmp_path):
    problems = []
    teacher = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    teacher.goto(f"{served_portal}/instructor/login")
    problems += axe_problems(teacher)
    teacher.fill("#username", "teacher")
    teacher.fill("#password", PASSWORD)
    teacher.click("button[type=submit]")
    teacher.fill("#name", "Police workshop")
    teacher.check(f"input[value={LAB}]")
    problems += axe_problems(teacher)
    teacher.click("button:has-text('Create the classroom')")
    code = teacher.inner_text("code.big")

    learners = {}
    for name in ("Ana", "Ben", "Cleo"):
        context = browser.new_context(viewport=PHONE, accept_downloads=True, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{served_portal}/join/{code}")
        if name == "Ana":
            problems += axe_problems(page)
            shoot(page, "learner-join")
        page.fill("#name", name)
        page.click("button:has-text('Join')")
        page.click(f"a[href='/labs/{LAB}']")
        learners[name] = page
    teacher.reload()

    found = {}
    for name, page in learners.items():
        page.wait_for_selector("text=Download your files", timeout=120_000)
        with page.expect_download() as download:
            page.click("text=Download your files")
        archive = tmp_path / f"{name}.zip"
        download.value.save_as(archive)
        with zipfile.ZipFile(archive) as zipped:
            assert sorted(zipped.namelist()) == [f"{LAB}/capture.pcap", f"{LAB}/questions.md", f"{LAB}/stimuli.json"]
            zipped.extractall(tmp_path / name)
        report = detect_on(tmp_path / name / LAB)
        c2 = [f for f in report["findings"] if f["rule_id"] == "net.ioc.c2"]
        found[name] = {"names": "\n".join(sorted({f["subject"] for f in c2})),
                       "first": min(f["first_seen"] for f in c2)}
    assert found["Ana"]["first"] != found["Ben"]["first"], "two learners got the same variant"

    def answer(page, task: str, text: str) -> str:
        page.fill(f"#answer-{task}", text)
        page.click(f"#task-{task} button:has-text('Check my answer')")
        return page.inner_text(f"#task-{task} .flash")

    assert answer(learners["Ana"], "c2-names", found["Ana"]["names"]).startswith("Right")
    assert answer(learners["Ana"], "first-contact", found["Ana"]["first"]).startswith("Right")
    assert "Not this one" in answer(learners["Ben"], "first-contact", found["Ana"]["first"])   # copied
    assert answer(learners["Cleo"], "c2-names", found["Cleo"]["names"]).startswith("Right")
    for name, page in learners.items():
        if name == "Ana":
            problems += axe_problems(page)
            shoot(page, "learner-lab")
    learners["Ana"].goto(f"{served_portal}/labs")
    problems += axe_problems(learners["Ana"])

    teacher.reload()
    teacher.wait_for_function("document.querySelectorAll('#grid tbody tr').length === 3")
    rows = {r.split("\t")[0]: r for r in teacher.locator("#grid tbody tr").all_inner_texts()}
    assert "✓" in rows["Ana"] and "20 / 50" in rows["Ana"] and "0 / 50" in rows["Ben"]
    signals = teacher.inner_text("section[aria-labelledby=signals-title]")
    assert "Ben" in signals and "another learner" in signals and "right for Ana's files" in signals
    problems += axe_problems(teacher)
    shoot(teacher, "instructor-classroom")
    with teacher.expect_download() as download:
        teacher.click("text=Grades (CSV, for Moodle)")
    grades = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert {row[0]: float(row[-1]) for row in grades[1:]} == {"Ana": 20.0, "Ben": 0.0, "Cleo": 10.0}

    for viewport in (PHONE, DESKTOP):   # each page at the other width too
        page = browser.new_context(viewport=viewport, bypass_csp=True).new_page()
        page.goto(f"{served_portal}/join?lang=fr")
        problems += axe_problems(page)
    assert not problems, "\n".join(problems)
