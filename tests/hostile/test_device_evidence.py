"""Hostile device evidence and stimuli through `stalkerlab detect` (issue 8): text that cannot be written as
UTF-8, artefacts past their parse budgets, zip bombs spread over many members, JSON laid out to make line
lookups quadratic. The bar: exit 0 with a report whose coverage names what was not parsed (and whose evidence
still quotes the very line it cites), or exit 2 with one line naming the file; never a traceback.

The inputs are built by benchmarks/hostile_cases/device.py, which times the same cases (test_device_resources
holds them to the time and memory bars).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
cases = importlib.import_module("hostile_cases.device")

ODD = "com.odd\\ud800app"          # how a package named "com.odd" + lone surrogate + "app" reaches the report


def detect(run_cli, argv: list[str]) -> tuple[int, str, dict | None]:
    code, _out, err = run_cli(*argv)
    assert "Traceback" not in err and code in (0, 2), err
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("stalkerlab detect: error: "), err
        return code, err, None
    out = Path(argv[argv.index("--out") + 1])
    return code, err, json.loads((out / "report.json").read_bytes().decode("utf-8"))


def problems(report: dict) -> dict[str, str]:
    return {s["check"]: s["detail"] for s in report["coverage"]["device"]["checks"] if s["status"] == "error"}


def assert_evidence_quotes_its_line(folder: Path, report: dict) -> None:
    """Every device evidence names a file of the folder and quotes the line it cites (lines end at \\n)."""
    cited = [e for f in report["findings"] for e in f["evidence"] if e["source"] == "device"]
    assert cited
    by_name = {os.fsdecode(p.relative_to(folder)).encode("utf-8", "backslashreplace").decode(): p
               for p in folder.rglob("*")}
    for e in cited:
        lines = by_name[e["file"]].read_bytes().decode("utf-8", "replace").split("\n")
        line = lines[e["line"] - 1].rstrip("\r").strip()
        assert e["text"] == line[:500], (e["ref"], e["text"], line[:200])


def with_surrogates(folder: Path) -> Path:
    """The spy's installer and a second app's name hold lone surrogates, as JSON escapes (json.dumps writes
    them so)."""
    packages = json.loads((folder / "packages.json").read_text())
    packages[0]["installer"] = "com.evil\udfffstore"
    packages.append({"name": "com.odd\ud800app", "installer": "null", "system": False})
    (folder / "packages.json").write_text(json.dumps(packages, indent=4))
    assert "\\ud800" in (folder / "packages.json").read_text()
    return folder


# --- text that cannot be written as UTF-8 ----------------------------------------------------------------------

def test_lone_surrogates_in_packages_json_reach_the_report_as_their_escapes(run_cli, tmp_path):
    folder = with_surrogates(cases.small_acquisition(tmp_path / "acq"))
    code, _err, report = detect(run_cli, cases.detect(tmp_path, "--device", folder))
    assert code == 0
    subjects = {f["subject"] for f in report["findings"]}
    assert ODD in subjects
    installer_quotes = {e["text"] for f in report["findings"] for e in f["evidence"] if "installer" in e["text"]}
    assert '"installer": "com.evil\\udfffstore",' in installer_quotes
    assert_evidence_quotes_its_line(folder, report)
    assert ODD in (tmp_path / "report" / "report.html").read_text(encoding="utf-8")


def test_lone_surrogates_in_stimuli_json_reach_the_report_and_pairs_stay_characters(run_cli, tmp_path):
    folder = cases.small_acquisition(tmp_path / "acq")
    stimuli = tmp_path / "stimuli.json"
    stimuli.write_text(json.dumps({"actions": [
        {"time": "2026-03-14T10:05:00Z", "action": "photo\udc00", "note": "Take a \ud800 photo \U0001f600"}]}))
    assert "\\udc00" in stimuli.read_text() and "\\ud83d\\ude00" in stimuli.read_text()
    code, _err, report = detect(run_cli, cases.detect(tmp_path, "--device", folder, "--stimuli", stimuli))
    assert code == 0
    assert report["stimuli"] == [{"time": "2026-03-14T10:05:00.000Z", "action": "photo\\udc00",
                                  "note": "Take a \\ud800 photo \U0001f600"}]
    assert "The person: photo\\udc00 (Take a \\ud800 photo \U0001f600)" in {r["what"] for r in report["timeline"]}


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_lone_surrogates_reach_the_pdf(run_cli, tmp_path):
    folder = with_surrogates(cases.small_acquisition(tmp_path / "acq"))
    stimuli = tmp_path / "stimuli.json"
    stimuli.write_text(json.dumps({"actions": [{"time": "2026-03-14T10:05:00Z", "action": "sms\udc00"}]}))
    argv = [a for a in cases.detect(tmp_path, "--device", folder, "--stimuli", stimuli) if a != "--no-pdf"]
    code, err, _report = detect(run_cli, argv)
    assert code == 0 and "warning" not in err, err
    text = subprocess.run(["pdftotext", str(tmp_path / "report" / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert ODD in text and "sms\\udc00" in text


def test_undecodable_bytes_in_file_names_are_shown_and_hashed_as_they_are(run_cli, tmp_path):
    folder = cases.small_acquisition(tmp_path / os.fsdecode(b"acq\xfe"))
    (folder / "settings_secure.txt").rename(folder / os.fsdecode(b"settings_\xff.txt"))
    code, _err, report = detect(run_cli, cases.detect(tmp_path, "--device", folder))
    assert code == 0
    assert "settings_\\udcff.txt" in {e["file"] for f in report["findings"] for e in f["evidence"]}
    assert_evidence_quotes_its_line(folder, report)
    (manifest,) = report["manifest"]["inputs"]
    digest = hashlib.sha256()
    for item in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(os.fsencode(item.relative_to(folder)) + b"\0" + item.read_bytes())
    assert manifest["path"] == "acq\\udcfe" and manifest["sha256"] == digest.hexdigest()


# --- budgets: hashed, not parsed, and said so ---------------------------------------------------------------------

def test_a_big_sparse_file_is_hashed_and_the_artefacts_are_read(run_cli, tmp_path):
    folder = cases.small_acquisition(tmp_path / "acq")
    cases.sparse(folder / "bugreport.bin", 300 * 2**20)
    code, _err, report = detect(run_cli, cases.detect(tmp_path, "--device", folder))
    assert code == 0 and not problems(report)
    (manifest,) = report["manifest"]["inputs"]
    digest = hashlib.sha256()
    for item in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(item.name.encode() + b"\0")
        with open(item, "rb") as handle:
            while chunk := handle.read(1 << 24):
                digest.update(chunk)
    assert manifest["sha256"] == digest.hexdigest() and manifest["size"] > 300 * 2**20


def test_an_artefact_over_its_budget_is_named_in_coverage_and_the_others_are_read(run_cli, tmp_path):
    folder = cases.small_acquisition(tmp_path / "acq")
    cases.sparse(folder / "dumpsys.txt", 65 * 2**20)
    code, _err, report = detect(run_cli, cases.detect(tmp_path, "--device", folder))
    assert code == 0
    assert problems(report)["accessibility_services"].startswith(
        "dumpsys.txt: larger than 64 MB (65 MB): not parsed, only hashed into the report's manifest")
    assert cases.SPY in {f["subject"] for f in report["findings"] if f["rule_id"] == "dev.offstore_installer"}


def test_millions_of_blank_lines_are_not_split(run_cli, tmp_path):
    argv = cases.case_dumpsys_of_blank_lines(tmp_path)
    code, _err, report = detect(run_cli, argv)
    assert code == 0 and problems(report)["hidden_icon"].startswith("dumpsys.txt: more than 2000000 lines: not parsed")


def test_a_zip_of_many_compressed_members_is_refused_from_its_directory(run_cli, tmp_path):
    argv = cases.case_zip_of_40_members_of_15mib(tmp_path)
    assert (tmp_path / "bomb.zip").stat().st_size < 5_000_000
    code, _err, report = detect(run_cli, argv)
    assert code == 0
    assert "looks like a zip bomb, not read" in problems(report)["hidden_icon"]


def test_a_stimuli_file_of_400_mb_is_a_one_line_error(run_cli, tmp_path):
    code, err, _report = detect(run_cli, cases.case_stimuli_of_400mb(tmp_path))
    assert code == 2 and "stimuli.json: larger than 2 MB, not a stimuli file" in err


def test_a_stimuli_file_of_too_many_actions_is_a_one_line_error(run_cli, tmp_path):
    stimuli = tmp_path / "stimuli.json"
    stimuli.write_text(json.dumps({"actions": [{"time": "2026-03-14T10:05:00Z", "action": "x"}] * 10_001}))
    argv = cases.detect(tmp_path, "--device", cases.small_acquisition(tmp_path / "acq"), "--stimuli", stimuli)
    code, err, _report = detect(run_cli, argv)
    assert code == 2 and "more than 10000 actions" in err


# --- linear parsing: lines still right -------------------------------------------------------------------------

@pytest.mark.slow
def test_files_json_of_40k_records_cites_the_apk_line(run_cli, tmp_path):
    code, _err, report = detect(run_cli, cases.case_files_json_40k_entries(tmp_path))
    assert code == 0 and not problems(report)
    (row,) = [r for r in report["timeline"] if r["ref"].startswith("files.json:")]
    lines = (tmp_path / "acq" / "files.json").read_text().split("\n")
    assert lines[int(row["ref"].split(":")[1]) - 1].strip() == '"path": "/sdcard/Download/System_Helper.apk",'


@pytest.mark.slow
def test_one_line_packages_json_with_100k_blank_lines_cites_line_one(run_cli, tmp_path):
    code, _err, report = detect(run_cli, cases.case_packages_json_3000_packages_100k_blank_lines(tmp_path))
    assert code == 0 and not problems(report)
    cited = {e["line"] for f in report["findings"] for e in f["evidence"] if e["file"] == "packages.json"}
    assert cited == {1}
    assert_evidence_quotes_its_line(tmp_path / "acq", report)


@pytest.mark.slow
def test_loose_dumpsys_files_past_the_acquisition_budget_are_named(run_cli, tmp_path):
    code, _err, report = detect(run_cli, cases.case_loose_dumpsys_files_past_the_acquisition_budget(tmp_path))
    assert code == 0
    found = problems(report)
    # parsed in the order the checks ask: package and appops fit in 128 MB, notification and batterystats not
    assert set(found) == {"notification_listeners", "uninstalls"}
    assert found["uninstalls"].startswith("dumpsys_batterystats.txt: 50 MB after 100 MB of other artefacts would "
                                          "pass the 128 MB parsed of one acquisition: not parsed")
