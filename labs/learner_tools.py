"""The tools the course teaches, as the reference solutions use them: the detector's report of the learner's
files (what `stalkerlab detect` writes), tshark's fields (what Wireshark shows), and the device folder's
files. A solution that needs anything else is asking something the learner cannot do."""

from __future__ import annotations

import json
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
