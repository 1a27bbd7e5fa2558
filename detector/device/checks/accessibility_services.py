"""Third-party accessibility services: they can read everything on the screen and act for the person.

Read from dumpsys accessibility (both syntaxes) and the enabled_accessibility_services setting. A
setting naming an app that is no longer installed is a record too (installed_via "not installed"): it is
what an uninstalled (or renamed) monitoring app leaves behind (rule dev.accessibility_stale)."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.checks.powers import STREAM, enabled_components, power_records
from stalkerlab.detector.device.context import DeviceContext
from stalkerlab.detector.findings import Finding, TimelineRow

RULE = "dev.accessibility_service"


def run(ctx: DeviceContext) -> CheckOutput:
    holders, comps, sources, problem = enabled_components(
        ctx, "accessibility_enabled", "accessibility", "enabled_accessibility_services")
    out = CheckOutput(records={STREAM: power_records(ctx, "accessibility_service", holders, comps)})
    out.detail = f"{len(holders)} apps with an enabled accessibility service ({' + '.join(sources)})"
    out.problem = str(problem or "")
    return out


def timeline_of(ctx: DeviceContext, findings: list[Finding]) -> list[TimelineRow]:
    """Services that weigh (medium or high) go into the install story, at the acquisition time."""
    when = ctx.acquired_at
    if not when:
        return []
    return [TimelineRow(when, "device", f"{f.subject}: accessibility service found switched on (at the acquisition; "
                        "Android keeps no time for when it was enabled)", f.evidence[0].ref, f.subject)
            for f in findings if f.rule_id == RULE and f.level in ("medium", "high")]


CHECK = DeviceCheck("accessibility_services", ("dumpsys accessibility", "settings_secure.txt"), run,
                    depends_on=("packages",), description="App can read everything on the screen",
                    timeline_of=timeline_of)
