"""Apps that hide their launcher icon: the launcher activity disabled (disabledComponents in dumpsys
package), or, when the activity table was dumped, no MAIN activity at all: a `device.launcher` record per
third-party app without a visible icon (rule dev_hidden_launcher_icon.yml)."""

from __future__ import annotations

import re

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, app_fields, install_evidence
from stalkerlab.detector.device.context import DeviceContext, NotCollected

# Class names apps give the activity (or alias) behind their icon.
LAUNCHER_NAME = re.compile(r"(?:^|[.$])(?:\w*Launcher\w*|Main(?:Activity|Alias)?|Splash\w*|\w*Alias|"
                           r"Start(?:up)?(?:Activity)?|Home(?:Activity)?|Entry(?:Activity)?|\w*Icon\w*)$")
STREAM = "device.launcher"


def run(ctx: DeviceContext) -> CheckOutput:
    dump = ctx.package_dump
    if not ctx.inventory:
        raise NotCollected("no package list")
    out = CheckOutput()
    main = {pkg for pkg, _cls, _n in dump.activities.get("android.intent.action.MAIN", ())}
    for name, app in ctx.inventory.items():
        if app.system or app.dump is None:
            continue
        disabled = {cls: n for cls, n in app.dump.disabled_components.items() if LAUNCHER_NAME.search(cls)}
        if disabled:
            evidence = tuple(ctx.evidence(dump.file, n) for n in disabled.values())
            how = f"its launcher activity {', '.join(disabled)} is disabled"
        elif dump.has_activity_table and main and name not in main:
            evidence = (app.entry_ref,) if app.entry_ref else ()
            how = "it has no MAIN (launcher) activity in the activity table"
        else:
            continue
        out.add(STREAM, {**app_fields(ctx, name), "hidden_by": how,
                         "_evidence": list(evidence + install_evidence(app)), "_first_seen": app.first_install})
    out.detail = "{findings} apps without a visible icon"
    return out


CHECK = DeviceCheck("hidden_icon", ("dumpsys package",), run, depends_on=("packages",),
                    description="Apps that hide their launcher icon.")
