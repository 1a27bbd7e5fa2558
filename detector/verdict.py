"""From findings to one verdict, the families behind it, and the reasons, in plain words.

Order of strength: an indicator of a stalkerware family (C2 server, certificate, package, signer, APK,
an uninstalled known package) > a watchware indicator > stalkerware-shaped behaviour without any
indicator > nothing that could be checked properly > nothing found. Website indicators never make a
stalkerware verdict: visiting a vendor's site is not an infection. There is no "clean".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stalkerlab.detector.findings import Finding

from stalkerlab.common.utc_time import epoch, iso

# Which indicator roles prove an installation (now or in the past) and how strongly.
ROLE_CONFIDENCE = {"c2": "high", "certificate": "high", "package": "high", "signer": "high", "apk": "high",
                   "distribution": "medium", "website": "low"}
CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}
PROFILE_RULES = ("dev.stalkerware_profile",)
BEHAVIOUR_RULES = ("net.flow.upload_after_action",)
COVERAGE_REASONS = {
    "net.coverage.names_hidden": ("names_hidden", "The phone encrypted its name lookups (Private DNS or DNS over "
                                  "HTTPS), so name checks could not run."),
    "net.coverage.vpn": ("vpn", "Most traffic went through a VPN tunnel, so the network check saw almost nothing."),
    "net.coverage.short": ("capture_too_short", "The capture was too short or the phone too quiet: apps that "
                           "check in every few minutes may not have shown up."),
}


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


def attribute(findings: list[Finding]) -> list[FamilyAttribution]:
    families: dict[str, FamilyAttribution] = {}
    for f in findings:
        hit = f.indicator
        if hit is None:
            continue
        role = hit.role
        confidence = ROLE_CONFIDENCE.get(role, "medium")
        entry = families.setdefault(hit.family, FamilyAttribution(hit.family, hit.family_type, confidence))
        if CONFIDENCE_RANK[confidence] > CONFIDENCE_RANK[entry.confidence]:
            entry.confidence = confidence
        source = _source(f)
        entry.sources.add(source)
        entry.basis.append(f"{source}: {f.title}")
        entry.indicators.append(f"{hit.kind}:{hit.value}")
        if hit.kind == "package" and not entry.package:
            entry.package = hit.matched or hit.value
    for entry in families.values():
        # network and device evidence agreeing is stronger than either alone
        if {"network", "device"} <= entry.sources and entry.confidence == "medium":
            entry.confidence = "high"
    return sorted(families.values(), key=lambda a: (-CONFIDENCE_RANK[a.confidence], a.name))


FEED_STALE_DAYS = 90       # Echap adds families every few weeks; an older list misses the newest apps


def stale_feed_reasons(feeds: list[dict], evidence_time: float | None,
                       max_age_days: int = FEED_STALE_DAYS) -> list[dict]:
    """A reason for each dated feed published more than `max_age_days` before the evidence was collected.
    Measured against the evidence's own time, never the clock, so a re-analysis gives the same report."""
    if evidence_time is None:
        return []
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
            reasons.append({"code": "feed_stale", "text": f"The indicator list {feed['name']} dates from "
                            f"{iso(published)[:10]}, {int(age)} days before this evidence was collected: "
                            "stalkerware that appeared since then is not in it. Update it (stalkerlab iocs "
                            "update) and check again."})
    return reasons


def decide(findings: list[Finding], *, have_capture: bool, have_device: bool,
           stale_feeds: list[dict] | None = None) -> Verdict:
    """`stale_feeds`: reasons from stale_feed_reasons; they make "nothing found" inconclusive."""
    families = attribute(findings)
    reasons: list[dict] = []
    # high confidence = an indicator that proves an installation (C2, certificate, package, signer, APK)
    stalker = [a for a in families if a.type == "stalkerware" and a.confidence == "high"]
    if stalker:
        for a in stalker:
            reasons.append({"code": "ioc", "text": f"Indicators of the stalkerware {a.name} were found "
                                                   f"({', '.join(sorted(a.sources))})."})
        return Verdict("stalkerware", reasons, families)
    watch = [a for a in families if a.type == "watchware" and a.confidence == "high"]
    if watch:
        for a in watch:
            reasons.append({"code": "watchware", "text": f"The monitoring app {a.name} (watchware) was found."})
        return Verdict("watchware", reasons, families)
    profile = [f for f in findings if f.rule_id in PROFILE_RULES]
    behaviour = [f for f in findings if f.rule_id in BEHAVIOUR_RULES]
    distribution = [a for a in families if a.type == "stalkerware" and a.confidence == "medium"]
    if profile or behaviour or distribution:
        for f in profile:
            reasons.append({"code": "device_profile", "text": f"{f.subject}: {f.title}"})
        for f in behaviour:
            reasons.append({"code": "network_behaviour", "text": f.title})
        for a in distribution:
            reasons.append({"code": "distribution", "text": f"A download site of {a.name} was contacted."})
        return Verdict("stalkerware-suspected", reasons, families)
    for f in findings:
        if f.rule_id in COVERAGE_REASONS:
            code, text = COVERAGE_REASONS[f.rule_id]
            reasons.append({"code": code, "text": text})
    if not have_capture and not have_device:
        reasons.append({"code": "no_input", "text": "Nothing was analysed."})
    reasons.extend(stale_feeds or ())
    if reasons:
        return Verdict("inconclusive", reasons, families)
    checked = " and ".join(x for x, y in (("the capture", have_capture), ("the device state", have_device)) if y)
    reasons.append({"code": "nothing_found", "text": f"No known indicator and no stalkerware behaviour in {checked}. "
                                                     "This is not proof that the phone is free of monitoring."})
    return Verdict("no-indicators", reasons, families)
