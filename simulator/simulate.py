"""`stalkerlab simulate`: scenario + seed -> capture, device folder, answer key, stimuli."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from stalkerlab.simulator.answer_key import build_stimuli, build_truth
from stalkerlab.simulator.device import build_device_state, write_androidqf
from stalkerlab.simulator.instance import derived_rng, instantiate
from stalkerlab.simulator.network import build_traffic, write_capture
from stalkerlab.simulator.world.catalogue import Catalogue
from stalkerlab.simulator.world.model import FamilyUse, Scenario

from stalkerlab.common.atomic_files import write_json_atomic
from stalkerlab.common.errors import UserError
from stalkerlab.common.owned_output import Inputs, OwnedFolder

# the files a simulation writes at the top of its folder (device/ is a folder: see OwnedFolder's names)
SIMULATION_FILES = ("capture.pcap", "capture.pcapng", "truth.json", "stimuli.json")


@dataclass
class SimulationResult:
    out: Path
    truth: dict
    files: list[str]


def prepare_scenario(ref: str, *, catalogue: Catalogue | None = None, legacy_accessibility: bool = False,
                     feed: Path | None = None, family_name: str | None = None) -> Scenario:
    catalogue = catalogue or Catalogue()
    scenario = catalogue.scenario(ref)
    if legacy_accessibility:
        scenario = dataclasses.replace(scenario, accessibility_syntax="legacy")
    if feed or family_name:
        if not (feed and family_name):
            raise UserError("--feed and --family go together: the feed file and the family name in it")
        from stalkerlab.simulator.world.real_family import family_from_echap

        family = family_from_echap(Path(feed), family_name, catalogue)
        scenario = dataclasses.replace(
            scenario, families=(FamilyUse(family),), expected_verdict="stalkerware",
            explanation=(f"{family.name} is listed as stalkerware in the feed {Path(feed).name}: the phone "
                         "contacted its servers and the app is installed."),
        )
    return scenario


def simulate(scenario: Scenario, seed: int, out: Path, *, duration_min: float | None = None,
             pcapng: bool = False, inputs: Inputs = (), force: bool = False) -> SimulationResult:
    """Simulate into `out`, which follows the rule of every command's folder (stalkerlab.common.owned_output):
    only its own earlier files are replaced, the new set is moved in complete."""
    with OwnedFolder(out, "simulate", inputs=inputs, force=force, names=SIMULATION_FILES) as stage:
        truth, files = write_simulation(scenario, seed, stage, duration_min=duration_min, pcapng=pcapng)
    return SimulationResult(out=Path(out), truth=truth, files=files)


def write_simulation(scenario: Scenario, seed: int, folder: Path, *, duration_min: float | None = None,
                     pcapng: bool = False) -> tuple[dict, list[str]]:
    """Write the capture, device/, truth.json and stimuli.json into a new folder; returns (truth, names)."""
    if seed < 0:
        raise UserError(f"--seed must be zero or positive, got {seed}")
    if duration_min is not None and not (0.5 <= duration_min <= 24 * 60):
        raise UserError(f"--duration must be between 0.5 and 1440 minutes, got {duration_min}")
    inst = instantiate(scenario, seed, duration_min * 60 if duration_min else None)
    plan, facts = build_traffic(inst)
    capture_name = "capture.pcapng" if pcapng else "capture.pcap"
    index = write_capture(plan, folder / capture_name, fmt="pcapng" if pcapng else "pcap")
    state = build_device_state(inst, derived_rng(seed, "device"))
    device_index = write_androidqf(state, folder / "device")
    # through JSON once, so that callers see exactly what the file says (lists, not tuples)
    truth = json.loads(json.dumps(build_truth(inst, plan, facts, index, _plain(device_index), capture_name)))
    write_json_atomic(folder / "truth.json", truth)
    write_json_atomic(folder / "stimuli.json", build_stimuli(inst))
    return truth, sorted(p.name for p in folder.iterdir())


def _plain(index: object) -> dict:
    """The device writer's index as plain JSON data."""
    if dataclasses.is_dataclass(index):
        return dataclasses.asdict(index)
    return dict(index) if index else {}
