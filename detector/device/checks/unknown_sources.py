"""Permission to install unknown apps (app-op REQUEST_INSTALL_PACKAGES allowed) given to a browser or a
file manager: the door through which a downloaded APK gets installed. Its last access is usually the
install itself. Before Android 8 the single switch install_non_market_apps=1 played this part."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.device.installers import hands_over_apks
from stalkerlab.detector.findings import Finding, TimelineRow

BENIGN = ("The person may have installed an app from a website themselves (games, apps not sold in their "
          "country).",)


def run(ctx: DeviceContext) -> CheckOutput:
    out = CheckOutput()
    collected = False
    try:
        ops = ctx.appops
        collected = True
    except NotCollected:
        ops = []
    reported = set()
    for op in ops:
        if op.op != "REQUEST_INSTALL_PACKAGES" or op.mode != "allow" or op.package in reported:
            continue
        reported.add(op.package)
        role = hands_over_apks(op.package)
        if role is None:
            continue
        when = ctx.epoch(op.last_access) if op.last_access else None
        evidence = [ctx.evidence(op.file, op.line, text=op.text)]
        if op.access_line:
            evidence.append(ctx.evidence(op.file, op.access_line, time=when))
        out.findings.append(Finding(
            rule_id="dev.unknown_sources_grant", level="medium",
            title=f"The {role} may install apps",
            explanation=(f"The {role} {op.package} has been allowed to install apps from downloaded files. "
                         "This is how stalkerware is usually installed."),
            detail=f"{op.package} ({role}): REQUEST_INSTALL_PACKAGES mode={op.mode}"
                   + (f", last used {op.last_access} (phone time)" if op.last_access else ""),
            subject=op.package, evidence=tuple(evidence), benign_explanations=BENIGN, safety_note=False,
            first_seen=when, tags=("heuristic",)))
        if when is not None:
            out.timeline.append(TimelineRow(when, "device", f"{role} {op.package} allowed to install apps "
                                            "(last used)", f"{op.file}:{op.access_line}", op.package))
    legacy = ctx.setting("install_non_market_apps")
    sdk = _sdk(ctx)
    if legacy is not None:
        collected = True
        if legacy[0] == "1" and sdk is not None and sdk < 26:
            out.findings.append(Finding(
                rule_id="dev.unknown_sources_grant", level="low", title="Apps may be installed from files",
                explanation="The phone allows installing apps from downloaded files (unknown sources).",
                detail=f"install_non_market_apps=1 on Android SDK {sdk}",
                evidence=(ctx.evidence(legacy[1], legacy[2]),), benign_explanations=BENIGN, tags=("heuristic",)))
    if not collected:
        raise NotCollected("no dumpsys appops and no install_non_market_apps setting")
    out.detail = f"{len(out.findings)} grants to browsers or file managers"
    return out


def _sdk(ctx: DeviceContext) -> int | None:
    try:
        value = ctx.getprop.get("ro.build.version.sdk", ("", 0))[0]
    except NotCollected:
        return None
    return int(value) if value.isdigit() else None


CHECK = DeviceCheck("unknown_sources", ("dumpsys appops", "settings_secure.txt"), run,
                    description="Browsers / file managers allowed to install apps.")
