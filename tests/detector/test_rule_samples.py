"""Every built-in rule's `tests: {positive, negative}` samples, run.

A record sample goes through the rule engine alone (fast); a scenario sample is a catalogue scenario
simulated once (seed 1, at most 30 minutes) and analysed whole (capture, device and stimuli), so the rule is
checked together with the stage that writes its records (slow: one simulation per scenario named).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from stalkerlab.detector.pipeline import DetectInputs, run_detection
from stalkerlab.detector.rules.engine import run_rules
from stalkerlab.detector.rules.schema import load_rules
from stalkerlab.simulator.simulate import prepare_scenario, simulate

SEED = 1
MAX_MINUTES = 30
RULES = load_rules()


def samples(kind: str) -> list:
    out = []
    for rule in RULES:
        for expected, items in ((True, rule.tests_positive), (False, rule.tests_negative)):
            for sample in items:
                if (sample.scenario is None) == (kind == "record"):
                    out.append(pytest.param(rule, sample, expected,
                                            id=f"{rule.id}-{'positive' if expected else 'negative'}-{sample}"))
    return out


@pytest.mark.parametrize("rule, sample, fires", samples("record"))
def test_record_sample(rule, sample, fires):
    findings, _ = run_rules([rule], {rule.stream: [dict(sample.record)]})
    assert bool(findings) is fires, f"{rule.source}: {sample}"
    if fires and sample.level:
        assert findings[0].level == sample.level, f"{rule.source}: {sample}"


@pytest.fixture(scope="module")
def fired_rules(tmp_path_factory):
    """scenario id -> the rule ids of its report's findings (each scenario simulated once, when first asked)."""
    fired: dict[str, set[str]] = {}

    def of(scenario_id: str) -> set[str]:
        if scenario_id not in fired:
            scenario = prepare_scenario(scenario_id)
            folder = Path(tmp_path_factory.mktemp(scenario_id)) / "case"
            simulate(scenario, SEED, folder, duration_min=min(scenario.duration_s / 60, MAX_MINUTES))
            report = run_detection(DetectInputs(folder / "capture.pcap", folder / "device", folder / "stimuli.json"))
            fired[scenario_id] = {f["rule_id"] for f in report["findings"]}
        return fired[scenario_id]

    return of


@pytest.mark.slow
@pytest.mark.parametrize("rule, sample, fires", samples("scenario"))
def test_scenario_sample(rule, sample, fires, fired_rules):
    assert (rule.id in fired_rules(sample.scenario)) is fires, f"{rule.source}: {sample}"

