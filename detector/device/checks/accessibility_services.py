"""Third-party accessibility services: they can read everything on the screen and act for the person.

Read from dumpsys accessibility (both syntaxes) and the enabled_accessibility_services setting. A
setting naming an app that is no longer installed is reported too: it is what an uninstalled (or
renamed) monitoring app leaves behind."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.checks.powers import Power, enabled_components, power_findings
from stalkerlab.detector.device.context import DeviceContext
from stalkerlab.detector.findings import Finding, TimelineRow

POWER = Power(
    rule_id="dev.accessibility_service",
    title="App can read everything on the screen",
    explanation=("{app} has an accessibility service switched on: it can see what is on the screen, read "
                 "messages as they are typed and press buttons."),
    benign=("Password managers (Bitwarden, 1Password), screen readers and automation apps use accessibility "
            "services for legitimate reasons.", "The person may have switched it on themselves."),
    technical="accessibility service")


def run(ctx: DeviceContext) -> CheckOutput:
    holders, comps, sources, problem = enabled_components(
        ctx, "accessibility_enabled", "accessibility", "enabled_accessibility_services")
    out = CheckOutput(findings=power_findings(ctx, POWER, holders, comps))
    if ctx.inventory_complete:
        for pkg, ev in holders.items():
            if pkg not in ctx.inventory:
                out.findings.append(Finding(
                    rule_id="dev.accessibility_stale", level="medium",
                    title="Screen-reading access left behind by a removed app",
                    explanation=(f"The phone's settings still give screen-reading (accessibility) access to "
                                 f"{pkg}, which is no longer installed. Monitoring apps that were removed, or "
                                 "that hide under another name, can leave this behind."),
                    detail=f"{', '.join(sorted(comps[pkg]))} is enabled but {pkg} is not in the package list.",
                    subject=pkg, evidence=tuple(ev),
                    benign_explanations=("An app the person used (a password manager) was uninstalled without "
                                         "switching its service off first.",),
                    safety_note=True, tags=("heuristic",)))
    when = ctx.acquired_at
    for f in out.findings:
        if when and f.level in ("medium", "high") and f.rule_id == POWER.rule_id:
            out.timeline.append(TimelineRow(
                when, "device", f"{f.subject}: accessibility service found switched on (at the acquisition; "
                "Android keeps no time for when it was enabled)", f.evidence[0].ref, f.subject))
    out.detail = f"{len(holders)} apps with an enabled accessibility service ({' + '.join(sources)})"
    out.problem = str(problem or "")
    return out


CHECK = DeviceCheck("accessibility_services", ("dumpsys accessibility", "settings_secure.txt"), run,
                    depends_on=("packages",), description=POWER.title)
