"""Reference solution: the report the person's support worker was given (report/report.json; report.html
shows the same), read finding by finding."""

from pathlib import Path

from stalkerlab.labs.learner_tools import read_json

POWERS = {"dev.device_admin": "lock", "dev.usage_access": "app-use", "dev.accessibility_service": "screen",
          "dev.notification_listener": "notifications"}


def solve(files: Path) -> dict[str, str]:
    report = read_json(files / "report" / "report.json")
    watchware = next(f for f in report["families"] if f["type"] == "watchware")
    app = watchware["package"]
    powers = {POWERS[f["rule_id"]] for f in report["findings"] if f["subject"] == app and f["rule_id"] in POWERS}
    powers.add("location")   # it reports where the phone is: its whole purpose, and its permissions say so
    mirrorspy = next(f for f in report["families"] if f["name"] == "MirrorSpy")
    assert mirrorspy["package"] is None and mirrorspy["confidence"] == "low"
    return {"verdict": report["verdict"], "monitoring-app": app, "what-it-reports": "\n".join(sorted(powers)),
            "mirrorspy": "website", "consent": "her-consent", "first-step": "talk-plan"}
