"""The verdict policy as data (detector/verdict_policy.yml): which indicator roles prove an installation,
which findings and families make which verdict, in which order, and the reasons' wording.

`load_policy(path)` reads and checks a policy file; every mistake is one line naming the file and the field
(`verdict_policy.yml: verdicts[2].reasons[0].code: is required`). The built-in policy is loaded once.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from stalkerlab.detector.rules.data_file import parse_yaml_file

from stalkerlab.common.errors import UserError
from stalkerlab.common.verdicts import VERDICTS  # noqa: E402 - the one vocabulary

CONFIDENCES = ("low", "medium", "high")
BUILTIN_POLICY = Path(__file__).resolve().with_name("verdict_policy.yml")
SELECTORS = ("families", "findings", "tags", "no_input", "stale_feeds")
# the {placeholders} each kind of reason may use in its text
PLACEHOLDERS = {
    "families": {"family", "type", "confidence", "sources"},
    "findings": {"title", "subject", "rule_id", "level"},
    "no_input": set(),
    "stale_feeds": {"feed", "date", "days"},
    "otherwise": {"checked"},
}


@dataclass(frozen=True)
class ReasonRule:
    """One way a verdict is reached, and the reason it gives for each thing it finds."""

    code: str
    text: str
    family_type: str | None = None
    family_confidence: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    no_input: bool = False
    stale_feeds: bool = False

    @property
    def selects_families(self) -> bool:
        return self.family_type is not None


@dataclass(frozen=True)
class VerdictRule:
    verdict: str
    reasons: tuple[ReasonRule, ...]


@dataclass(frozen=True)
class VerdictPolicy:
    indicator_confidence: dict[str, str]
    unknown_role_confidence: str
    same_name_counts_as: dict[str, str]
    both_sources_raise: bool
    feed_stale_days: int
    verdicts: tuple[VerdictRule, ...]
    otherwise_verdict: str
    otherwise: ReasonRule
    source: str

    def stale_feed_reason(self) -> ReasonRule | None:
        return next((r for v in self.verdicts for r in v.reasons if r.stale_feeds), None)

    def rule_ids(self) -> set[str]:
        return {rule for v in self.verdicts for r in v.reasons for rule in r.rules}


class _Reader:
    """Checks one policy file, raising UserError("file: field: problem")."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, problem: str) -> UserError:
        return UserError(f"{self.source}: {where}: {problem}")

    def mapping(self, value: object, where: str, keys: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, "must be a mapping")
        unknown = sorted(str(k) for k in value if k not in keys)
        if unknown:
            raise self.fail(f"{where}.{unknown[0]}" if where else unknown[0],
                            f"is not a known key (known: {', '.join(keys)})")
        return value

    def choice(self, value: object, where: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(where, f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def text(self, value: object, where: str, placeholders: set[str]) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "is required (a sentence for people)")
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise self.fail(where, f"{exc} (write {{{{ and }}}} for literal braces)") from None
        wrong = sorted(used - placeholders)
        if wrong:
            raise self.fail(where, f"{{{wrong[0]}}} cannot be filled here (possible: "
                                   f"{', '.join(sorted(placeholders)) or 'none'})")
        return " ".join(value.split())

    def names(self, value: object, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise self.fail(where, "must be a list of names")
        return tuple(value)

    def reason(self, data: object, where: str) -> ReasonRule:
        data = self.mapping(data, where, SELECTORS + ("code", "text"))
        chosen = [k for k in SELECTORS if k in data]
        if not chosen:
            raise self.fail(where, f"needs one of {', '.join(SELECTORS)}")
        if len(chosen) > 1 and set(chosen) != {"findings", "tags"}:
            raise self.fail(f"{where}.{chosen[1]}", f"cannot be combined with {chosen[0]}")
        if not isinstance(data.get("code"), str) or not data["code"]:
            raise self.fail(f"{where}.code", "is required (a short name for programs)")
        kind = "findings" if chosen[0] == "tags" else chosen[0]
        fields: dict = {"code": data["code"], "text": self.text(data.get("text"), f"{where}.text", PLACEHOLDERS[kind])}
        if kind == "families":
            families = self.mapping(data["families"], f"{where}.families", ("type", "confidence"))
            if not isinstance(families.get("type"), str):
                raise self.fail(f"{where}.families.type", "is required (stalkerware, watchware, ...)")
            wanted = families.get("confidence")
            wanted = wanted if isinstance(wanted, list) else [wanted]
            fields["family_type"] = families["type"]
            fields["family_confidence"] = tuple(self.choice(c, f"{where}.families.confidence", CONFIDENCES)
                                                for c in wanted)
        elif kind == "findings":
            if "findings" in data:
                fields["rules"] = self.names(data["findings"], f"{where}.findings")
            if "tags" in data:
                fields["tags"] = self.names(data["tags"], f"{where}.tags")
        elif data[kind] is not True:
            raise self.fail(f"{where}.{kind}", "must be true")
        else:
            fields[kind] = True
        return ReasonRule(**fields)

    def policy(self, data: object) -> VerdictPolicy:
        top = ("indicator_confidence", "unknown_role_confidence", "same_name_counts_as", "both_sources_raise",
               "feed_stale_days", "verdicts", "otherwise")
        data = self.mapping(data, "", top)
        for key in top:
            if key not in data and key != "same_name_counts_as":
                raise self.fail(key, "is required")
        roles = data["indicator_confidence"]
        if not isinstance(roles, dict) or not roles:
            raise self.fail("indicator_confidence", "must map indicator roles (c2, package, ...) to a confidence")
        confidence = {str(role): self.choice(level, f"indicator_confidence.{role}", CONFIDENCES)
                      for role, level in roles.items()}
        same = data.get("same_name_counts_as") or {}
        if not isinstance(same, dict) or not all(isinstance(v, str) and v in confidence for v in same.values()):
            raise self.fail("same_name_counts_as", "must map a role to another role of indicator_confidence")
        days = data["feed_stale_days"]
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise self.fail("feed_stale_days", f"{days!r} is not a whole number of days (1 or more)")
        if not isinstance(data["both_sources_raise"], bool):
            raise self.fail("both_sources_raise", "must be true or false")
        if not isinstance(data["verdicts"], list) or not data["verdicts"]:
            raise self.fail("verdicts", "must be a list of verdicts, strongest first")
        verdicts, seen = [], set()
        for i, item in enumerate(data["verdicts"]):
            where = f"verdicts[{i}]"
            item = self.mapping(item, where, ("verdict", "reasons"))
            name = self.choice(item.get("verdict"), f"{where}.verdict", VERDICTS)
            if name in seen:
                raise self.fail(f"{where}.verdict", f"{name} is listed twice")
            seen.add(name)
            if not isinstance(item.get("reasons"), list) or not item["reasons"]:
                raise self.fail(f"{where}.reasons", "must be a list of reasons")
            verdicts.append(VerdictRule(name, tuple(self.reason(r, f"{where}.reasons[{j}]")
                                                    for j, r in enumerate(item["reasons"]))))
        other = self.mapping(data["otherwise"], "otherwise", ("verdict", "code", "text"))
        otherwise_verdict = self.choice(other.get("verdict"), "otherwise.verdict", VERDICTS)
        if otherwise_verdict in seen:
            raise self.fail("otherwise.verdict", f"{otherwise_verdict} is already one of the verdicts above")
        if not isinstance(other.get("code"), str) or not other["code"]:
            raise self.fail("otherwise.code", "is required (a short name for programs)")
        return VerdictPolicy(
            indicator_confidence=confidence,
            unknown_role_confidence=self.choice(data["unknown_role_confidence"], "unknown_role_confidence",
                                                CONFIDENCES),
            same_name_counts_as={str(k): v for k, v in same.items()},
            both_sources_raise=data["both_sources_raise"], feed_stale_days=days, verdicts=tuple(verdicts),
            otherwise_verdict=otherwise_verdict,
            otherwise=ReasonRule(other["code"], self.text(other.get("text"), "otherwise.text",
                                                          PLACEHOLDERS["otherwise"])),
            source=self.source)


def load_policy(path: str | Path | None = None) -> VerdictPolicy:
    """The policy in `path`, or the built-in one."""
    if path is None:
        return builtin_policy()
    return _read(Path(path))


@cache
def builtin_policy() -> VerdictPolicy:
    return _read(BUILTIN_POLICY)


def _read(path: Path) -> VerdictPolicy:
    return parse_yaml_file(path, "verdict policy", _Reader(str(path)).policy)
