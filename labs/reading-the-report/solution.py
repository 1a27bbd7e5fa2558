"""Reference solution: everything is in the report the learner was given (report/report.json, or the same
facts in report/report.html)."""

from pathlib import Path

from stalkerlab.labs.learner_tools import read_json


def solve(files: Path) -> dict[str, str]:
    report = read_json(files / "report" / "report.json")
    family = report["families"][0]
    servers = sorted(f["subject"] for f in report["findings"] if f["rule_id"] == "net.ioc.c2")
    return {"verdict": report["verdict"], "family": family["name"], "confidence": family["confidence"],
            "app": family["package"], "servers": "\n".join(servers), "why-confident": "exact-names",
            "not-said": "who-installed\ncontent\ndanger"}
