"""A detector rule as a lab answer: the learner writes a rule as data (the YAML that `stalkerlab detect
--rules FILE` reads) that must fire on the monitoring app's traffic in their own capture, and stay quiet on
everything else in it and on the lab's benign scenarios.

The server keeps only the answer key, never the learner's files, so the key holds what every rule stream
reads (the records of the learner's capture and of each benign scenario, with only the fields a rule may
test) and the names and addresses the rule must catch. A submitted rule is loaded by the detector's own rule
loader and run by its own rule engine on those records: the same findings `stalkerlab detect --rules` would
make on the same files, in milliseconds and without a file.
"""

from __future__ import annotations

import fnmatch
import json
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from stalkerlab.labs.answer_types import Unreadable
from stalkerlab.labs.definition import ScenarioChoice

from stalkerlab.common.errors import UserError

MAX_RULE_VALUES = 500          # a rule is a page of YAML: tens of values, never thousands
MAX_RULE_WORK = 100            # field tests per record; the built-in rules need at most a dozen
SHOWN_SUBJECTS = 3
NAME_FIELDS = ("label", "name", "sni", "server", "host", "observed", "dst", "dst_ip")


def capture_records(pcap: Path, stimuli: Path | None) -> dict[str, list[dict]]:
    """Every record the rule streams hold for this capture, as JSON values, with only the declared fields."""
    from stalkerlab.detector.analysis.network import analyse_network
    from stalkerlab.detector.analysis.streams import STREAM_FIELDS
    from stalkerlab.detector.capture.flows import analyse_packets
    from stalkerlab.detector.iocs import load_feeds
    from stalkerlab.detector.stimuli import load_stimuli

    net = analyse_network(analyse_packets(Path(pcap)), load_feeds([]),
                          load_stimuli(stimuli) if stimuli and Path(stimuli).is_file() else [])
    kept = {stream: [{k: v for k, v in record.items() if k in STREAM_FIELDS.get(stream, {})} for record in records]
            for stream, records in net.streams.items()}
    return json.loads(json.dumps(kept, default=str))   # what is checked is exactly what the key stores


@cache
def benign_records(scenario: str, duration_min: int | None, seed: int) -> dict[str, list[dict]]:
    """The records of a benign scenario, as `stalkerlab simulate SCENARIO --seed SEED --duration MIN` makes it
    (the same for every learner; kept for the life of the process)."""
    from stalkerlab.simulator.simulate import prepare_scenario, simulate

    with tempfile.TemporaryDirectory(prefix="lab-benign-") as tmp:
        out = Path(tmp) / "sim"
        simulate(prepare_scenario(scenario), seed, out, duration_min=duration_min)
        return capture_records(out / "capture.pcap", out / "stimuli.json")


def rule_expectation(targets: object, own: dict[str, list[dict]], quiet_on: tuple[ScenarioChoice, ...]) -> dict:
    """The answer key of a rule task: what to catch, the records of the learner's capture (made with the
    variant), and those of the benign scenarios."""
    names = sorted({str(t).lower().rstrip(".") for t in (targets if isinstance(targets, list) else [targets])})
    return {"targets": names, "own": own,
            "quiet": [{"scenario": q.scenario, "seed": q.seed, "duration_min": q.duration_min,
                       "records": benign_records(q.scenario, q.duration_min, q.seed)} for q in quiet_on]}


@cache
def _builtin_rule_ids() -> frozenset[str]:
    from stalkerlab.detector.rules.schema import load_rules

    return frozenset(rule.id for rule in load_rules())


def parse_submitted_rule(text: str):
    """The detector's Rule for a submission, or Unreadable saying what is wrong with it (no attempt lost)."""
    import yaml
    from stalkerlab.detector.iocs.bounded_yaml import RefusedYaml, load_bounded_yaml
    from stalkerlab.detector.rules.schema import parse_rule

    try:
        data, _count = load_bounded_yaml(str(text), MAX_RULE_VALUES)
    except RefusedYaml as exc:
        raise Unreadable(f"a detector rule in YAML ({exc.reason.replace('feeds may', 'rules may')})") from None
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise Unreadable("a detector rule in YAML (it is not valid YAML"
                         + (f" at line {mark.line + 1}" if mark else "") + ")") from None
    try:
        rule = parse_rule(data, "your rule", samples_required=False)   # the server tries it on captures itself
    except UserError as exc:
        raise Unreadable(f"a detector rule ({exc})") from None
    if rule.id in _builtin_rule_ids():
        raise Unreadable(f"a detector rule with an id of its own ({rule.id!r} is a built-in rule's id)")
    # A learner's rule runs on the shared server: a catastrophic pattern, or a condition that repeats a long
    # list hundreds of times, would stall the answers of the whole class.
    blocks = {name: list(_fields(block)) for name, block in data["detection"].items() if name != "condition"}
    if any("|re" in key for fields in blocks.values() for key, _options in fields):
        raise Unreadable("a detector rule without |re (regular expressions are not accepted in lab answers; "
                         "use endswith, startswith or contains)")
    work = _work(str(data["detection"]["condition"]), blocks)
    if work > MAX_RULE_WORK:
        raise Unreadable(f"a detector rule small enough to check (this one makes {work} field tests on every "
                         f"record; a lab answer may make {MAX_RULE_WORK})")
    return rule


def _fields(block: object):
    """(key, number of values it tries) of every field test in a detection block."""
    for mapping in block if isinstance(block, list) else [block]:
        if isinstance(mapping, dict):
            for key, value in mapping.items():
                yield str(key), len(value) if isinstance(value, list) else 1


def _work(condition: str, blocks: dict[str, list]) -> int:
    """Field tests per record in the worst case: each block named (or matched by a pattern) in the condition
    costs the values its fields try."""
    cost = {name: sum(options for _key, options in fields) for name, fields in blocks.items()}
    work = 0
    for word in re.findall(r"[\w*]+", condition):
        if word in ("and", "or", "not", "of", "all") or word.isdigit():
            continue
        pattern = "*" if word == "them" else word
        work += sum(c for name, c in cost.items() if fnmatch.fnmatchcase(name, pattern))
    return work


@dataclass(frozen=True)
class RuleOutcome:
    """`problem` is None for a right rule, else silent | noisy-own | noisy-benign, with what it fired on."""

    problem: str | None
    subjects: tuple[str, ...] = ()
    scenario: str | None = None
    seed: int | None = None


def _strings(record: dict):
    for value in record.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                yield item.lower().rstrip(".")


def _subject(record: dict) -> str:
    for field in NAME_FIELDS:
        if isinstance(record.get(field), str) and record[field]:
            return record[field]
    return "the capture as a whole" if "duration_s" in record else "a record without a name"


def _fired(rule, records: dict[str, list[dict]]) -> list[dict]:
    return [record for record in records.get(rule.stream, ()) if rule.matches(record)]


def _shown(records: list[dict]) -> tuple[str, ...]:
    return tuple(sorted({_subject(r) for r in records}))[:SHOWN_SUBJECTS]


def judge_rule(expected: dict, text: str) -> RuleOutcome:
    rule = parse_submitted_rule(text)
    targets = set(expected["targets"])
    fired = _fired(rule, expected["own"])
    on_target = [r for r in fired if targets & set(_strings(r))]
    if not on_target:
        return RuleOutcome("silent")
    elsewhere = [r for r in fired if not targets & set(_strings(r))]
    if elsewhere:
        return RuleOutcome("noisy-own", _shown(elsewhere))
    for benign in expected["quiet"]:
        noisy = _fired(rule, benign["records"])
        if noisy:
            return RuleOutcome("noisy-benign", _shown(noisy), benign["scenario"], benign["seed"])
    return RuleOutcome(None)
