"""From findings to one verdict, the families behind it, and the reasons, in plain words.

What weighs how is data, read from the verdict policy (detector/verdict_policy.yml, see verdict_policy.py):
by default an indicator of a stalkerware family (C2 server, certificate, package, signer, APK, an
uninstalled known package) > a watchware indicator > stalkerware-shaped behaviour without any indicator >
nothing that could be checked properly > nothing found. Website indicators never make a stalkerware
verdict: visiting a vendor's site is not an infection. There is no "clean".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stalkerlab.detector.findings import Finding
from stalkerlab.detector.verdict_policy import VERDICTS, ReasonRule, VerdictPolicy, builtin_policy

from stalkerlab.common.utc_time import epoch, iso

__all__ = ["VERDICTS", "FEED_STALE_DAYS", "FamilyAttribution", "Verdict", "attribute", "decide",
           "stale_feed_reasons"]
CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}
FEED_STALE_DAYS = builtin_policy().feed_stale_days


@dataclass
class FamilyAttribution:
    name: str
    type: str
    confidence: str
    basis: list[str] = field(default_factory=list)
    package: str | None = None
    indicators: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)        # "network", "device"

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.type, "confidence": self.confidence, "basis": sorted(self.basis),
                "package": self.package, "indicators": sorted(set(self.indicators))}


@dataclass
class Verdict:
    verdict: str
    reasons: list[dict]
    families: list[FamilyAttribution]


def _source(finding: Finding) -> str:
    return "device" if finding.rule_id.startswith("dev.") else "network"


def attribute(findings: list[Finding], policy: VerdictPolicy | None = None) -> list[FamilyAttribution]:
    policy = policy or builtin_policy()
    families: dict[str, FamilyAttribution] = {}
    listed = {(f.indicator.family, f.indicator.role, f.indicator.value) for f in findings if f.indicator is not None}
    for f in findings:
        hit = f.indicator
        if hit is None:
            continue
        role = policy.same_name_counts_as.get(hit.role, hit.role)
        role = role if (hit.family, role, hit.value) in listed else hit.role
        confidence = policy.indicator_confidence.get(role, policy.unknown_role_confidence)
        entry = families.setdefault(hit.family, FamilyAttribution(hit.family, hit.family_type, confidence))
        if CONFIDENCE_RANK[confidence] > CONFIDENCE_RANK[entry.confidence]:
            entry.confidence = confidence
        source = _source(f)
        entry.sources.add(source)
        entry.basis.append(f"{source}: {f.title}")
        entry.indicators.append(f"{hit.kind}:{hit.value}")
        if hit.kind == "package" and not entry.package:
            entry.package = hit.matched or hit.value
    if policy.both_sources_raise:
        for entry in families.values():
            if {"network", "device"} <= entry.sources and entry.confidence == "medium":
                entry.confidence = "high"
    return sorted(families.values(), key=lambda a: (-CONFIDENCE_RANK[a.confidence], a.name))


def stale_feed_reasons(feeds: list[dict], evidence_time: float | None, max_age_days: int | None = None,
                       policy: VerdictPolicy | None = None) -> list[dict]:
    """A reason for each dated feed published more than `max_age_days` (the policy's feed_stale_days) before
    the evidence was collected. Measured against the evidence's own time, never the clock, so a re-analysis
    gives the same report. None when the policy gives stale feeds no reason."""
    policy = policy or builtin_policy()
    rule = policy.stale_feed_reason()
    if evidence_time is None or rule is None:
        return []
    max_age_days = policy.feed_stale_days if max_age_days is None else max_age_days
    reasons = []
    for feed in feeds:
        if not feed.get("date"):
            continue
        try:
            published = epoch(feed["date"])
        except ValueError:
            continue
        age = (evidence_time - published) / 86400
        if age > max_age_days:
            reasons.append(_reason(rule, feed=feed["name"], date=iso(published)[:10], days=int(age)))
    return reasons


def _reason(rule: ReasonRule, **values) -> dict:
    return {"code": rule.code, "text": rule.text.format(**values)}


def _found(rule: ReasonRule, findings: list[Finding], families: list[FamilyAttribution], *, have_input: bool,
           stale_feeds: list[dict]) -> list[dict]:
    """The reasons one policy entry gives for these findings and families (none: it found nothing)."""
    if rule.selects_families:
        return [_reason(rule, family=a.name, type=a.type, confidence=a.confidence, sources=", ".join(sorted(a.sources)))
                for a in families if a.type == rule.family_type and a.confidence in rule.family_confidence]
    if rule.rules or rule.tags:
        return [_reason(rule, title=f.title, subject=f.subject, rule_id=f.rule_id, level=f.level)
                for f in findings if f.rule_id in rule.rules or set(f.tags) & set(rule.tags)]
    if rule.no_input:
        return [] if have_input else [_reason(rule)]
    return list(stale_feeds) if rule.stale_feeds else []


def decide(findings: list[Finding], *, have_capture: bool, have_device: bool,
           stale_feeds: list[dict] | None = None, policy: VerdictPolicy | None = None) -> Verdict:
    """The first verdict of the policy that finds something, with a reason for each thing found; else the
    policy's `otherwise`. `stale_feeds`: reasons from stale_feed_reasons."""
    policy = policy or builtin_policy()
    families = attribute(findings, policy)
    for verdict in policy.verdicts:
        reasons = [reason for rule in verdict.reasons
                   for reason in _found(rule, findings, families, have_input=have_capture or have_device,
                                        stale_feeds=stale_feeds or [])]
        if reasons:
            return Verdict(verdict.verdict, reasons, families)
    checked = " and ".join(x for x, y in (("the capture", have_capture), ("the device state", have_device)) if y)
    return Verdict(policy.otherwise_verdict, [_reason(policy.otherwise, checked=checked)], families)
