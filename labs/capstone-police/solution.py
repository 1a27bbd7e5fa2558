"""Reference solution: the detector's report for the verdict, the app, the server and its first look-up; the
device folder for the install time; the capture's own hash; tshark to confirm the first look-up's packet."""

from pathlib import Path

from stalkerlab.labs.learner_tools import detect, dumpsys_package, sha256_of, tshark_fields


def solve(files: Path) -> dict[str, str]:
    report = detect(files)
    family = next(f for f in report["families"] if f["type"] == "stalkerware")
    c2 = [f for f in report["findings"] if f["rule_id"] == "net.ioc.c2"]
    first = min(c2, key=lambda f: f["first_seen"])
    queries = tshark_fields(files / "capture.pcap", f'dns.flags.response == 0 && dns.qry.name == "{first["subject"]}"',
                            ["frame.number"])
    installed = dumpsys_package(files / "device", family["package"])["firstInstallTime"]
    capture_hash = sha256_of(files / "capture.pcap")
    assert capture_hash == next(i["sha256"] for i in report["manifest"]["inputs"] if i["role"] == "pcap")
    return {"verdict": report["verdict"], "package": family["package"], "control-server": first["subject"],
            "first-contact": first["first_seen"], "first-query-packet": queries[0][0],
            "installed-at": installed.replace(" ", "T") + "Z", "capture-hash": capture_hash}
