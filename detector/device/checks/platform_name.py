"""Third-party apps whose package name imitates the system ("com.android.battery.optimizer",
"com.systemservice"): stalkerware picks such names so nobody dares to remove it. A `device.name` record per
third-party app says whether and how its name imitates the system (rule dev_platform_like_name.yml)."""

from __future__ import annotations

import re

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, app_fields, install_evidence
from stalkerlab.detector.device.context import DeviceContext, NotCollected

STREAM = "device.name"

# (pattern, why it looks like the platform); matched on the package name
PLATFORM_LIKE = (
    (re.compile(r"^(?:android|com\.android)\."), "uses Android's own prefix"),
    (re.compile(r"^com\.(?:google\.android|samsung\.android|sec\.android|miui|huawei\.android)\."),
     "uses a phone maker's prefix"),
    (re.compile(r"^(?:com\.)?(?:system|sys)[._]?(?:service|services|update|updater|manager|helper|core|care|"
                r"framework|sync|security|mirror)?(?:\.|$)|^com\.systemservice"),
     "calls itself a system component"),
    (re.compile(r"\.(?:system(?:service|update|care|manager)?|sysservice|sysupdate)(?:\.|$)"),
     "calls itself a system component"),
)


def imitation(package: str) -> str | None:
    """How the name imitates the platform ("uses Android's own prefix"), or None."""
    return next((reason for pattern, reason in PLATFORM_LIKE if pattern.search(package)), None)


def run(ctx: DeviceContext) -> CheckOutput:
    if not ctx.inventory:
        raise NotCollected("no package list")
    out = CheckOutput()
    for name, app in ctx.inventory.items():
        if app.system:
            continue
        out.add(STREAM, {**app_fields(ctx, name), "imitates": imitation(name),
                         "_evidence": [e for e in (app.entry_ref,) if e] + list(install_evidence(app)),
                         "_first_seen": app.first_install})
    out.detail = "{findings} platform-like names"
    return out


CHECK = DeviceCheck("platform_name", ("packages.json", "dumpsys package"), run, depends_on=("packages",),
                    description="Non-system apps named like system components.")
