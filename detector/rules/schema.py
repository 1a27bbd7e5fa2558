"""Rule files: the Sigma-like YAML an instructor can write without code.

```yaml
id: net.dns.failed_c2              # stable, unique; prefix = where it looks (net., dev.)
title: The phone looked up a stalkerware server name that no longer exists
status: stable                     # experimental | test | stable
level: high                        # informational | low | medium | high | critical
kind: ioc                          # ioc | heuristic  (only heuristics can be lowered by an allow-list)
logsource: {stream: dns}           # which records the rule reads; fields: detector/analysis/streams.py
detection:
  selection: {ioc_role: c2, rcode|in: [3]}
  condition: selection
subject: name                      # record field naming what the finding is about
explanation: One or two plain sentences for the person being helped.
description: Technical detail for an investigator; {fields} of the record are filled in.
falsepositives: [When an innocent cause fits]
safety_note: true
dedup: [name]                      # one finding per distinct value of these fields
tests: {positive: [stalkerware-https-sni], negative: [benign-busy-phone]}
```
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from stalkerlab.detector.analysis.streams import STREAM_FIELDS, unknown_fields
from stalkerlab.detector.findings import LEVELS
from stalkerlab.detector.rules.condition import ConditionError, Predicate, compile_condition
from stalkerlab.detector.rules.fields import compile_block

from stalkerlab.common.errors import UserError

STREAMS = ("dns", "tls", "http", "flow", "destination", "capture", "ioc", "device")
KINDS = ("ioc", "heuristic", "coverage")
STATUSES = ("experimental", "test", "stable")
KNOWN_KEYS = {"id", "title", "status", "level", "kind", "logsource", "detection", "subject", "explanation",
              "description", "falsepositives", "safety_note", "dedup", "tests", "references", "author", "tags"}


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
    tests_positive: tuple[str, ...]
    tests_negative: tuple[str, ...]
    source: str
    references: tuple[str, ...] = ()


def parse_rule(data: object, source: str) -> Rule:
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
    if data["level"] not in LEVELS:
        raise fail(f"level: {data['level']!r} is not one of {', '.join(LEVELS)}")
    kind = data.get("kind", "heuristic")
    if kind not in KINDS:
        raise fail(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    status = data.get("status", "experimental")
    if status not in STATUSES:
        raise fail(f"status: {status!r} is not one of {', '.join(STATUSES)}")
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
    except ValueError as exc:                  # a lone { or } in the description
        raise fail(f"description: {exc} (write {{{{ and }}}} for literal braces)") from None
    unknown = unknown_fields(stream, fields)
    if unknown:
        raise fail(f"{unknown[0]}: is not a field of the {stream} stream (its fields: "
                   f"{', '.join(sorted(STREAM_FIELDS[stream]))})")
    tests = data.get("tests") or {}
    return Rule(
        id=str(data["id"]), title=str(data["title"]), status=status, level=data["level"], kind=kind,
        stream=stream, matches=matches, subject=data.get("subject"),
        explanation=" ".join(str(data["explanation"]).split()),
        description=" ".join(str(data.get("description", "")).split()),
        falsepositives=tuple(str(x) for x in data.get("falsepositives") or ()),
        safety_note=bool(data.get("safety_note", False)),
        dedup=tuple(data.get("dedup") or ()),
        tests_positive=tuple(tests.get("positive") or ()), tests_negative=tuple(tests.get("negative") or ()),
        source=source, references=tuple(data.get("references") or ()),
    )


def _fields_used(detection: dict, data: dict) -> set[str]:
    """Every record field a rule reads: detection keys (before their |modifiers), subject, dedup and the
    {placeholders} of its description."""
    names: set[str] = set()
    for name, block in detection.items():
        if name == "condition":
            continue
        for mapping in block if isinstance(block, list) else [block]:
            if isinstance(mapping, dict):
                names.update(str(key).split("|")[0] for key in mapping)
    if data.get("subject"):
        names.add(str(data["subject"]))
    names.update(str(d) for d in data.get("dedup") or ())
    names.update(f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(
        str(data.get("description", ""))) if f)
    return names


BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"


def load_rules(paths: list[Path] | None = None) -> list[Rule]:
    """The built-in rules, plus any rule files or folders given (an instructor's own rules)."""
    files = sorted(BUILTIN_DIR.glob("*.yml"))
    for path in paths or ():
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(path.glob("*.yml")))
        elif path.is_file():
            files.append(path)
        else:
            raise UserError(f"{path}: no such rule file or folder")
    rules: dict[str, Rule] = {}
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise UserError(f"{path}: invalid YAML ({getattr(exc, 'problem', exc)})") from None
        rule = parse_rule(data, str(path))
        if rule.id in rules:
            raise UserError(f"{path}: rule id {rule.id!r} is already used by {rules[rule.id].source}")
        rules[rule.id] = rule
    return list(rules.values())
