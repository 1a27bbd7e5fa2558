"""Reference solution: the report points to the server that receives data after the person's actions; tshark
gives its check-in rhythm; the rule is written as data, and proved by running `stalkerlab detect --rules` on
the learner's capture (the server then runs it on the benign scenarios too)."""

import tempfile
from pathlib import Path
from statistics import median

from stalkerlab.labs.learner_tools import detect, detect_with_rules, read_json, tshark_fields

from stalkerlab.common.utc_time import epoch

UPLOAD_WINDOW_S = 60   # what the detector counts as "right after an action"

RULE = """\
id: lab.unknown_family.{slug}
title: The phone looked up a server of the unknown family ({{name}})
status: experimental
level: high
kind: heuristic
logsource: {{stream: dns}}
detection:
  selection: {{name|endswith: {domain}}}
  condition: selection
subject: name
explanation: >-
  The phone looked up a server that a monitoring app, not yet in any indicator list, used on another phone.
  This is a lead to check on the phone itself, not proof on its own.
falsepositives: [Another service hosted under the same domain.]
safety_note: true
tests:
  positive: [{{record: {{name: {domain}}}}}]
  negative: [{{record: {{name: www.example.org}}}}]
dedup: [name]
"""


def solve(files: Path) -> dict[str, str]:
    report = detect(files)
    server = next(f["subject"] for f in report["findings"] if f["rule_id"] == "net.flow.upload_after_action")
    domain = ".".join(server.split(".")[-2:])
    rule = RULE.format(slug=domain.split(".")[0].replace("-", "_"), domain=domain)
    with tempfile.TemporaryDirectory() as tmp:
        rule_file = Path(tmp) / "my-rule.yml"
        rule_file.write_text(rule, encoding="utf-8")
        fired = [f for f in detect_with_rules(files, [rule_file])["findings"] if f["rule_id"].startswith("lab.")]
    assert {f["subject"] for f in fired} == {server}, fired
    return {"server": server, "check-in": str(round(_quiet_period(files, server))), "rule": rule}


def _quiet_period(files: Path, server: str) -> float:
    """The median gap between connections to the server, leaving out those that follow an action (uploads)."""
    actions = [epoch(a["time"]) for a in read_json(files / "stimuli.json")["actions"]]
    hellos = sorted(float(row[0]) for row in tshark_fields(
        files / "capture.pcap", f'tls.handshake.type == 1 && tls.handshake.extensions_server_name == "{server}"',
        ["frame.time_epoch"]))
    quiet = [t for t in hellos if not any(0 <= t - a <= UPLOAD_WINDOW_S for a in actions)]
    return median(b - a for a, b in zip(quiet, quiet[1:], strict=False))
