"""Third-party apps whose package name imitates the system ("com.android.battery.optimizer",
"com.systemservice"): stalkerware picks such names so nobody dares to remove it."""

from __future__ import annotations

import re

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, how_installed, install_evidence
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.findings import Finding

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


def run(ctx: DeviceContext) -> CheckOutput:
    if not ctx.inventory:
        raise NotCollected("no package list")
    out = CheckOutput()
    for name, app in ctx.inventory.items():
        if app.system or app.from_store:
            continue          # store apps are vetted for impersonation; Google's own apps use these prefixes
        why = next((reason for pattern, reason in PLATFORM_LIKE if pattern.search(name)), None)
        if why is None:
            continue
        out.findings.append(Finding(
            rule_id="dev.platform_like_name", level="medium", title="App disguised as part of the system",
            explanation=(f"{name} has a name that makes it look like part of Android, but it is not a system "
                         "app: it was added later."),
            detail=f"{name} {why}; system=false; {how_installed(app)}.", subject=name,
            evidence=tuple(e for e in (app.entry_ref,) if e) + install_evidence(app),
            benign_explanations=("Developers' test builds and some phone-maker apps installed outside the store "
                                 "use such names.",),
            safety_note=True, first_seen=app.first_install, tags=("heuristic",)))
    out.detail = f"{len(out.findings)} platform-like names"
    return out


CHECK = DeviceCheck("platform_name", ("packages.json", "dumpsys package"), run, depends_on=("packages",),
                    description="Non-system apps named like system components.")
