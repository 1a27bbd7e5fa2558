"""Rule files: the Sigma-like YAML an instructor can write without code.

```yaml
id: net.dns.failed_c2              # stable, unique; prefix = where it looks (net., dev.)
title: The phone looked up a stalkerware server name that no longer exists
status: stable                     # experimental | test | stable
level: high                        # informational | low | medium | high | critical
kind: ioc                          # ioc | heuristic | coverage (only heuristics can be lowered by an allow-list)
logsource: {stream: dns}           # which records the rule reads; fields: detector/analysis/streams.py
detection:
  selection: {ioc_role: c2, rcode|gte: 1}
  condition: selection
subject: name                      # record field naming what the finding is about
explanation: One or two plain sentences for the person being helped; {fields} of the record are filled in.
description: Technical detail for an investigator; {fields} of the record are filled in.
falsepositives: [When an innocent cause fits]
safety_note: true                  # show the safety-planning note with the finding
dedup: [name]                      # one finding per distinct value of these fields
tags: [profile]                    # extra tags on the finding (its kind is always the first tag)
cases:                             # optional: a record matching a case's `when` gets the keys it sets
  - when: {rcode: 2}               #   (level, title, explanation, description, falsepositives,
    level: medium                  #   safety_note, kind, tags); every matching case applies, in order
tests:                             # required: samples the test suite runs (tests/detector/test_rule_samples.py)
  positive: [stalkerware-https-sni]             # catalogue scenarios on which the rule must fire
  negative:                                     # ... or records of the rule's stream
    - benign-busy-phone
    - {record: {name: x.example, ioc_role: null, rcode: 3}}
```
A record sample may name the `level` its finding must have (to test the cases).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from stalkerlab.detector.analysis.streams import STREAM_FIELDS, unknown_fields
from stalkerlab.detector.findings import LEVELS
from stalkerlab.detector.rules.condition import ConditionError, Predicate, compile_condition
from stalkerlab.detector.rules.data_file import parse_yaml_file
from stalkerlab.detector.rules.fields import compile_block

from stalkerlab.common.errors import UserError

STREAMS = tuple(STREAM_FIELDS)
KINDS = ("ioc", "heuristic", "coverage")
STATUSES = ("experimental", "test", "stable")
KNOWN_KEYS = {"id", "title", "status", "level", "kind", "logsource", "detection", "subject", "explanation",
              "description", "falsepositives", "safety_note", "dedup", "tests", "references", "author", "tags",
              "cases"}
CASE_KEYS = {"when", "level", "title", "explanation", "description", "falsepositives", "safety_note", "kind", "tags"}
TEMPLATES = ("title", "explanation", "description")


@dataclass(frozen=True)
class Sample:
    """One test sample: a catalogue scenario the rule must (not) fire on, or a record of its stream."""

    scenario: str | None = None
    record: dict | None = field(default=None, compare=False)
    level: str | None = None

    def __str__(self) -> str:
        return self.scenario or f"record {self.record}"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    status: str
    level: str
    kind: str
    stream: str
    matches: Predicate = field(compare=False, repr=False)
    subject: str | None
    explanation: str
    description: str
    falsepositives: tuple[str, ...]
    safety_note: bool
    dedup: tuple[str, ...]
    tests_positive: tuple[Sample, ...]
    tests_negative: tuple[Sample, ...]
    source: str
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    cases: tuple[tuple[Predicate, dict], ...] = field(default=(), compare=False, repr=False)

    def for_record(self, record: dict) -> Rule:
        """The rule as it applies to this record: every case whose `when` matches, in order, sets its keys."""
        changes: dict = {}
        for when, keys in self.cases:
            if when(record):
                changes.update(keys)
        return replace(self, **changes) if changes else self


def parse_rule(data: object, source: str, *, samples_required: bool = True) -> Rule:
    """`samples_required=False` only for a rule that is checked another way (a learner's answer in a lab, which
    the server runs against known captures itself)."""
    def fail(msg: str) -> UserError:
        return UserError(f"{source}: {msg}")

    if not isinstance(data, dict):
        raise fail("a rule file must hold a mapping")
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise fail(f"{unknown[0]}: is not a known rule key (a typo?)")
    for key in ("id", "title", "level", "logsource", "detection", "explanation"):
        if not data.get(key):
            raise fail(f"{key}: is required")
    wording = _wording(data, "", fail, None)
    status = _choice(data.get("status", "experimental"), "status", STATUSES, fail)
    stream = (data["logsource"] or {}).get("stream") if isinstance(data["logsource"], dict) else None
    if stream not in STREAMS:
        raise fail(f"logsource.stream: {stream!r} is not one of {', '.join(STREAMS)}")
    detection = data["detection"]
    if not isinstance(detection, dict) or "condition" not in detection:
        raise fail("detection: needs named blocks and a condition")
    try:
        blocks = {name: compile_block(block) for name, block in detection.items() if name != "condition"}
        matches = compile_condition(str(detection["condition"]), blocks)
    except (ValueError, ConditionError) as exc:
        raise fail(f"detection: {exc}") from None
    try:
        fields = _fields_used(detection, data)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if data.get("subject"):
        fields.add(str(data["subject"]))
    fields.update(str(d) for d in data.get("dedup") or ())
    _check_fields(fields, stream, fail)
    base = Rule(id=str(data["id"]), stream=stream, matches=matches, subject=data.get("subject"),
                dedup=tuple(data.get("dedup") or ()), source=source, references=tuple(data.get("references") or ()),
                tests_positive=(), tests_negative=(), status=status, **wording)
    cases = []
    for i, case in enumerate(data.get("cases") or ()):
        where = f"cases[{i}]."
        if not isinstance(case, dict) or not isinstance(case.get("when"), dict | list):
            raise fail(f"{where}when: is required (a detection block the record must match)")
        unknown = sorted(set(case) - CASE_KEYS)
        if unknown:
            raise fail(f"{where}{unknown[0]}: is not a key a case can set ({', '.join(sorted(CASE_KEYS))})")
        try:
            when = compile_block(case["when"])
        except ValueError as exc:
            raise fail(f"{where}when: {exc}") from None
        try:
            _check_fields(_fields_used({"when": case["when"]}, case), stream, fail, where)
        except ValueError as exc:
            raise fail(f"{where}{exc}") from None
        cases.append((when, _wording(case, where, fail, base)))
    if samples_required or data.get("tests"):
        positive, negative = _samples(data.get("tests"), stream, fail)
    else:
        positive, negative = (), ()
    return replace(base, cases=tuple(cases), tests_positive=positive, tests_negative=negative)


def _choice(value: object, where: str, allowed: tuple[str, ...], fail) -> str:
    if value not in allowed:
        raise fail(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _wording(data: dict, where: str, fail, base: Rule | None) -> dict:
    """Level, kind, tags and wording of a rule, or of one of its cases (which inherits the rest)."""
    out: dict = {}
    if "level" in data or base is None:
        out["level"] = _choice(data.get("level"), f"{where}level", LEVELS, fail)
    if "kind" in data or base is None:
        out["kind"] = _choice(data.get("kind", "heuristic"), f"{where}kind", KINDS, fail)
    for key in TEMPLATES:
        if key in data or base is None:
            out[key] = " ".join(str(data.get(key, "")).split())
    if "falsepositives" in data or base is None:
        out["falsepositives"] = tuple(str(x) for x in data.get("falsepositives") or ())
    if "safety_note" in data or base is None:
        out["safety_note"] = bool(data.get("safety_note", False))
    if "tags" in data or base is None:
        out["tags"] = tuple(str(t) for t in data.get("tags") or ())
    return out


def _samples(tests: object, stream: str, fail) -> tuple[tuple[Sample, ...], tuple[Sample, ...]]:
    if not isinstance(tests, dict) or not tests.get("positive") or not tests.get("negative"):
        raise fail("tests: needs positive and negative samples (catalogue scenarios or records) so that the "
                   "test suite can check the rule")
    unknown = sorted(set(tests) - {"positive", "negative"})
    if unknown:
        raise fail(f"tests.{unknown[0]}: is not positive or negative")
    out = []
    for which in ("positive", "negative"):
        items = tests[which] if isinstance(tests[which], list) else [tests[which]]
        samples = []
        for i, item in enumerate(items):
            where = f"tests.{which}[{i}]"
            if isinstance(item, str) and item:
                samples.append(Sample(scenario=item))
                continue
            if not isinstance(item, dict) or not isinstance(item.get("record"), dict) or set(item) - {"record",
                                                                                                    "level"}:
                raise fail(f"{where}: a sample is a scenario id or {{record: {{field: value}}, level: ...}}")
            _check_fields(set(map(str, item["record"])), stream, fail, f"{where}.record: ")
            level = _choice(item["level"], f"{where}.level", LEVELS, fail) if "level" in item else None
            samples.append(Sample(record=item["record"], level=level))
        out.append(tuple(samples))
    return out[0], out[1]


def _check_fields(names: set[str], stream: str, fail, where: str = "") -> None:
    unknown = unknown_fields(stream, names)
    if unknown:
        raise fail(f"{where}{unknown[0]}: is not a field of the {stream} stream (its fields: "
                   f"{', '.join(sorted(STREAM_FIELDS[stream]))})")


def _fields_used(detection: dict, data: dict) -> set[str]:
    """Every record field a rule (or a case) reads: detection keys (before their |modifiers) and the
    {placeholders} of its title, explanation and description."""
    names: set[str] = set()
    for name, block in detection.items():
        if name == "condition":
            continue
        for mapping in block if isinstance(block, list) else [block]:
            if isinstance(mapping, dict):
                names.update(str(key).split("|")[0] for key in mapping)
    for key in TEMPLATES:
        try:
            names.update(f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(
                str(data.get(key, ""))) if f)
        except ValueError as exc:                  # a lone { or } in the text
            raise ValueError(f"{key}: {exc} (write {{{{ and }}}} for literal braces)") from None
    return names


BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"


def load_rules(paths: list[Path] | None = None) -> list[Rule]:
    """The built-in rules, plus any rule files or folders given (an instructor's own rules)."""
    rules = {rule.id: rule for rule in _builtin_rules()}
    files = []
    for path in paths or ():
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(path.glob("*.yml")))
        elif path.is_file():
            files.append(path)
        else:
            raise UserError(f"{path}: no such rule file or folder")
    for path in files:
        _add(rules, _rule_file(path))
    return list(rules.values())


@cache
def _builtin_rules() -> tuple[Rule, ...]:
    """Parsed once per process: rules are immutable, and the benchmarks run the detector thousands of times."""
    rules: dict[str, Rule] = {}
    for path in sorted(BUILTIN_DIR.glob("*.yml")):
        _add(rules, _rule_file(path))
    return tuple(rules.values())


def _add(rules: dict[str, Rule], rule: Rule) -> None:
    if rule.id in rules:
        raise UserError(f"{rule.source}: rule id {rule.id!r} is already used by {rules[rule.id].source}")
    rules[rule.id] = rule


def _rule_file(path: Path) -> Rule:
    return parse_yaml_file(path, "rule file", lambda data: parse_rule(data, str(path)))
