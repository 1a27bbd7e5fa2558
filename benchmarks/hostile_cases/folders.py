"""Hostile folders for the rule of every command's output folder (stalkerlab/common/owned_output.py): the walk
that tells the command's own files from the rest, and the cleaning of what killed runs left, must stay cheap
however much the folder and its parent hold."""

from __future__ import annotations

import json
import os
from pathlib import Path

FOREIGN_FILES = 30_000
ABANDONED_STAGES = 5


def _abandoned_stages(parent: Path, command: str) -> None:
    """What five kill -9 runs left: staging folders with a (sparse) pre-allocated 600 MB capture each."""
    for n in range(ABANDONED_STAGES):
        stage = parent / f".case.stalkerlab-stage-killed{n}"
        (stage / "out").mkdir(parents=True)
        (stage / "staging.json").write_text(json.dumps({"made_by": f"stalkerlab {command}", "target": "case"}))
        with open(stage / "out" / f".capture.pcap.stalkerlab-part-{n}", "wb") as capture:
            capture.truncate(600 << 20)


def case_rerun_into_a_folder_crowded_with_other_files(workdir: Path) -> list[str]:
    """simulate re-run into its own folder where 30,000 other files were added, beside 5 killed runs' staging."""
    from stalkerlab.simulator.simulate import prepare_scenario, simulate

    out = workdir / "case"
    simulate(prepare_scenario("short-idle-capture"), 1, out)
    for n in range(FOREIGN_FILES):
        folder = out / "photos" / f"{n // 1000:02d}" if n % 2 else out / "device" / "extra" / f"{n // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{n}.txt").write_bytes(b"")
    _abandoned_stages(workdir, "simulate")
    os.sync()
    return ["simulate", "short-idle-capture", "--seed", "2", "--out", str(out)]


def case_forced_report_into_a_crowded_folder(workdir: Path) -> list[str]:
    """detect --force into a folder of 30,000 files it did not make (a Documents folder)."""
    from stalkerlab.simulator.simulate import prepare_scenario, simulate

    case = workdir / "evidence"
    simulate(prepare_scenario("short-idle-capture"), 1, case)
    documents = workdir / "Documents"
    for n in range(FOREIGN_FILES):
        folder = documents / f"{n // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{n}.odt").write_bytes(b"")
    return ["detect", "--pcap", str(case / "capture.pcap"), "--device", str(case / "device"), "--no-pdf",
            "--force", "--out", str(documents)]
