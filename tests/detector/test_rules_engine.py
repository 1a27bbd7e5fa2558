"""Rules as data: the built-in set loads, conditions and modifiers mean what Sigma users expect, an
instructor's own rule file is picked up, and bad rule files give one-line errors."""

from __future__ import annotations

import textwrap

import pytest
from stalkerlab.detector.findings import Evidence
from stalkerlab.detector.rules.engine import run_rules
from stalkerlab.detector.rules.schema import load_rules, parse_rule

from stalkerlab.common.errors import UserError


def test_builtin_rules_load_with_unique_prefixed_ids():
    rules = load_rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids)) and len(ids) >= 20
    assert all(i.startswith(("net.", "dev.")) for i in ids)
    assert all(r.explanation and r.title for r in rules)
    # indicator rules can never be lowered by an allow-list
    assert {r.kind for r in rules if r.id.startswith("net.ioc.")} == {"ioc"}


SAMPLES = {"positive": ["unknown-family"], "negative": ["benign-busy-phone"]}


def rule(**overrides):
    data = {"id": "net.test", "title": "T {name}", "level": "medium", "logsource": {"stream": "destination"},
            "detection": {"selection": {"name|endswith": "mirrorsync.example"}, "condition": "selection"},
            "explanation": "E", "subject": "name", "dedup": ["name"], "tests": SAMPLES}
    data.update(overrides)
    return parse_rule(data, "test.yml")


def test_endswith_matches_on_label_boundaries():
    r = rule()
    assert r.matches({"name": "api.mirrorsync.example"}) and r.matches({"name": "mirrorsync.example"})
    assert not r.matches({"name": "evilmirrorsync.example"})


@pytest.mark.parametrize("condition, record, expected", [
    ("a and not b", {"flows": 1, "dst_port": 2}, False),
    ("a and not b", {"flows": 1, "dst_port": 3}, True),
    ("a or b", {"flows": 0, "dst_port": 2}, True),
    ("not (a or b)", {"flows": 0, "dst_port": 0}, True),
    ("1 of *", {"flows": 0, "dst_port": 2}, True),
    ("all of them", {"flows": 1, "dst_port": 3}, False),
])
def test_conditions(condition, record, expected):
    r = rule(detection={"a": {"flows": 1}, "b": {"dst_port": 2}, "condition": condition})
    assert r.matches(record) is expected


def test_numeric_cidr_and_list_modifiers():
    r = rule(detection={"s": {"bytes_out|gte": 10, "dst_ip|cidr": "203.0.113.0/24", "dst_port": [443, 8443]},
                        "condition": "s"})
    assert r.matches({"bytes_out": 10, "dst_ip": "203.0.113.9", "dst_port": 8443})
    assert not r.matches({"bytes_out": 9, "dst_ip": "203.0.113.9", "dst_port": 443})
    assert not r.matches({"bytes_out": 10, "dst_ip": "198.51.100.9", "dst_port": 443})
    assert not r.matches({"bytes_out": None, "dst_ip": "203.0.113.9", "dst_port": 443})


def test_findings_merge_by_dedup_and_keep_evidence():
    r = rule()
    records = [{"name": "api.mirrorsync.example", "_first_seen": t,
                "_evidence": [Evidence("capture", f"frame {t}", time=t, frame=t)]} for t in (30, 10, 20)]
    findings, suppressed = run_rules([r], {"destination": records})
    assert len(findings) == 1 and not suppressed
    f = findings[0]
    assert f.title == "T api.mirrorsync.example" and f.first_seen == 10
    assert [e.frame for e in f.evidence] == [10, 20, 30]


class AllowEverything:
    def reason(self, subject):
        return "listed service"


def test_allowlist_lowers_heuristics_only_and_every_suppression_is_reported():
    heuristic = rule()
    ioc = rule(id="net.ioc.test", kind="ioc")
    records = [{"name": "x.mirrorsync.example"}]
    findings, suppressed = run_rules([heuristic, ioc], {"destination": records}, allowlist=AllowEverything())
    assert [f.rule_id for f in findings] == ["net.ioc.test"]
    assert suppressed == [{"rule_id": "net.test", "subject": "x.mirrorsync.example",
                           "allowed_because": "listed service", "records": 1}]


def test_an_instructors_rule_file_is_added(tmp_path):
    (tmp_path / "mine.yml").write_text(textwrap.dedent("""
        id: net.class.my_rule
        title: Port 4444 seen
        level: low
        logsource: {stream: flow}
        detection: {selection: {dport: 4444}, condition: selection}
        explanation: A learner-made rule.
        tests: {positive: [{record: {dport: 4444}}], negative: [benign-busy-phone]}
    """))
    rules = load_rules([tmp_path])
    mine = [r for r in rules if r.id == "net.class.my_rule"]
    assert mine and mine[0].matches({"dport": 4444}) and not mine[0].matches({"dport": 443})


@pytest.mark.parametrize("where", ["detection: {s: {dst_port: 4444}, condition: s}",
                                   "detection: {s: [{dport: 1}, {dst_port|gte: 4444}], condition: s}\nsubject: dport",
                                   "detection: {s: {dport: 4444}, condition: s}\ndedup: [dst_port]",
                                   "detection: {s: {dport: 4444}, condition: s}\ndescription: to {dst_port}"])
def test_a_field_the_stream_does_not_have_is_named(tmp_path, where):
    path = tmp_path / "typo.yml"
    path.write_text(f"id: net.class.typo\ntitle: t\nlevel: low\nlogsource: {{stream: flow}}\n{where}\n"
                    "explanation: e\ntests: {positive: [a], negative: [b]}\n")
    with pytest.raises(UserError) as err:
        load_rules([path])
    message = str(err.value)
    assert message.startswith(f"{path}: dst_port: is not a field of the flow stream") and "dport" in message


def test_declared_fields_are_the_fields_the_analysis_writes(tmp_path):
    from pathlib import Path

    from stalkerlab.detector.analysis.network import analyse_network
    from stalkerlab.detector.analysis.streams import STREAM_FIELDS
    from stalkerlab.detector.capture.flows import analyse_packets
    from stalkerlab.detector.iocs import load_feeds
    from stalkerlab.detector.stimuli import load_stimuli
    from stalkerlab.simulator.simulate import prepare_scenario, simulate

    case = Path(tmp_path) / "case"
    simulate(prepare_scenario("stalkerware-http-port"), 2, case, duration_min=10)
    net = analyse_network(analyse_packets(case / "capture.pcap"), load_feeds([]), load_stimuli(case / "stimuli.json"))
    for stream, declared in STREAM_FIELDS.items():
        if stream.startswith("device."):
            continue                    # tests/detector/test_device_checks.py checks those
        written = {k for record in net.streams[stream] for k in record if not k.startswith("_")}
        assert written == set(declared), stream


@pytest.mark.parametrize("text, message", [
    ("id: x\ntitle: t\nlevel: severe\nlogsource: {stream: dns}\ndetection: {s: {a: 1}, condition: s}\n"
     "explanation: e\n", "level: 'severe' is not one of"),
    ("id: x\ntitle: t\nlevel: low\nlogsource: {stream: dns}\ndetection: {s: {a: 1}, condition: s and t}\n"
     "explanation: e\n", "'t' is not a detection block"),
    ("id: x\ntitle: t\nlevel: low\nlogsource: {stream: dns}\ndetection: {s: {a|near: 1}, condition: s}\n"
     "explanation: e\n", "unknown modifier 'near'"),
    ("id: x\ntitle: t\nlevel: low\nlogsource: {stream: nowhere}\ndetection: {s: {a: 1}, condition: s}\n"
     "explanation: e\n", "logsource.stream: 'nowhere'"),
    ("id: x\ntitel: t\n", "titel: is not a known rule key"),
    ("id: [x\n", "invalid YAML"),
])
def test_bad_rule_files(tmp_path, text, message):
    path = tmp_path / "bad.yml"
    path.write_text(text)
    with pytest.raises(UserError) as err:
        load_rules([path])
    assert str(path) in str(err.value) and message in str(err.value) and "\n" not in str(err.value)


def test_duplicate_rule_ids_are_refused(tmp_path):
    path = tmp_path / "dup.yml"
    path.write_text("id: net.ioc.c2\ntitle: t\nlevel: low\nlogsource: {stream: dns}\n"
                    "detection: {s: {name: a.example}, condition: s}\nexplanation: e\n"
                    "tests: {positive: [a], negative: [b]}\n")
    with pytest.raises(UserError, match="already used"):
        load_rules([path])


RULE_HEAD = ("id: net.class.x\ntitle: t\nlevel: low\nlogsource: {stream: flow}\n"
             "detection: {s: {dport: 4444}, condition: s}\nexplanation: e\n")


@pytest.mark.parametrize("tests, message", [
    ("", "tests: needs positive and negative samples"),
    ("tests: {positive: [unknown-family]}\n", "tests: needs positive and negative samples"),
    ("tests: {positive: [a], negative: [b], maybe: [c]}\n", "tests.maybe: is not positive or negative"),
    ("tests: {positive: [{dport: 4444}], negative: [b]}\n", "tests.positive[0]: a sample is a scenario id or"),
    ("tests: {positive: [{record: {port: 4444}}], negative: [b]}\n",
     "tests.positive[0].record: port: is not a field of the flow stream"),
    ("tests: {positive: [{record: {dport: 4444}, level: urgent}], negative: [b]}\n",
     "tests.positive[0].level: 'urgent' is not one of"),
])
def test_a_rule_without_both_samples_or_with_a_bad_one_is_refused(tmp_path, tests, message):
    path = tmp_path / "mine.yml"
    path.write_text(RULE_HEAD + tests)
    with pytest.raises(UserError) as err:
        load_rules([path])
    assert str(err.value).startswith(f"{path}: {message}") and "\n" not in str(err.value)


def test_every_matching_case_sets_its_keys_in_order():
    r = rule(detection={"s": {"flows|gte": 1}, "condition": "s"}, safety_note=True, tags=["profile"],
             cases=[{"when": {"dst_port": 443}, "level": "low", "title": "Ordinary {name}", "safety_note": False},
                    {"when": {"dst_port": [443, 8443]}, "level": "high", "kind": "ioc"}])
    records = [{"name": "a.example", "flows": 1, "dst_port": 443}, {"name": "b.example", "flows": 1, "dst_port": 8443},
               {"name": "c.example", "flows": 1, "dst_port": 80}]
    findings, _ = run_rules([r], {"destination": records})
    got = {f.subject: (f.level, f.title, f.safety_note, f.tags) for f in findings}
    assert got == {"a.example": ("high", "Ordinary a.example", False, ("ioc", "profile")),
                   "b.example": ("high", "T b.example", True, ("ioc", "profile")),
                   "c.example": ("medium", "T c.example", True, ("heuristic", "profile"))}


@pytest.mark.parametrize("cases, message", [
    ([{"level": "low"}], "cases[0].when: is required"),
    ([{"when": {"dst_port": 1}, "colour": "red"}], "cases[0].colour: is not a key a case can set"),
    ([{"when": {"port": 1}}], "cases[0].port: is not a field of the destination stream"),
    ([{"when": {"dst_port": 1}, "title": "{nope}"}], "cases[0].nope: is not a field of the destination stream"),
    ([{"when": {"dst_port": 1}, "level": "huge"}], "cases[0].level: 'huge' is not one of"),
])
def test_bad_cases_are_named(cases, message):
    with pytest.raises(UserError) as err:
        rule(cases=cases)
    assert str(err.value).startswith(f"test.yml: {message}")
