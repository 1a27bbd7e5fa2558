"""Shared shape of the "app holds a monitoring power" checks (accessibility, notification access, device
admin, usage access): one finding per third-party app, weighted by how the app was installed."""

from __future__ import annotations

from dataclasses import dataclass

from detector.device.checks.check import how_installed, install_evidence, level_for_power
from detector.device.context import DeviceContext
from detector.findings import Evidence, Finding


@dataclass(frozen=True)
class Power:
    rule_id: str
    title: str
    explanation: str          # "{app}" is replaced by the package name
    benign: tuple[str, ...]
    technical: str            # "accessibility service", "notification listener", ...


def power_findings(ctx: DeviceContext, power: Power, holders: dict[str, list[Evidence]],
                   components: dict[str, set[str]]) -> list[Finding]:
    """`holders`: package -> evidence lines; system apps are skipped."""
    out = []
    for package, evidence in holders.items():
        app = ctx.app(package)
        if app is None and ctx.inventory_complete:
            continue        # not installed: stale entries are reported by the checks that know them
        level = level_for_power(app)
        if level is None:
            continue
        comps = ", ".join(sorted(components.get(package, ())))
        out.append(Finding(
            rule_id=power.rule_id, level=level, title=power.title,
            explanation=power.explanation.format(app=package) + f" The app was {how_installed(app)}.",
            detail=f"{power.technical} {comps or package} enabled; {package} {how_installed(app)}.",
            subject=package, evidence=tuple(evidence) + install_evidence(app),
            benign_explanations=power.benign, safety_note=level in ("medium", "high"),
            first_seen=app.first_install if app else None, tags=("heuristic",)))
    return out
