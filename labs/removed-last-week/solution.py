"""Reference solution: the device folder's traces (batterystats' uninstall line, the accessibility setting,
files.json), the report to confirm them, and the capture's findings to see that nothing shows there now."""

from pathlib import Path

from stalkerlab.labs.learner_tools import detect, installed_packages, read_json

from stalkerlab.common.utc_time import iso


def solve(files: Path) -> dict[str, str]:
    device = files / "device"
    dumpsys = (device / "dumpsys.txt").read_text(encoding="utf-8")
    removed = next(line.split("Uninstall ", 1)[1].strip() for line in dumpsys.splitlines() if "Uninstall " in line)
    report = detect(files)
    uninstall = next(f for f in report["findings"] if f["rule_id"] == "dev.recent_uninstall")
    assert uninstall["subject"] == removed
    assert removed not in {p["name"] for p in installed_packages(device)}
    traces = ["uninstall-record"]
    if removed in (device / "settings_secure.txt").read_text(encoding="utf-8"):   # left behind on some phones
        traces.append("accessibility-setting")
    apk = next(f for f in read_json(device / "files.json") if f["path"].endswith(".apk"))
    traces.append("apk-file")
    assert not [f for f in report["findings"] if f["rule_id"].startswith("net.ioc.")]   # nothing in the capture
    return {"verdict": report["verdict"], "removed-package": removed, "removed-when": uninstall["first_seen"],
            "downloaded-at": iso(apk["modified_time"]), "traces": "\n".join(traces)}
