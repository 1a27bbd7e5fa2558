"""`stalkerlab detect` on hostile evidence: truncated, empty, random, wrong-magic and oversized-record
captures, damaged device folders and zips, bad stimuli files. Each run ends with exit 2 and one stderr
line naming the file, or exit 0 with a report whose coverage says what could not be read; never a
traceback, and a report already in --out is never lost or half-written by a failed run."""

from __future__ import annotations

import json
import random
import struct
import zipfile
from pathlib import Path

import pytest
from capture_builders import pcap, pcapng_block, pcapng_section, seed_capture
from fuzz_regressions.targets import seed_acquisition, zip_bytes

MARKER = ".stalkerlab-output.json"
OLD_REPORT = {"report.json": '{"verdict": "from an earlier run"}\n', "report.html": "<p>earlier</p>\n",
              "run.json": "{}\n"}


def earlier_report(folder: Path) -> Path:
    """An output folder holding an earlier report, to check that a failed run leaves it alone. Its marker
    says detect made it (README: what the commands promise about the folders they write)."""
    folder.mkdir()
    for name, text in OLD_REPORT.items():
        (folder / name).write_text(text)
    (folder / MARKER).write_text(json.dumps({"format": "stalkerlab-output/1", "made_by": "stalkerlab detect",
                                             "files": sorted(OLD_REPORT), "complete": True}))
    return folder


@pytest.fixture
def out(tmp_path) -> Path:
    return earlier_report(tmp_path / "report")


def detect(run_cli, out: Path, **inputs: Path) -> tuple[int, str, dict | None]:
    """Runs detect and checks the bar; returns (exit code, stderr, report.json or None)."""
    args = [a for key, path in inputs.items() for a in (f"--{key}", path)]
    code, _stdout, err = run_cli("detect", *args, "--out", out, "--no-pdf")
    assert "Traceback" not in err
    assert code in (0, 2), err
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("stalkerlab detect: error: "), err
        assert any(str(p) in err for p in inputs.values()), f"the error names no input: {err}"
        assert {n: (out / n).read_text() for n in OLD_REPORT} == OLD_REPORT, "a failed run touched the old report"
        return code, err, None
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [MARKER], "temporary files left in --out"
    return code, err, json.loads((out / "report.json").read_text())


def detect_written(run_cli, out: Path, path: Path, data: bytes, role: str) -> int:
    """Writes `data` to `path`, gives it to detect as `--role`, and returns the exit code."""
    path.write_bytes(data)
    return detect(run_cli, out, **{role: path})[0]


def assert_partial_capture(report: dict) -> None:
    coverage = report["coverage"]["capture"]
    assert coverage["truncated"] and coverage["partial_reason"]
    assert any(r["code"] == "partial" for r in report["verdict_reasons"])


# --- captures -----------------------------------------------------------------------------------------------

PCAP_HEADER = pcap([])
CAPTURES_REFUSED = {
    "empty": b"",
    "three-bytes": b"\xd4\xc3\xb2",
    "random-bytes": random.Random(3).randbytes(4096),
    "wrong-magic-zip": zip_bytes({"capture.pcap": PCAP_HEADER}),
    "wrong-magic-text": b"tcpdump: listening on wlan0\n" * 20,
    "pcap-header-cut-short": PCAP_HEADER[:20],
    "oversized-record": PCAP_HEADER + struct.pack("<IIII", 1, 0, 50 * 2**20, 50 * 2**20) + b"\x00" * 64,
    "pcapng-block-with-impossible-length": pcapng_section() + struct.pack("<II", 6, 7) + b"\x00" * 32,
    "pcapng-bad-byte-order-mark": b"\x0a\x0d\x0d\x0a" + struct.pack("<I", 28) + b"\x00" * 24,
    "pcapng-packet-on-undescribed-interface": pcapng_section() + pcapng_block(6, struct.pack("<IIIII", 3, 0, 0, 4, 4)
                                                                              + b"\x45\x00\x00\x04"),
}


@pytest.mark.parametrize("name", CAPTURES_REFUSED)
def test_unreadable_captures_are_one_line_errors(run_cli, tmp_path, out, name):
    assert detect_written(run_cli, out, tmp_path / f"{name}.pcap", CAPTURES_REFUSED[name], "pcap") == 2


def _cut_points(whole: bytes, every: int) -> list[int]:
    """Inside the file header, the first record header, a frame, and every `every` bytes."""
    return sorted({10, 30, 40, len(whole) // 2, len(whole) - 7, len(whole) - 1} | set(range(0, len(whole), every)))


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_captures_cut_short_are_partial_or_refused(run_cli, tmp_path, fmt):
    assert_cuts_partial_or_refused(run_cli, tmp_path, seed_capture(fmt), _cut_points(seed_capture(fmt), 10**9))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_captures_cut_anywhere_are_partial_or_refused(run_cli, tmp_path, fmt):
    assert_cuts_partial_or_refused(run_cli, tmp_path, seed_capture(fmt), _cut_points(seed_capture(fmt), 23))


def assert_cuts_partial_or_refused(run_cli, tmp_path, whole: bytes, cuts: list[int]) -> None:
    partial = 0
    for cut in cuts:
        capture = tmp_path / f"cut-{cut}.pcap"
        capture.write_bytes(whole[:cut])
        out = earlier_report(tmp_path / f"out-{cut}")
        code, _err, report = detect(run_cli, out, pcap=capture)
        if code == 0 and report["coverage"]["capture"]["truncated"]:
            assert_partial_capture(report)
            partial += 1
    assert partial >= len(cuts) // 2, "most cuts fall inside a frame: those must be partial analyses"


def test_a_cut_capture_beside_a_good_device_is_a_partial_report(run_cli, tmp_path, out):
    capture = tmp_path / "cut.pcap"
    capture.write_bytes(seed_capture()[:-10])
    device = tmp_path / "acq.zip"
    device.write_bytes(zip_bytes(seed_acquisition()))
    code, _err, report = detect(run_cli, out, pcap=capture, device=device)
    assert code == 0
    assert_partial_capture(report)
    assert report["coverage"]["device"]["collected"]


# --- device folders and zips ------------------------------------------------------------------------------------

def _with(replaced: dict[str, bytes | None]) -> dict[str, bytes]:
    files = dict(seed_acquisition())
    for name, content in replaced.items():
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content
    return files


HOSTILE_ARTEFACTS = {
    "packages-json-garbage": {"packages.json": b"{\"name\": \"com.x\", ]]]"},
    "packages-json-binary": {"packages.json": random.Random(1).randbytes(3000)},
    "packages-json-wrong-shape": {"packages.json": b'{"packages": [{"name": 7}]}'},
    "packages-json-entries-without-names": {"packages.json": b'[{"installer": "x"}, 3, null]'},
    "packages-json-nested-too-deeply": {"packages.json": b"[" * 50_000},
    "dumpsys-binary": {"dumpsys.txt": bytes(range(256)) * 40},
    "dumpsys-huge-line": {"dumpsys.txt": b"DUMP OF SERVICE package:\n  Package [" + b"a" * 3_000_000 + b"]\n"},
    "getprop-utf16": {"getprop.txt": "[persist.sys.timezone]: [Europe/Paris]\n".encode("utf-16")},
    "settings-latin1": {"settings_secure.txt": "enabled_accessibility_services=com.caf\xe9/.A\n".encode("latin-1")},
    "getprop-unknown-zone": {"getprop.txt": b"[persist.sys.timezone]: [../../etc/passwd]\n"},
    "processes-json-garbage": {"processes.txt": b"[{\"pid\": \"x\"}, {\"pid\": 1e400}, [], {\"pid\": -1}]"},
    "acquisition-json-not-an-object": {"acquisition.json": b"[1, 2]"},
    "only-getprop-left": {n: None for n in ("packages.json", "dumpsys.txt", "settings_secure.txt",
                                            "processes.txt", "acquisition.json")},
}


@pytest.mark.parametrize("name", HOSTILE_ARTEFACTS)
@pytest.mark.parametrize("packaging", ["folder", "zip"])
def test_hostile_artefacts_give_a_report_that_names_what_failed(run_cli, tmp_path, out, name, packaging):
    files = _with(HOSTILE_ARTEFACTS[name])
    if packaging == "zip":
        device = tmp_path / "acq.zip"
        device.write_bytes(zip_bytes({f"acq/{n}": c for n, c in files.items()}))
    else:
        device = tmp_path / "acq"
        device.mkdir()
        for n, c in files.items():
            (device / n).write_bytes(c)
    code, err, report = detect(run_cli, out, device=device)
    assert code == 0, err
    for status in report["coverage"]["device"]["checks"]:
        assert status["status"] in ("ok", "not collected", "error")
        if status["status"] == "error":     # names the artefact, not a Python exception
            assert status["detail"].split(": ", 1)[0].rsplit("/", 1)[-1] in files, status


DEVICES_REFUSED = {
    "text-named-zip": b"this is not a zip\n" * 10,
    "empty-file": b"",
    "truncated-zip": zip_bytes(seed_acquisition())[:300],
    "zip-without-artefacts": zip_bytes({"notes.txt": b"hello"}),
    "zip-with-only-traversal-names": zip_bytes({"../../packages.json": b"[]", "/etc/getprop.txt": b"[a]: [b]\n",
                                                "..\\dumpsys.txt": b""}),
}


@pytest.mark.parametrize("name", DEVICES_REFUSED)
def test_what_is_not_an_acquisition_is_a_one_line_error(run_cli, tmp_path, out, name):
    assert detect_written(run_cli, out, tmp_path / f"{name}.zip", DEVICES_REFUSED[name], "device") == 2


def test_an_empty_folder_is_a_one_line_error(run_cli, tmp_path, out):
    (tmp_path / "acq").mkdir()
    assert detect(run_cli, out, device=tmp_path / "acq")[0] == 2


def test_traversal_names_beside_real_artefacts_are_ignored(run_cli, tmp_path, out):
    members = {**{f"acq/{n}": c for n, c in seed_acquisition().items()},
               "../packages.json": b'[{"name": "com.planted.by.zip"}]'}
    device = tmp_path / "acq.zip"
    device.write_bytes(zip_bytes(members))
    code, _err, report = detect(run_cli, out, device=device)
    assert code == 0 and "com.planted.by.zip" not in json.dumps(report)


def test_zip_bomb_member_is_not_expanded(run_cli, tmp_path, out):
    # 40 MB of short lines deflate to about 40 kB: splitting it would take seconds and gigabytes
    members = {**seed_acquisition(), "dumpsys.txt": b"ab\n" * (40 * 2**20 // 3)}
    device = tmp_path / "bomb.zip"
    device.write_bytes(zip_bytes(members))
    assert device.stat().st_size < 1_000_000
    code, _err, report = detect(run_cli, out, device=device)
    assert code == 0
    details = [s["detail"] for s in report["coverage"]["device"]["checks"] if s["status"] == "error"]
    assert any("dumpsys.txt" in d and "zip bomb" in d for d in details), details


def test_member_claiming_to_be_huge_is_not_read(run_cli, tmp_path, out):
    data = bytearray(zip_bytes({"packages.json": b"[]", "getprop.txt": b"[a]: [b]\n"}, zipfile.ZIP_STORED))
    central = data.index(b"PK\x01\x02")               # the central directory entry of packages.json
    data[central + 24:central + 28] = struct.pack("<I", 0xFFFFFFF0)   # uncompressed size: 4 GB
    device = tmp_path / "huge.zip"
    device.write_bytes(bytes(data))
    code, _err, report = detect(run_cli, out, device=device)
    assert code == 0
    details = [s["detail"] for s in report["coverage"]["device"]["checks"] if s["status"] == "error"]
    assert any(d.startswith("packages.json: larger than") for d in details), details


def test_corrupt_member_is_named_and_the_rest_is_read(run_cli, tmp_path, out):
    data = bytearray(zip_bytes(_with({"packages.json": json.dumps([{"name": f"com.app{i}"} for i in range(300)])
                                      .encode()})))
    start = data.index(b"packages.json") + len("packages.json") + 40
    data[start:start + 30] = b"\xff" * 30
    device = tmp_path / "corrupt.zip"
    device.write_bytes(bytes(data))
    code, _err, report = detect(run_cli, out, device=device)
    assert code == 0
    statuses = {s["check"]: s for s in report["coverage"]["device"]["checks"]}
    assert statuses["packages"]["status"] == "error" and "packages.json" in statuses["packages"]["detail"]
    assert any(s["status"] == "ok" for s in statuses.values())


# --- stimuli -------------------------------------------------------------------------------------------------------

STIMULI_REFUSED = {
    "empty": b"",
    "binary": bytes(range(256)),
    "utf16": json.dumps({"actions": []}).encode("utf-16"),
    "a-list": b"[]",
    "actions-not-a-list": b'{"actions": {"time": "2026-03-14T10:00:00Z"}}',
    "action-without-time": b'{"actions": [{"action": "photo"}]}',
    "time-not-iso": b'{"actions": [{"time": "yesterday", "action": "photo"}]}',
    "time-before-year-1-in-utc": b'{"actions": [{"time": "0001-01-01T00:00:00+14:00", "action": "photo"}]}',
    "nested-too-deeply": b'{"actions": ' + b"[" * 50_000,
}


@pytest.mark.parametrize("name", STIMULI_REFUSED)
def test_bad_stimuli_files_are_one_line_errors(run_cli, tmp_path, out, name):
    device = tmp_path / "acq.zip"
    device.write_bytes(zip_bytes(seed_acquisition()))
    stimuli = tmp_path / "stimuli.json"
    stimuli.write_bytes(STIMULI_REFUSED[name])
    code, err, _ = detect(run_cli, out, device=device, stimuli=stimuli)
    assert code == 2 and str(stimuli) in err
