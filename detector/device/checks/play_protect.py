"""Play Protect / the package verifier switched off (settings global), as MVT's risky-settings table."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.context import DeviceContext
from stalkerlab.detector.findings import Finding

# key -> (value that is risky, what it means)
RISKY = {
    "package_verifier_enable": ("0", "Play Protect app scanning is off"),
    "upload_apk_enable": ("0", "Play Protect does not send unknown apps to Google for checking"),
    "verifier_verify_adb_installs": ("0", "apps installed over USB are not checked"),
}


def run(ctx: DeviceContext) -> CheckOutput:
    _ = ctx.settings           # NotCollected when no settings file was acquired
    hits = []
    for key, (bad, meaning) in RISKY.items():
        found = ctx.setting(key, ("global", "secure", "other"))
        if found and found[0] == bad:
            hits.append((key, meaning, found))
    out = CheckOutput(detail=f"{len(hits)} protection settings off")
    if not hits:
        return out
    main = any(key == "package_verifier_enable" for key, _m, _f in hits)
    out.findings.append(Finding(
        rule_id="dev.play_protect_off", level="medium" if main else "low",
        title="Play Protect app scanning is switched off",
        explanation=("The phone's built-in check for harmful apps is switched off. People who install "
                     "stalkerware are told to do this first so the phone does not warn about it."),
        detail="; ".join(f"{key}={found[0]} ({meaning})" for key, meaning, found in hits),
        evidence=tuple(ctx.evidence(found[1], found[2]) for _k, _m, found in hits),
        benign_explanations=("Some people switch scanning off to install apps from outside the store.",
                             "Phones without Google services have no Play Protect."),
        safety_note=main, tags=("heuristic",)))
    return out


CHECK = DeviceCheck("play_protect", ("settings_global.txt",), run, description="Play Protect / verifier off.")
