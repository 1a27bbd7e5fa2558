"""Two lab features through their public parts: scenario pools (each learner's seed picks one scenario) and
rule answers (a learner's detector rule, run on the server on the records kept in the answer key)."""

from __future__ import annotations

import json
import shutil

import pytest
from stalkerlab.labs.checking import RIGHT, UNREADABLE, WRONG, check, is_right
from stalkerlab.labs.definition import LABS_DIR, find_lab, load_lab
from stalkerlab.labs.expected import Expected, answer_key
from stalkerlab.labs.variants import make_variant

from stalkerlab.common.errors import UserError

OWL = "t2.owl-metrics.example"
RULE = """\
id: lab.test.{name}
title: Test rule
level: high
logsource: {{stream: {stream}}}
detection:
  selection: {selection}
  condition: selection
explanation: A test rule.
"""


def rule(stream: str, selection: str, name: str = "r") -> str:
    return RULE.format(name=name, stream=stream, selection=selection)


@pytest.fixture(scope="module")
def rule_task():
    return find_lab("unknown-family-rule").task("rule")


@pytest.fixture
def key() -> Expected:
    """A hand-made answer key: the app's server, an ordinary notes app, and a benign tracker phone."""
    own = {
        "dns": [{"name": OWL, "response": False}, {"name": OWL, "response": True, "answers": ["198.51.100.9"]},
                {"name": "sync.notes.example", "response": False}],
        "destination": [{"label": OWL, "name": OWL, "dst_ip": "198.51.100.9", "beacon_count": 8, "actions_followed": 2},
                        {"label": "sync.notes.example", "name": "sync.notes.example", "dst_ip": "203.0.113.5",
                         "beacon_count": 5, "actions_followed": 0}],
        "capture": [{"duration_s": 1200.0, "short": False}],
    }
    tracker = {"destination": [{"label": "events.adpulse-sdk.example", "name": "events.adpulse-sdk.example",
                                "dst_ip": "192.0.2.7", "beacon_count": 8, "actions_followed": 0}]}
    return Expected({"targets": [OWL], "own": own,
                     "quiet": [{"scenario": "tracker-sdk", "seed": 1, "duration_min": 15, "records": tracker}]})


def test_a_rule_that_fires_on_the_app_only_is_right(rule_task, key):
    result = check(rule_task, key, rule("dns", "{name|endswith: owl-metrics.example}"))
    assert result.status == RIGHT and result.score == 1.0


@pytest.mark.parametrize(("text", "message"), [
    (rule("dns", "{name|endswith: other.example}"), "does not fire on the monitoring app's traffic"),
    (rule("destination", "{beacon_count|gte: 5}"), "also on other traffic in your files: sync.notes.example"),
    (rule("destination", "{beacon_count|gte: 8}"),
     "the benign scenario tracker-sdk (seed 1): events.adpulse-sdk.example"),
    (rule("capture", "{short: false}"), "does not fire on the monitoring app's traffic"),
    (rule("dns", "{response: false}"), "also on other traffic in your files: sync.notes.example"),
])
def test_a_wrong_rule_is_told_what_it_missed_or_wrongly_caught(rule_task, key, text, message):
    result = check(rule_task, key, text)
    assert result.status == WRONG and result.counts_as_attempt and message in result.message, result.message


@pytest.mark.parametrize(("text", "shape"), [
    ("id: lab.x\ntitle: t\n", "your rule: level: is required"),
    ("id: [unclosed\n", "not valid YAML at line"),
    ("a: &a [x, x]\nb: [*a, *a]\n", "rules may not use aliases"),
    (rule("dns", "{nam|endswith: owl-metrics.example}"), "nam: is not a field of the dns stream"),
    (RULE.format(name="x", stream="dns", selection="{name: x}").replace("lab.test.x", "net.flow.beacon"),
     "'net.flow.beacon' is a built-in rule's id"),
    (rule("dns", "{name|re: '(a+)+$'}"), "regular expressions are not accepted"),
    ("- just\n- a list\n", "a rule file must hold a mapping"),
])
def test_an_unreadable_rule_costs_no_attempt_and_says_why(rule_task, key, text, shape):
    result = check(rule_task, key, text)
    assert result.status == UNREADABLE and not result.counts_as_attempt and shape in result.message, result.message


def test_rule_feedback_in_french(rule_task, key):
    result = check(rule_task, key, rule("destination", "{beacon_count|gte: 8}"), language="fr")
    assert result.status == WRONG and "scénario sans danger tracker-sdk" in result.message


def test_a_neighbours_rule_for_another_server_is_recognisable(rule_task, key):
    neighbour = Expected({**key.value, "targets": ["telemetry.owl-metrics.example"],
                          "own": {"dns": [{"name": "telemetry.owl-metrics.example"}]}})
    specific = rule("dns", "{name: telemetry.owl-metrics.example}")
    assert is_right(rule_task, neighbour, specific) and not is_right(rule_task, key, specific)


def _copy(tmp_path, lab_id: str):
    folder = tmp_path / lab_id
    shutil.copytree(LABS_DIR / lab_id, folder)
    return folder, (folder / "lab.yaml").read_text(encoding="utf-8")


def test_a_pool_hands_out_each_scenario_in_turn():
    pool = find_lab("kind-of-monitoring").receives
    picked = [pool.scenario_for(seed).scenario for seed in range(8)]
    assert picked[:4] == [c.scenario for c in pool.scenarios] and picked[4:] == picked[:4]
    assert {c.duration_min for c in pool.scenarios} <= {15, 20}


@pytest.mark.parametrize(("lab_id", "old", "new", "message"), [
    ("kind-of-monitoring", "  scenarios:\n", "  scenario: tracker-sdk\n  scenarios:\n",
     "receives: give either scenario (one) or scenarios (a pool), not both or neither"),
    ("kind-of-monitoring", "  files: [capture, device, stimuli]",
     "  duration_min: 10\n  files: [capture, device, stimuli]",
     "receives.duration_min: give each pooled scenario its own duration_min"),
    ("capstone-police", "scenario: case.yml", "scenario: missing.yml", "the scenario file missing.yml is not in"),
    ("unknown-family-rule", "files: [capture, stimuli]", "files: [device]", "a rule answer is run on the capture"),
    ("reading-the-report", "expected: {from: value, value: exact-names}", "expected: {from: value, value: exact}",
     "tasks[5] (why-confident): 'exact' is not one of the answer's choices"),
    ("reading-the-report", "type: package\n      expected: {from: report, path: \"families[0].package\"}",
     "type: package\n      quiet_on: [{scenario: tracker-sdk}]\n      expected: {from: report, path: x}",
     "answer.quiet_on: only a rule answer"),
])
def test_misused_pools_rules_and_choices_are_one_line_errors(tmp_path, lab_id, old, new, message):
    folder, text = _copy(tmp_path, lab_id)
    assert old in text
    (folder / "lab.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(UserError) as refused:
        load_lab(folder)
    line = str(refused.value)
    assert str(folder / "lab.yaml") in line and message in line and "\n" not in line, line


@pytest.mark.slow
def test_a_real_rule_key_is_checked_like_detect_rules_and_survives_json(tmp_path, rule_task):
    """The key of a real variant: the reference rule is right, a rule on check-ins alone catches ordinary
    apps, and the key read back from JSON (as the portal stores it) judges the same."""
    lab = find_lab("unknown-family-rule")
    variant = make_variant(lab, 7, tmp_path / "v")
    assert variant.records["dns"] and not (variant.learner_dir / "records.json").exists()   # the key's, not theirs
    key = answer_key(variant)["rule"]
    server = variant.truth["c2"]["domains"][0]
    domain = ".".join(server.split(".")[-2:])
    by_name = rule("dns", f"{{name|endswith: {domain}}}")
    by_rhythm = rule("destination", "{beacon_count|gte: 3, scope: internet}")
    stored = Expected.from_json(key.as_json())
    for expected in (key, stored):
        assert check(rule_task, expected, by_name).status == RIGHT
        assert check(rule_task, expected, by_rhythm).status == WRONG
    assert {q["scenario"] for q in key.value["quiet"]} == {"benign-busy-phone", "tracker-sdk"}


@pytest.mark.slow
def test_an_instructors_handout_of_a_rule_lab_carries_the_rule_key(tmp_path, run_cli, rule_task):
    code, _, err = run_cli("labs", "handout", "unknown-family-rule", "--learner", "ana", "--out", tmp_path / "ana",
                           "--with-answers")
    assert code == 0, err
    key = Expected.from_json(json.loads((tmp_path / "ana" / "answers.json").read_text(encoding="utf-8"))["rule"])
    assert check(rule_task, key, rule("dns", "{name|endswith: owl-metrics.example}")).status == RIGHT
