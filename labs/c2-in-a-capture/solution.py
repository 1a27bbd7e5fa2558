"""Reference solution: the detector's report for the names and the first contact, tshark for the rhythm."""

from pathlib import Path
from statistics import median

from stalkerlab.labs.learner_tools import detect, tshark_fields

from stalkerlab.common.utc_time import epoch


def solve(files: Path) -> dict[str, str]:
    report = detect(files)
    c2 = [f for f in report["findings"] if f["rule_id"] == "net.ioc.c2"]
    names = sorted({f["subject"] for f in c2})
    first = min(c2, key=lambda f: epoch(f["first_seen"]))
    first_query = min(o["first_frame"] for o in report["observations"]["dns"] if o["name"] in names)
    # the control server is the one contacted first; its TLS connections come at the check-in rhythm
    control = first["subject"]
    hellos = tshark_fields(files / "capture.pcap", f'tls.handshake.type == 1 && tls.handshake.extensions_server_name '
                                                   f'== "{control}"', ["frame.time_epoch"])
    times = sorted(float(row[0]) for row in hellos)
    period = median(b - a for a, b in zip(times, times[1:], strict=False))
    return {"c2-names": "\n".join(names), "first-contact": first["first_seen"], "first-query-packet": str(first_query),
            "beacon-period": str(round(period))}
