"""Golden report.json files: a few fixed scenario/seed pairs whose whole report must stay byte for byte the
same, so that any unintended change in findings, wording, evidence or verdicts shows up as a diff.

A deliberate change (a rule's wording, a new finding, a simulator change that moves packets) is accepted by
regenerating the files and committing them with the change that explains them:

    STALKERLAB_UPDATE_GOLDEN=1 python -m pytest -q -p no:cacheprovider tests/detector/test_golden_reports.py

(tests/detector/golden/README.md says the same). The tool version in the manifest is the one field left
out: a release must not look like a change in findings.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from stalkerlab.detector.pipeline import DetectInputs, run_detection
from stalkerlab.detector.reports.json_report import report_json_text
from stalkerlab.simulator.simulate import prepare_scenario, simulate

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("STALKERLAB_UPDATE_GOLDEN") == "1"

# (scenario id or file under golden/scenarios, seed, minutes or None for the scenario's own, inputs read)
CASES = (
    ("stalkerware-https-sni", 4, 8, "capture+device"),           # stalkerware, both sources
    ("unknown-family", 2, 12, "capture+device"),                  # stalkerware-suspected (no feed knows it)
    ("watchware-parental", 3, 8, "capture+device"),               # watchware
    ("vendor-website-visit", 3, 14, "capture+device"),            # no-indicators after a vendor-site visit
    ("vendor-visit-photo.yml", 3, None, "capture"),               # the authoring lab's variant (issue 10)
    ("private-dns-doh", 1, 6, "capture"),                         # inconclusive: names hidden, short
    ("stalkerware-removed-last-week", 1, 5, "device"),            # stalkerware from the device alone
)


def golden_name(scenario: str, seed: int, inputs: str) -> str:
    return f"{scenario.removesuffix('.yml')}-seed{seed}-{inputs.replace('+', '-')}.json"


def report_text(scenario: str, seed: int, minutes: float | None, inputs: str, workdir: Path) -> str:
    ref = str(GOLDEN / "scenarios" / scenario) if scenario.endswith(".yml") else scenario
    case = workdir / "case"
    simulate(prepare_scenario(ref), seed, case, duration_min=minutes)
    capture = "capture" in inputs
    report = run_detection(DetectInputs(pcap=case / "capture.pcap" if capture else None,
                                        device=case / "device" if "device" in inputs else None,
                                        stimuli=case / "stimuli.json" if capture else None))
    report["manifest"]["tool"]["version"] = "(left out of the golden files)"
    return report_json_text(report)


@pytest.mark.parametrize("scenario, seed, minutes, inputs", CASES,
                         ids=[golden_name(s, n, i).removesuffix(".json") for s, n, _m, i in CASES])
def test_report_equals_its_golden_file(scenario, seed, minutes, inputs, tmp_path):
    path = GOLDEN / golden_name(scenario, seed, inputs)
    text = report_text(scenario, seed, minutes, inputs, tmp_path)
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path.name} is missing: run with STALKERLAB_UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = difflib.unified_diff(expected.splitlines(), text.splitlines(), f"golden/{path.name}", "now",
                                    lineterm="", n=2)
        pytest.fail("report.json changed; if deliberate, regenerate with STALKERLAB_UPDATE_GOLDEN=1:\n"
                    + "\n".join(list(diff)[:80]), pytrace=False)


def test_every_golden_file_belongs_to_a_case():
    expected = {golden_name(s, n, i) for s, n, _m, i in CASES}
    assert {p.name for p in GOLDEN.glob("*.json")} == expected
