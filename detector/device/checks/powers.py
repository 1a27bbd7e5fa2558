"""Shared shape of the "app holds a monitoring power" checks (accessibility, notification access, device
admin, usage access): one finding per third-party app, weighted by how the app was installed."""

from __future__ import annotations

from dataclasses import dataclass

from stalkerlab.detector.device.acquisition import ArtefactError
from stalkerlab.detector.device.checks.check import how_installed, install_evidence, level_for_power
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.device.formats.settings import components
from stalkerlab.detector.findings import Evidence, Finding


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


def enabled_components(ctx: DeviceContext, records: str, service: str, setting_key: str):
    """Who holds a power granted per component (accessibility, notification access), from both the
    dumpsys service and the secure setting. Returns (holders, components, sources read, problem)."""
    holders: dict[str, list[Evidence]] = {}
    comps: dict[str, set[str]] = {}
    sources: list[str] = []
    problem = None
    try:
        for item in getattr(ctx, records):
            holders.setdefault(item.package, []).append(ctx.evidence(item.file, item.line, text=item.text))
            comps.setdefault(item.package, set()).add(f"{item.package}/{item.cls}")
        sources.append(f"dumpsys {service}")
    except NotCollected:
        pass
    except ArtefactError as exc:
        problem = exc
    setting = ctx.setting(setting_key)
    if setting is not None:
        value, file, line = setting
        sources.append(file)
        for pkg, cls in components(value):
            holders.setdefault(pkg, []).append(ctx.evidence(file, line))
            comps.setdefault(pkg, set()).add(f"{pkg}/{cls}")
    if not sources:
        if problem:
            raise problem
        raise NotCollected(f"no dumpsys {service} and no {setting_key} setting")
    return holders, comps, sources, problem

