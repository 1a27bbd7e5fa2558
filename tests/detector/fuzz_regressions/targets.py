"""Fuzz targets shared by the hypothesis tests, the regression corpus and the atheris harness.

Each target takes raw bytes and a scratch folder and fails (AssertionError, or the unexpected exception
itself) when the detector breaks issue 3's bar: anything other than a finished analysis (partial ones
marked as such) or a one-line UserError naming the file.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path

import stalkerlab.detector.pipeline as pipeline
from stalkerlab.detector.capture import protocols
from stalkerlab.detector.reports import render_html, report_json_text

from stalkerlab.common.errors import UserError

_FEEDS = pipeline.load_feeds([])
_RULES = pipeline.load_rules([])


def detect(**inputs: Path | None) -> dict | None:
    """run_detection with the built-in feeds and rules loaded once (loading them is 99% of a small run),
    then both report renderings; None when it stopped with a UserError that passed the one-line check."""
    names = [str(p) for p in inputs.values() if p is not None]
    real_feeds, real_rules = pipeline.load_feeds, pipeline.load_rules
    pipeline.load_feeds, pipeline.load_rules = (lambda _paths: _FEEDS), (lambda _paths: _RULES)
    try:
        report = pipeline.run_detection(pipeline.DetectInputs(**inputs))
    except UserError as exc:
        assert_one_line_naming(str(exc), names)
        return None
    finally:
        pipeline.load_feeds, pipeline.load_rules = real_feeds, real_rules
    report_json_text(report)
    render_html(report)
    capture = report["coverage"]["capture"]
    if capture and capture["truncated"]:
        assert any(r["code"] == "partial" for r in report["verdict_reasons"]), "a cut capture must say so"
    return report


def assert_one_line_naming(message: str, names: list[str]) -> None:
    assert "\n" not in message, f"error message spans lines: {message!r}"
    assert any(name in message for name in names), f"error message names no input file: {message!r}"


def capture(data: bytes, workdir: Path) -> None:
    path = workdir / "capture.pcap"
    path.write_bytes(data)
    detect(pcap=path)


# every parse_* the protocols package exports, so that a new parser is fuzzed from the day it is added
PAYLOAD_PARSERS = [getattr(protocols, name) for name in protocols.__all__ if name.startswith("parse_")]


def payloads(data: bytes, _workdir: Path | None = None) -> None:
    """Every payload parser on the same bytes: each returns a value or None, and never warns."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for parse in PAYLOAD_PARSERS:
            parse(data)
        for der in protocols.parse_tls_certificates(data) or ():
            protocols.describe_certificate(der)
        protocols.describe_certificate(data)


def device_checks_name_their_file(report: dict) -> None:
    """A check that failed must say which artefact and why ("dumpsys.txt: ..."), not leak a parser bug
    ("IndexError: ...") that the driver caught for it."""
    for status in report["coverage"]["device"]["checks"]:
        if status["status"] == "error":
            first = status["detail"].split(": ", 1)[0]
            assert "." in first or "/" in first, f"check {status['check']} failed without naming a file: {status}"


def device_zip(data: bytes, workdir: Path) -> None:
    path = workdir / "acquisition.zip"
    path.write_bytes(data)
    report = detect(device=path)
    if report:
        device_checks_name_their_file(report)


# What a fuzzed acquisition folder can hold: one artefact is replaced by the fuzzed bytes.
ARTEFACTS = ("packages.json", "dumpsys.txt", "getprop.txt", "settings_secure.txt", "processes.txt",
             "root_binaries.json", "files.json", "acquisition.json", "dumpsys_accessibility.txt", "ps.txt")


def device_folder(data: bytes, workdir: Path) -> None:
    """The first byte picks the artefact, the rest is its content, beside a valid getprop.txt."""
    folder = workdir / "acquisition"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / "getprop.txt").write_text("[persist.sys.timezone]: [Europe/Paris]\n")
    if data:
        (folder / ARTEFACTS[data[0] % len(ARTEFACTS)]).write_bytes(data[1:])
    report = detect(device=folder)
    assert report is not None, "a folder with a valid getprop.txt is an acquisition"
    device_checks_name_their_file(report)


def stimuli(data: bytes, workdir: Path) -> None:
    folder = workdir / "stimuli-device"
    if not folder.is_dir():
        folder.mkdir()
        (folder / "getprop.txt").write_text("[ro.product.model]: [Pixel 8]\n")
    path = workdir / "stimuli.json"
    path.write_bytes(data)
    detect(device=folder, stimuli=path)


TARGETS = {
    "capture": capture,
    "payloads": payloads,
    "device_zip": device_zip,
    "device_folder": device_folder,
    "stimuli": stimuli,
}


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


def seed_acquisition() -> dict[str, bytes]:
    """A small valid AndroidQF acquisition: an app with an accessibility service, installed by adb."""
    packages = [{"name": "com.example.sync", "installer": "null", "system": False,
                 "files": [{"path": "/data/app/com.example.sync/base.apk", "sha256": "ab" * 32,
                            "certificate": {"Sha1": "cd" * 20, "Subject": "CN=Sync"}}]},
                {"name": "com.android.chrome", "installer": "com.android.vending", "system": True}]
    dumpsys = ("DUMP OF SERVICE accessibility:\n"
               "  Enabled services:{{com.example.sync/.A11y}}\n"
               "--------- 0.004s was the duration of dumpsys accessibility\n"
               "DUMP OF SERVICE package:\n"
               "Packages:\n"
               "  Package [com.example.sync] (1a2b3c):\n"
               "    codePath=/data/app/com.example.sync\n"
               "    firstInstallTime=2026-03-10 21:14:03\n"
               "    installerPackageName=null\n")
    return {
        "acquisition.json": json.dumps({"started": "2026-03-14T10:00:00Z"}).encode(),
        "packages.json": json.dumps(packages, indent=2).encode(),
        "dumpsys.txt": dumpsys.encode(),
        "getprop.txt": b"[persist.sys.timezone]: [Europe/Paris]\n[ro.build.version.release]: [14]\n",
        "settings_secure.txt": b"enabled_accessibility_services=com.example.sync/.A11y\ninstall_non_market_apps=1\n",
        "processes.txt": b"USER PID PPID VSZ RSS WCHAN ADDR S NAME\nu0_a1 1234 1 0 0 0 0 S com.example.sync\n",
    }
