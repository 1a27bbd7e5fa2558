"""Reference solution: the detector's verdict and reasons; tshark for the capture's length and to see the limit
with one's own eyes (encrypted DNS on port 853, a WireGuard tunnel, or very few packets)."""

from pathlib import Path

from stalkerlab.labs.learner_tools import detect, tshark_fields


def solve(files: Path) -> dict[str, str]:
    report = detect(files)
    reasons = [r["code"] for r in report["verdict_reasons"]]
    times = [float(row[0]) for row in tshark_fields(files / "capture.pcap", "frame", ["frame.time_epoch"])]
    minutes = (max(times) - min(times)) / 60
    if "vpn" in reasons:
        assert tshark_fields(files / "capture.pcap", "wg", ["frame.number"]), "a VPN reason without WireGuard"
    if "names_hidden" in reasons:
        assert tshark_fields(files / "capture.pcap", "tcp.port == 853 || tls.handshake.extensions_server_name "
                                                     'contains "dns"', ["frame.number"])
    return {"verdict": report["verdict"], "limits": "\n".join(reasons), "minutes": str(round(minutes)),
            # each limit's remedy has the limit's id; a device check is never limited by the capture
            "next-check": "\n".join(reasons + ["device-check"])}
