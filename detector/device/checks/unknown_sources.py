"""Permission to install unknown apps (app-op REQUEST_INSTALL_PACKAGES allowed), for each app that holds it,
naming browsers, file managers and messaging apps: the door through which a downloaded APK gets installed.
Its last access is usually the install itself. Before Android 8 the single switch install_non_market_apps=1
played this part. `device.unknown_sources` records; rule dev_unknown_sources_grant.yml."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.device.installers import hands_over_apks
from stalkerlab.detector.findings import TimelineRow

STREAM = "device.unknown_sources"
LEGACY_SETTING = "install_non_market_apps"


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
        when = ctx.epoch(op.last_access) if op.last_access else None
        evidence = [ctx.evidence(op.file, op.line, text=op.text)]
        if op.access_line:
            evidence.append(ctx.evidence(op.file, op.access_line, time=when))
        out.add(STREAM, {"package": op.package, "role": role, "mode": op.mode, "last_used": op.last_access or None,
                         "setting": None, "value": None, "sdk": None, "_evidence": evidence, "_first_seen": when})
        if role is not None and when is not None:
            out.timeline.append(TimelineRow(when, "device", f"{role} {op.package} allowed to install apps "
                                            "(last used)", f"{op.file}:{op.access_line}", op.package))
    legacy = ctx.setting(LEGACY_SETTING)
    if legacy is not None:
        collected = True
        out.add(STREAM, {"package": None, "role": None, "mode": None, "last_used": None, "setting": LEGACY_SETTING,
                         "value": legacy[0], "sdk": _sdk(ctx), "_evidence": [ctx.evidence(legacy[1], legacy[2])]})
    if not collected:
        raise NotCollected("no dumpsys appops and no install_non_market_apps setting")
    out.detail = "{findings} grants to browsers or file managers"
    return out


def _sdk(ctx: DeviceContext) -> int | None:
    try:
        value = ctx.getprop.get("ro.build.version.sdk", ("", 0))[0]
    except NotCollected:
        return None
    return int(value) if value.isdigit() else None


CHECK = DeviceCheck("unknown_sources", ("dumpsys appops", "settings_secure.txt"), run,
                    description="Browsers / file managers allowed to install apps.")
