"""Usage access (app-op GET_USAGE_STATS allowed): the app sees which apps are used, when and how long."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.checks.powers import Power, power_findings
from stalkerlab.detector.device.context import DeviceContext

POWER = Power(
    rule_id="dev.usage_access",
    title="App sees which apps are used and when",
    explanation="{app} has usage access: it can see which apps are opened, when and for how long.",
    benign=("Parental-control, digital-wellbeing, battery and launcher apps ask for usage access.",),
    technical="usage access (GET_USAGE_STATS)")


def run(ctx: DeviceContext) -> CheckOutput:
    holders: dict[str, list] = {}
    for op in ctx.appops:
        if op.op == "GET_USAGE_STATS" and op.mode == "allow":
            holders.setdefault(op.package, []).append(ctx.evidence(op.file, op.line, text=op.text))
    out = CheckOutput(findings=power_findings(ctx, POWER, holders, {}))
    out.detail = f"{len(holders)} apps with usage access"
    return out


CHECK = DeviceCheck("usage_access", ("dumpsys appops",), run, depends_on=("packages",), description=POWER.title)
