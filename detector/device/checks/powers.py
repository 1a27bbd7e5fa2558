"""One record shape for the "app holds a monitoring power" checks (accessibility, notification access, device
admin and owner, usage access): a `device.power` record per app holding the power, with the lines that
show it and how the app was installed. The rules dev_<power>.yml weigh them (a store app low, an app
installed from a file high) and word them."""

from __future__ import annotations

from stalkerlab.detector.device.acquisition import ArtefactError
from stalkerlab.detector.device.checks.check import app_fields, install_evidence
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.device.formats.settings import components
from stalkerlab.detector.findings import Evidence

STREAM = "device.power"


def power_record(ctx: DeviceContext, power: str, package: str, evidence: list[Evidence], named: str = "",
                 owner_kind: str | None = None) -> dict:
    """`named`: the components that hold the power ("pkg/.Svc, pkg/.Other"), when the artefact names them."""
    app = ctx.app(package)
    return {**app_fields(ctx, package), "power": power, "components": named or package, "owner_kind": owner_kind,
            "_evidence": list(evidence) + list(install_evidence(app)),
            "_first_seen": app.first_install if app else None}


def power_records(ctx: DeviceContext, power: str, holders: dict[str, list[Evidence]],
                  comps: dict[str, set[str]]) -> list[dict]:
    """`holders`: package -> evidence lines; `comps`: package -> its components holding the power."""
    return [power_record(ctx, power, package, evidence, ", ".join(sorted(comps.get(package, ()))))
            for package, evidence in holders.items()]


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

