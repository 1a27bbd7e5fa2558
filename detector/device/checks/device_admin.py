"""Device administrators (can lock or wipe the phone and resist being uninstalled) and device or
profile owners (full management of the phone or a work profile), from dumpsys device_policy."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.checks.powers import STREAM, power_record, power_records
from stalkerlab.detector.device.context import DeviceContext


def run(ctx: DeviceContext) -> CheckOutput:
    admins, owners = ctx.device_policy
    holders: dict[str, list] = {}
    comps: dict[str, set[str]] = {}
    for a in admins:
        holders.setdefault(a.package, []).append(ctx.evidence(a.file, a.line, text=a.text))
        comps.setdefault(a.package, set()).add(f"{a.package}/{a.cls}")
    records = power_records(ctx, "device_admin", holders, comps)
    records += [power_record(ctx, "device_owner", o.package, [ctx.evidence(o.file, o.line, text=o.text)],
                             owner_kind=o.kind) for o in owners]
    out = CheckOutput(records={STREAM: records})
    out.detail = f"{len(admins)} device admins, {len(owners)} owners"
    return out


CHECK = DeviceCheck("device_admins", ("dumpsys device_policy",), run, depends_on=("packages",),
                    description="App has device administrator rights")
