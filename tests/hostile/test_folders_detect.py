"""Issue 8, evidence integrity: `detect --out` never writes into evidence (an output equal to, inside, or
holding an input is refused, so the next analysis hashes the same evidence), replaces only its own report
set, and a report folder never mixes two runs, even when a re-run is killed with -9 while the PDF is made."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stalkerlab.simulator.simulate import prepare_scenario, simulate

from tests.hostile.test_folders_simulate import MARKER, staging, tree


@pytest.fixture(scope="module")
def evidence(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("evidence") / "case"
    simulate(prepare_scenario("stalkerware-https-sni"), 4, folder, duration_min=2)
    return folder


def detect(run_cli, case: Path, out: Path, *extra):
    return run_cli("detect", "--pcap", case / "capture.pcap", "--device", case / "device",
                   "--stimuli", case / "stimuli.json", "--out", out, *extra)


@pytest.mark.parametrize("where, relation", [
    (lambda case: case / "device", "is the input given as --device"),
    (lambda case: case / "device" / "report", "lies inside the input given as --device"),
    (lambda case: case, "holds the input given as --pcap"),              # the folder the capture is in
    (lambda case: case.parent, "holds the input given as --pcap"),
])
def test_an_output_in_or_around_the_evidence_is_refused_and_the_evidence_is_untouched(
        run_cli, evidence, where, relation):
    before = tree(evidence.parent)
    code, out, err = detect(run_cli, evidence, where(evidence), "--no-pdf")
    assert code == 2 and relation in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out                                     # refused before any analysis
    assert tree(evidence.parent) == before


def test_a_feed_or_rules_folder_is_an_input_too(run_cli, evidence, tmp_path):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "hosts").write_text("evil.example\n")
    code, _, err = run_cli("detect", "--pcap", evidence / "capture.pcap", "--feed", feeds, "--out", feeds / "r")
    assert code == 2 and "lies inside the input given as --feed" in err
    assert [p.name for p in feeds.iterdir()] == ["hosts"]


def test_a_symlink_to_the_evidence_is_seen_through(run_cli, evidence, tmp_path):
    (tmp_path / "looks-new").symlink_to(evidence / "device")
    code, _, err = detect(run_cli, evidence, tmp_path / "looks-new", "--no-pdf")
    assert code == 2 and "is the input given as --device" in err


def test_a_rerun_replaces_its_own_set_and_keeps_other_files(run_cli, evidence, tmp_path):
    out = tmp_path / "report"
    assert detect(run_cli, evidence, out, "--no-pdf")[0] == 0
    (out / "case-notes.txt").write_text("mine")
    report = (out / "report.json").read_bytes()
    assert detect(run_cli, evidence, out, "--no-pdf")[0] == 0
    assert (out / "case-notes.txt").read_text() == "mine" and (out / "report.json").read_bytes() == report
    marker = json.loads((out / MARKER).read_text())
    assert marker["made_by"] == "stalkerlab detect" and marker["files"] == ["report.html", "report.json",
                                                                             "run.json"]


def test_a_folder_of_an_earlier_case_is_refused_unless_forced(run_cli, evidence, tmp_path):
    out = tmp_path / "old-case"
    out.mkdir()
    for name in ("report.json", "report.html", "report.pdf"):
        (out / name).write_text(f"the previous case's {name}")
    code, _, err = detect(run_cli, evidence, out, "--no-pdf")
    assert code == 2 and "did not make" in err and "--force" in err
    assert (out / "report.pdf").read_text() == "the previous case's report.pdf"
    code, _, err = detect(run_cli, evidence, out, "--no-pdf", "--force")
    assert code == 0, err
    # --force takes detect's own names as its own: no report.pdf of the other case beside the new report
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "report.html", "report.json", "run.json"]


def test_an_output_that_is_a_file_is_refused(run_cli, evidence, tmp_path):
    blocker = tmp_path / "report"
    blocker.write_text("not a folder")
    code, _, err = detect(run_cli, evidence, blocker, "--no-pdf")
    assert code == 2 and "exists and is not a folder" in err and blocker.read_text() == "not a folder"


@pytest.mark.slow
def test_kill_9_of_a_rerun_while_the_pdf_is_made_leaves_the_previous_report_whole(run_cli, tmp_path):
    case_a, case_b = tmp_path / "a", tmp_path / "b"
    simulate(prepare_scenario("stalkerware-https-sni"), 4, case_a, duration_min=5)
    simulate(prepare_scenario("benign-busy-phone"), 5, case_b, duration_min=5)
    out = tmp_path / "reports" / "r"
    assert detect(run_cli, case_a, out)[0] == 0
    before = tree(out)
    assert {"report.json", "report.html", "report.pdf", "run.json"} <= set(before)
    run = subprocess.Popen([sys.executable, "-m", "stalkerlab.cli", "detect", "--pcap", str(case_b / "capture.pcap"),
                            "--device", str(case_b / "device"), "--out", str(out)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    html = None
    deadline = time.monotonic() + 120
    while html is None and run.poll() is None and time.monotonic() < deadline:
        found = [p for stage in staging(out.parent) for p in stage.glob("out/report.html")]
        html = found[0] if found else None
        time.sleep(0.01)
    assert html is not None, f"the run was never seen making its PDF: {run.stderr.read()!r}"
    assert not (html.parent / "report.pdf").exists()       # killed between report.html and report.pdf
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert tree(out) == before                             # case a's set only: json, html and pdf of one run
    assert len(staging(out.parent)) == 1
    assert detect(run_cli, case_b, out, "--no-pdf")[0] == 0
    assert staging(out.parent) == []
    report = json.loads((out / "report.json").read_text())
    capture_b = hashlib.sha256((case_b / "capture.pcap").read_bytes()).hexdigest()
    assert capture_b in [i["sha256"] for i in report["manifest"]["inputs"]] and not (out / "report.pdf").exists()
