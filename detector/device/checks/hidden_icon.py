"""Apps that hide their launcher icon: the launcher activity disabled (disabledComponents in dumpsys
package), or, when the activity table was dumped, no MAIN activity at all."""

from __future__ import annotations

import re

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, how_installed, install_evidence
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.findings import Finding

# Class names apps give the activity (or alias) behind their icon.
LAUNCHER_NAME = re.compile(r"(?:^|[.$])(?:\w*Launcher\w*|Main(?:Activity|Alias)?|Splash\w*|\w*Alias|"
                           r"Start(?:up)?(?:Activity)?|Home(?:Activity)?|Entry(?:Activity)?|\w*Icon\w*)$")
BENIGN = ("Some legitimate apps have no icon by design (keyboard add-ons, watch faces, plug-ins).",
          "Apps sometimes switch icons (seasonal icons) by enabling one alias and disabling another.")


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
        level = "low" if app.from_store else ("high" if app.sideloaded and app.installer_kind != "adb or unknown"
                                              else "medium")
        out.findings.append(Finding(
            rule_id="dev.hidden_launcher_icon", level=level, title="App hides its icon",
            explanation=(f"{name} has no icon on the home screen or in the app list, so the person using the "
                         "phone would not notice it. Stalkerware hides itself this way."),
            detail=f"{name}: {how}; {how_installed(app)}.", subject=name,
            evidence=evidence + install_evidence(app), benign_explanations=BENIGN,
            safety_note=level != "low", first_seen=app.first_install, tags=("heuristic",)))
    out.detail = f"{len(out.findings)} apps without a visible icon"
    return out


CHECK = DeviceCheck("hidden_icon", ("dumpsys package",), run, depends_on=("packages",),
                    description="Apps that hide their launcher icon.")
