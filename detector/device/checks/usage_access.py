"""Usage access (app-op GET_USAGE_STATS allowed): the app sees which apps are used, when and how long."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.checks.powers import STREAM, power_records
from stalkerlab.detector.device.context import DeviceContext


def run(ctx: DeviceContext) -> CheckOutput:
    holders: dict[str, list] = {}
    for op in ctx.appops:
        if op.op == "GET_USAGE_STATS" and op.mode == "allow":
            holders.setdefault(op.package, []).append(ctx.evidence(op.file, op.line, text=op.text))
    out = CheckOutput(records={STREAM: power_records(ctx, "usage_access", holders, {})})
    out.detail = f"{len(holders)} apps with usage access"
    return out


CHECK = DeviceCheck("usage_access", ("dumpsys appops",), run, depends_on=("packages",),
                    description="App sees which apps are used and when")
