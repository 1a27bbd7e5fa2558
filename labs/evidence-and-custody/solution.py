"""Reference solution: hash every acquired file and compare with hashes.csv (what Get-FileHash, shasum or
sha256sum do); read the capture's hash in the report's manifest and check it against the file."""

from pathlib import Path

from stalkerlab.labs.learner_tools import acquisition_hashes, read_json, sha256_of


def solve(files: Path) -> dict[str, str]:
    device = files / "device"
    recorded = acquisition_hashes(device)
    changed = [name for name, digest in sorted(recorded.items()) if sha256_of(device / name) != digest]
    assert len(changed) == 1, changed
    report = read_json(files / "report" / "report.json")
    capture_hash = next(i["sha256"] for i in report["manifest"]["inputs"] if i["role"] == "pcap")
    assert capture_hash == sha256_of(files / "capture.pcap")
    return {"changed-file": changed[0], "hash-now": sha256_of(device / changed[0]), "capture-hash": capture_hash,
            "manifest-proves": "as-received", "what-now": "record"}
