"""Device administrators (can lock or wipe the phone and resist being uninstalled) and device or
profile owners (full management of the phone or a work profile), from dumpsys device_policy."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, how_installed, install_evidence
from stalkerlab.detector.device.checks.powers import Power, power_findings
from stalkerlab.detector.device.context import DeviceContext
from stalkerlab.detector.findings import Finding

POWER = Power(
    rule_id="dev.device_admin",
    title="App has device administrator rights",
    explanation=("{app} is a device administrator: it can lock the phone, change the screen lock or wipe it, "
                 "and it cannot be uninstalled until its rights are removed."),
    benign=("Work phones use device administrator apps set up by the employer.",
            "Find-my-phone and some security apps ask for these rights."),
    technical="device admin")


def run(ctx: DeviceContext) -> CheckOutput:
    admins, owners = ctx.device_policy
    holders: dict[str, list] = {}
    comps: dict[str, set[str]] = {}
    for a in admins:
        holders.setdefault(a.package, []).append(ctx.evidence(a.file, a.line, text=a.text))
        comps.setdefault(a.package, set()).add(f"{a.package}/{a.cls}")
    out = CheckOutput(findings=power_findings(ctx, POWER, holders, comps))
    for o in owners:
        app = ctx.app(o.package)
        if app is not None and app.system:
            continue
        level = "medium" if app is not None and app.from_store else "high"
        out.findings.append(Finding(
            rule_id="dev.device_owner", level=level, title=f"App manages the phone as {o.kind}",
            explanation=(f"{o.package} is the {o.kind} of this phone: it can control settings, apps and "
                         "network traffic, and the person using the phone cannot simply remove it."),
            detail=f"{o.kind} {o.package}; {how_installed(app)}.", subject=o.package,
            evidence=(ctx.evidence(o.file, o.line, text=o.text),) + install_evidence(app),
            benign_explanations=("Company-owned phones are managed this way by the employer's IT (MDM).",
                                 "Some parental-control products set themselves up as owner."),
            safety_note=True, first_seen=app.first_install if app else None, tags=("heuristic",)))
    out.detail = f"{len(admins)} device admins, {len(owners)} owners"
    return out


CHECK = DeviceCheck("device_admins", ("dumpsys device_policy",), run, depends_on=("packages",),
                    description=POWER.title)
