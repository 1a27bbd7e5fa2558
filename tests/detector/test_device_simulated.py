"""Device checks over AndroidQF folders written by the simulator: the answer key (which family is on the
phone, where its traces are, when each install step happened) checks the detector.

Folders are built with the simulator's device API (scenario -> DeviceState -> AndroidQF folder); one
slow test goes through `simulate` and truth.json when that is available."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from stalkerlab.detector.device import analyse_device
from stalkerlab.simulator.device import build_device_state, write_androidqf
from stalkerlab.simulator.instance import derived_rng, instantiate
from stalkerlab.simulator.world.catalogue import Catalogue
from test_device_checks import FakeIndicators, assert_evidence_points_at_lines, by

CATALOGUE = Catalogue()
SCENARIOS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "simulator" / "world" / "scenarios")
                   .glob("*.yml"))


@dataclasses.dataclass
class Simulated:
    folder: Path
    instance: object
    index: object

    @property
    def installed_stalkerware(self) -> set[str]:
        return {fi.package for fi in self.instance.families
                if fi.family.type == "stalkerware" and fi.presence == "installed"}

    def story(self, package: str, event: str):
        return next(e for e in self.index.story if e.package == package and e.event == event)


def simulate_device(root: Path, scenario_id: str, seed: int, legacy: bool = False) -> Simulated:
    scenario = CATALOGUE.scenario(scenario_id)
    if legacy:
        scenario = dataclasses.replace(scenario, accessibility_syntax="legacy")
    inst = instantiate(scenario, seed, None)
    folder = root / f"{scenario_id}-{seed}{'-legacy' if legacy else ''}"
    index = write_androidqf(build_device_state(inst, derived_rng(seed, "device")), folder)
    return Simulated(folder, inst, index)


def check_against_answer_key(sim: Simulated) -> None:
    result = analyse_device(sim.folder)
    assert not [s for s in result.statuses if s.status == "error"], result.statuses
    assert {f.subject for f in by(result, "dev.stalkerware_profile")} == sim.installed_stalkerware
    # nothing else on the phone is ever high or critical
    strong = {(f.rule_id, f.subject) for f in result.findings
              if f.level in ("high", "critical") and f.subject not in sim.installed_stalkerware}
    assert not strong, (sim.folder.name, strong)
    assert_evidence_points_at_lines(sim.folder, result.findings)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_each_scenario_matches_the_answer_key(tmp_path, scenario_id):
    check_against_answer_key(simulate_device(tmp_path, scenario_id, 1))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2, 12))
def test_every_scenario_over_many_seeds_and_both_accessibility_syntaxes(tmp_path, seed):
    for scenario_id in SCENARIOS:
        check_against_answer_key(simulate_device(tmp_path, scenario_id, seed, legacy=seed % 2 == 0))


def test_stalkerware_evidence_is_where_the_answer_key_says(tmp_path):
    sim = simulate_device(tmp_path, "stalkerware-https-sni", 3)
    (package,) = sim.installed_stalkerware
    key = sim.index.artefacts[package]
    result = analyse_device(sim.folder)

    def refs(rule, subject=package):
        return {e.ref for f in by(result, rule, subject) for e in f.evidence}

    assert key["accessibility"] in refs("dev.accessibility_service")
    assert key["accessibility_setting"] in refs("dev.accessibility_service")
    assert key["notification_listener"] in refs("dev.notification_listener")
    assert key["device_admin"] in refs("dev.device_admin")
    assert key["usage_access"] in refs("dev.usage_access")
    assert key["installer_entry"] in refs("dev.offstore_installer")
    assert key["originating"] in refs("dev.offstore_installer")
    file, line = key["hidden_icon"].split(":")       # the answer key cites the disabledComponents: header
    assert f"{file}:{int(line) + 1}" in refs("dev.hidden_launcher_icon")
    assert key["unknown_sources"] in refs("dev.unknown_sources_grant", "com.android.chrome")
    assert key["play_protect_off"] in refs("dev.play_protect_off", None)
    profile = by(result, "dev.stalkerware_profile")[0]
    assert profile.subject == package and profile.level == "high" and profile.safety_note


def test_install_story_times_match_the_scenario_clock(tmp_path):
    sim = simulate_device(tmp_path, "unknown-family", 5)
    (package,) = sim.installed_stalkerware
    rows = analyse_device(sim.folder).timeline
    installed = next(r for r in rows if r.what.startswith(f"{package} installed"))
    assert installed.what == f"{package} installed (from com.android.chrome)"
    assert abs(installed.time - sim.story(package, "installed").at) < 1.0     # dumpsys prints whole seconds
    allowed = next(r for r in rows if "allowed to install apps" in r.what)
    assert sim.story(package, "unknown_sources_granted").at <= allowed.time < installed.time
    downloaded = next(r for r in rows if r.what.startswith("APK file"))
    assert abs(downloaded.time - sim.story(package, "downloaded").at) < 1.0
    enabled = next(r for r in rows if "accessibility service found switched on" in r.what)
    assert installed.time < enabled.time
    assert [r.time for r in rows] == sorted(r.time for r in rows)


def test_removed_stalkerware_leaves_an_uninstall_and_a_stale_setting(tmp_path):
    sim = simulate_device(tmp_path, "stalkerware-removed-last-week", 4)
    (removed,) = {fi.package for fi in sim.instance.families if fi.presence == "removed"}
    key = sim.index.artefacts[removed]
    result = analyse_device(sim.folder)
    uninstall = by(result, "dev.recent_uninstall", removed)
    assert [e.ref for e in uninstall[0].evidence] == [key["uninstall"]]
    assert by(result, "dev.accessibility_stale", removed)
    row = next(r for r in result.timeline if r.what.startswith(f"{removed} uninstalled"))
    assert row.time <= sim.story(removed, "uninstalled").at < row.time + 86400
    with_feed = analyse_device(sim.folder, FakeIndicators(packages={removed: ("Removed", "stalkerware")}))
    assert by(with_feed, "dev.recent_uninstall", removed)[0].level == "critical"


def test_watchware_from_the_store_is_never_a_profile_even_when_the_feed_knows_it(tmp_path):
    sim = simulate_device(tmp_path, "watchware-parental", 2)
    (package,) = {fi.package for fi in sim.instance.families if fi.presence == "installed"}
    result = analyse_device(sim.folder, FakeIndicators(packages={package: ("FamilyCompass", "watchware")}))
    assert by(result, "dev.ioc.package", package)[0].level == "high"
    assert not by(result, "dev.stalkerware_profile")
    assert {f.level for f in result.findings if f.subject == package and "ioc" not in f.tags} <= {"low"}


def test_benign_busy_phone_has_only_low_findings(tmp_path):
    result = analyse_device(simulate_device(tmp_path, "benign-busy-phone", 7).folder)
    assert result.findings and {f.level for f in result.findings} <= {"informational", "low"}


@pytest.mark.slow
def test_simulate_output_and_truth_json(tmp_path):
    try:
        from stalkerlab.simulator.simulate import prepare_scenario, simulate
    except ImportError as exc:
        pytest.skip(f"`stalkerlab simulate` is not usable yet ({exc})")
    import json

    simulate(prepare_scenario("stalkerware-https-sni"), 2, tmp_path / "run", duration_min=1)
    truth = json.loads((tmp_path / "run" / "truth.json").read_text())
    result = analyse_device(tmp_path / "run" / "device")
    assert [f.subject for f in by(result, "dev.stalkerware_profile")] == [truth["package"]]
    simulate(prepare_scenario("benign-busy-phone"), 2, tmp_path / "benign", duration_min=1)
    assert not by(analyse_device(tmp_path / "benign" / "device"), "dev.stalkerware_profile")
