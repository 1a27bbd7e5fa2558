"""The tools the course teaches, as the reference solutions use them: the detector's report of the learner's
files (what `stalkerlab detect` writes), tshark's fields (what Wireshark shows), and the device folder's
files. A solution that needs anything else is asking something the learner cannot do."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from stalkerlab.common.errors import UserError


@cache
def _report(files: Path) -> str:
    from stalkerlab.detector.pipeline import DetectInputs, run_detection
    from stalkerlab.detector.reports.json_report import report_json_text

    def existing(name: str) -> Path | None:
        return files / name if (files / name).exists() else None

    device = existing("device") or existing("device.zip")
    return report_json_text(run_detection(DetectInputs(pcap=existing("capture.pcap"), device=device,
                                                       stimuli=existing("stimuli.json"))))


def detect(files: Path) -> dict:
    """report.json of `stalkerlab detect` on the handout's capture, device and stimuli."""
    return json.loads(_report(Path(files).resolve()))


def tshark_fields(pcap: Path, display_filter: str, fields: list[str]) -> list[list[str]]:
    """Rows of `tshark -r PCAP -Y FILTER -T fields -e F...` (a missing value is an empty string)."""
    tshark = shutil.which("tshark")
    if not tshark:
        raise UserError("tshark is not installed (apt-get install tshark): this solution reads the capture with it")
    command = [tshark, "-n", "-r", str(pcap), "-Y", display_filter, "-T", "fields", "-E", "separator=\t"]
    for field in fields:
        command += ["-e", field]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def read_json(path: Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def detect_with_rules(files: Path, rule_files: list[Path]) -> dict:
    """report.json of `stalkerlab detect --pcap ... --rules RULE` on the handout's files (not cached: the
    rule file is the learner's work in progress)."""
    from stalkerlab.detector.pipeline import DetectInputs, run_detection

    files = Path(files)

    def existing(name: str) -> Path | None:
        return files / name if (files / name).exists() else None

    return run_detection(DetectInputs(pcap=existing("capture.pcap"), device=existing("device"),
                                      stimuli=existing("stimuli.json"), rules=[Path(p) for p in rule_files]))


def installed_packages(device: Path) -> list[dict]:
    """The apps in the acquisition's packages.json (what AndroidQF lists: name, installer, system, ...)."""
    return read_json(Path(device) / "packages.json")


def dumpsys_package(device: Path, package: str) -> dict[str, str]:
    """The `key=value` lines of one app's block in dumpsys.txt's package section (installerPackageName,
    originatingPackageName, firstInstallTime, ...), as a text editor's search finds them."""
    lines = (Path(device) / "dumpsys.txt").read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith(f"Package [{package}]")), None)
    if start is None:
        raise UserError(f"{device}/dumpsys.txt: no package block for {package}")
    fields: dict[str, str] = {}
    for line in lines[start + 1:]:
        if line.strip().startswith("Package [") or line.startswith("DUMP OF SERVICE"):
            break
        whole = re.fullmatch(r"(\w+)=([^=]*)", line.strip())   # firstInstallTime=2026-03-12 19:57:12
        pairs = [whole.groups()] if whole else [p.split("=", 1) for p in line.split() if "=" in p]
        for key, value in pairs:
            fields.setdefault(key, value)
    return fields


def sha256_of(path: Path) -> str:
    """What Get-FileHash (Windows), `shasum -a 256` (macOS) or `sha256sum` (Linux) prints for the file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def acquisition_hashes(device: Path) -> dict[str, str]:
    """hashes.csv of an AndroidQF acquisition: file name -> the SHA-256 recorded when it was acquired."""
    rows = csv.reader((Path(device) / "hashes.csv").read_text(encoding="utf-8").splitlines())
    return {row[0]: row[1].lower() for row in rows if len(row) >= 2}
