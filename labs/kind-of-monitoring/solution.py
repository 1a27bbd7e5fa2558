"""Reference solution: the detector's verdict and findings, and the phone's app list, as the lab text says."""

from pathlib import Path

from stalkerlab.labs.learner_tools import detect, installed_packages


def solve(files: Path) -> dict[str, str]:
    report = detect(files)
    rules = {f["rule_id"]: f for f in report["findings"]}
    indicator_names = [f["subject"] for f in report["findings"] if f["rule_id"].startswith("net.ioc.")]
    beacons = [f["subject"] for f in report["findings"] if f["rule_id"] == "net.flow.beacon"]
    third_party = {p["name"]: p for p in installed_packages(files / "device") if not p["system"]}
    verdict = report["verdict"]
    if verdict == "stalkerware":
        kind, on_phone = "stalkerware", "hidden" if "dev.hidden_launcher_icon" in rules else "visible"
    elif verdict == "watchware":
        kind, on_phone = "watchware", "visible"
    elif "net.ioc.website" in rules and not any(f.get("package") for f in report["families"]):
        kind, on_phone = "vendor-website", "no-app"
    else:
        # a host checking in on a timer, nothing hidden, nothing following the person's actions: a tracker in
        # an app from the store (the free flashlight app)
        assert beacons and "net.flow.upload_after_action" not in rules
        assert any(p["installer"] == "com.android.vending" and "flashlight" in name for name, p in third_party.items())
        kind, on_phone = "tracker", "visible"
    return {"kind": kind, "verdict": verdict, "key-name": (indicator_names or beacons)[0], "on-the-phone": on_phone}
