"""Running rules over records: every matching record becomes (part of) a finding.

Records are plain dicts produced by the analysis stages (one stream each). Keys starting with `_` carry
what a finding needs besides matchable fields: `_evidence` (list of Evidence), `_indicator`
(IndicatorHit), `_first_seen` / `_last_seen` (epoch seconds).
"""

from __future__ import annotations

from collections.abc import Iterable

from stalkerlab.detector.findings import Evidence, Finding
from stalkerlab.detector.rules.schema import Rule

MAX_EVIDENCE = 50   # per finding; the count of the rest is kept in `detail`


class _Formatting(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, record: dict) -> str:
    try:
        return template.format_map(_Formatting({k: _show(v) for k, v in record.items()}))
    except (ValueError, IndexError):
        return template


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value[:8]) + (" ..." if len(value) > 8 else "")
    return str(value)


def run_rules(rules: Iterable[Rule], streams: dict[str, list[dict]], *,
              allowlist=None, by_level: bool = True) -> tuple[list[Finding], list[dict]]:
    """Findings, and the suppressions an allow-list made (always reported, never silent).

    Findings come strongest first (`by_level`), or in the order of the records that started them."""
    placed: list[tuple[tuple[int, int], Finding]] = []
    suppressed: list[dict] = []
    stream_rank = {name: i for i, name in enumerate(streams)}
    for rule in rules:
        groups: dict[tuple, list[dict]] = {}
        starts: dict[tuple, int] = {}
        for position, record in enumerate(streams.get(rule.stream, ())):
            if not rule.matches(record):
                continue
            key = tuple(str(record.get(f)) for f in rule.dedup) if rule.dedup else (id(record),)
            groups.setdefault(key, []).append(record)
            starts.setdefault(key, position)
        for key, records in groups.items():
            first = records[0]
            applied = rule.for_record(first)
            subject = str(first.get(rule.subject)) if rule.subject and first.get(rule.subject) is not None else None
            reason = allowlist.reason(subject) if (allowlist is not None and applied.kind == "heuristic"
                                                     and subject) else None
            if reason:
                suppressed.append({"rule_id": rule.id, "subject": subject, "allowed_because": reason,
                                   "records": len(records)})
                continue
            placed.append(((stream_rank[rule.stream], starts[key]), _finding(applied, records, subject)))
    if by_level:
        findings = sorted((f for _, f in placed),
                          key=lambda f: (-_rank(f.level), f.first_seen or 0, f.rule_id, f.subject or ""))
    else:
        findings = [f for _, f in sorted(placed, key=lambda item: item[0])]
    return findings, suppressed


def _rank(level: str) -> int:
    return ("informational", "low", "medium", "high", "critical").index(level)


def _finding(rule: Rule, records: list[dict], subject: str | None) -> Finding:
    evidence: list[Evidence] = []
    seen = set()
    for record in records:
        for item in record.get("_evidence", ()):
            key = (item.source, item.ref)
            if key not in seen:
                seen.add(key)
                evidence.append(item)
    if len(records) > 1:      # one record's evidence is in the order it gives; merged ones in time order
        evidence.sort(key=lambda e: (e.time or 0, e.frame or 0, e.line or 0, e.ref))
    times_first = [r["_first_seen"] for r in records if r.get("_first_seen") is not None]
    times_last = [r["_last_seen"] for r in records if r.get("_last_seen") is not None]
    detail = _fill(rule.description, records[0])
    if len(records) > 1:
        detail += f" ({len(records)} occurrences.)"
    if len(evidence) > MAX_EVIDENCE:
        detail += f" Evidence list shortened to the first {MAX_EVIDENCE} of {len(evidence)} items."
    return Finding(
        rule_id=rule.id, level=rule.level, title=_fill(rule.title, records[0]),
        explanation=_fill(rule.explanation, records[0]), detail=detail, subject=subject,
        evidence=tuple(evidence[:MAX_EVIDENCE]), indicator=records[0].get("_indicator"),
        benign_explanations=rule.falsepositives, safety_note=rule.safety_note,
        first_seen=min(times_first) if times_first else None, last_seen=max(times_last) if times_last else None,
        tags=(rule.kind, *rule.tags),
    )
