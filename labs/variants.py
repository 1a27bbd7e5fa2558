"""Each learner's own variant of a lab: a seed derived from the classroom's secret, the files the simulator
makes from it, the lab's alterations, and (kept apart, for the server) the answer key and the detector's report.

    <work>/learner/   what the learner receives (capture.pcap, device/ or device.zip, stimuli.json, report/,
                      ioc.yaml), nothing else
    <work>/key/       truth.json, report.json (the detector on the learner's own files), alteration.json,
                      records.json (what rule streams read in the learner's capture, for a lab with a rule answer)

Seeds are HMAC-SHA256(secret, learner NUL lab): a learner cannot compute a neighbour's seed, and every learner
gets other names, addresses, times and family variants, so an answer copied from a neighbour is wrong for
the copier's files (and recognisable as the neighbour's).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from stalkerlab.labs.definition import Lab

from stalkerlab.common.atomic_files import folder_entries, write_text_atomic, write_zip_atomic
from stalkerlab.common.errors import UserError

SEED_SPACE = 1_000_000   # six digits: short enough to read out in a classroom, plenty for 30 learners


def learner_seed(secret: bytes, learner: str, lab_id: str) -> int:
    digest = hmac.new(secret, f"{learner}\0{lab_id}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % SEED_SPACE


@dataclass(frozen=True)
class Variant:
    lab: Lab
    seed: int
    folder: Path

    @property
    def learner_dir(self) -> Path:
        return self.folder / "learner"

    @property
    def key_dir(self) -> Path:
        return self.folder / "key"

    def _json(self, name: str) -> dict | None:
        path = self.key_dir / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    @property
    def truth(self) -> dict:
        return self._json("truth.json")

    @property
    def report(self) -> dict | None:
        return self._json("report.json")

    @property
    def alteration(self) -> dict | None:
        return self._json("alteration.json")

    @property
    def records(self) -> dict | None:
        """The records of the learner's capture that a rule answer is judged on (labs with one only)."""
        return self._json("records.json")

    def learner_files(self) -> list[Path]:
        return sorted(p for p in self.learner_dir.rglob("*") if p.is_file())


def make_variant(lab: Lab, seed: int, folder: Path) -> Variant:
    """Generate a learner's files and the server's key for them into `folder` (made by this function)."""
    from stalkerlab.simulator.simulate import prepare_scenario, simulate

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise UserError(f"{folder}: not empty (a variant is generated into a new folder)")
    receives = lab.receives
    choice = receives.scenario_for(seed)
    simulated = folder / "simulated"
    simulate(prepare_scenario(lab.scenario_ref(choice), legacy_accessibility=receives.legacy_accessibility), seed,
             simulated, duration_min=choice.duration_min)
    learner, key = folder / "learner", folder / "key"
    learner.mkdir(parents=True)
    key.mkdir()
    shutil.move(str(simulated / "truth.json"), key / "truth.json")
    wanted = set(receives.files)
    if "capture" in wanted or "report" in wanted:
        os.replace(simulated / "capture.pcap", learner / "capture.pcap")
    if "stimuli" in wanted or "report" in wanted:
        os.replace(simulated / "stimuli.json", learner / "stimuli.json")
    if wanted & {"device", "device-zip", "report"}:
        os.replace(simulated / "device", learner / "device")
    for alteration in receives.alterations:
        if alteration.kind == "tamper-device-file":
            record = tamper_device_file(learner / "device", alteration.candidates, seed)
            write_text_atomic(key / "alteration.json", json.dumps(record, indent=2) + "\n")
    _detect(learner, key / "report.json")
    if any(task.answer.type == "rule" for task in lab.tasks):
        from stalkerlab.labs.rule_answers import capture_records

        records = capture_records(learner / "capture.pcap", _existing(learner / "stimuli.json"))
        write_text_atomic(key / "records.json", json.dumps(records) + "\n")
    if "report" in wanted:
        shutil.move(str(key / "report-files"), learner / "report")
    else:
        shutil.rmtree(key / "report-files")
    if "device-zip" in wanted:
        # an AndroidQF-style zip: the acquisition's files at the top, fixed times (the same seed, the same bytes)
        write_zip_atomic(learner / "device.zip", folder_entries(learner / "device"))
    for name, needed in (("device", "device" in wanted), ("capture.pcap", "capture" in wanted),
                         ("stimuli.json", "stimuli" in wanted)):
        target = learner / name
        if not needed and target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
    if "feed" in wanted:
        from stalkerlab.detector.iocs.echap_yaml import TRAINING_FEED

        shutil.copyfile(TRAINING_FEED, learner / "ioc.yaml")
    shutil.rmtree(simulated)
    return Variant(lab, seed, folder)


def _detect(learner: Path, report_json: Path) -> None:
    """The detector on exactly what the learner has: answers from the report are then findable by them."""
    from stalkerlab.detector.pipeline import DetectInputs, run_detection
    from stalkerlab.detector.reports import write_report_files

    inputs = DetectInputs(pcap=_existing(learner / "capture.pcap"), device=_existing(learner / "device"),
                          stimuli=_existing(learner / "stimuli.json"))
    report = run_detection(inputs)
    (report_json.parent / "report-files").mkdir()
    write_report_files(report, report_json.parent / "report-files", pdf=False)
    shutil.copyfile(report_json.parent / "report-files" / "report.json", report_json)


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None


def tamper_device_file(device: Path, candidates: tuple[str, ...], seed: int) -> dict:
    """Change one digit on one line of one acquired file, after its hash was recorded in hashes.csv: the kind
    of silent edit a custody check must catch. Which file, line and digit depend on the seed."""
    rng = random.Random(f"tamper:{seed}")
    names = [n for n in (candidates or ("dumpsys.txt", "packages.json", "settings_secure.txt"))
             if (device / n).is_file()]
    if not names:
        raise UserError(f"{device}: none of the files to tamper with is there ({', '.join(candidates)})")
    name = rng.choice(sorted(names))
    path = device / name
    lines = path.read_text(encoding="utf-8").split("\n")
    with_digits = [i for i, line in enumerate(lines) if re.search(r"\d", line)]
    index = rng.choice(with_digits)
    before = lines[index]
    spots = [m.start() for m in re.finditer(r"\d", before)]
    spot = rng.choice(spots)
    after = before[:spot] + str((int(before[spot]) + 1 + rng.randrange(8)) % 10) + before[spot + 1:]
    original = hashlib.sha256(path.read_bytes()).hexdigest()
    lines[index] = after
    path.write_text("\n".join(lines), encoding="utf-8")
    return {"kind": "tamper-device-file", "file": name, "line": index + 1, "before": before, "after": after,
            "sha256_before": original, "sha256_after": hashlib.sha256(path.read_bytes()).hexdigest()}
