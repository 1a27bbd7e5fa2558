"""Play Protect / the package verifier switched off (settings global), as MVT's risky-settings table: one
`device.play_protect` record (rule dev_play_protect_off.yml)."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.context import DeviceContext

STREAM = "device.play_protect"
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
    out.add(STREAM, {"settings_off": [key for key, _m, _f in hits],
                     "scanning_off": any(key == "package_verifier_enable" for key, _m, _f in hits),
                     "summary": "; ".join(f"{key}={found[0]} ({meaning})" for key, meaning, found in hits),
                     "_evidence": [ctx.evidence(found[1], found[2]) for _k, _m, found in hits]})
    return out


CHECK = DeviceCheck("play_protect", ("settings_global.txt",), run, description="Play Protect / verifier off.")
