"""Full detector analysis speed on a one-hour busy phone (~1.2 million packets), one core, side by side
with `tshark -T fields` extracting the same fields, plus peak memory.

    python benchmarks/bench_detector_speed.py [--pcap FILE] [--skip-tshark]

Bars (issue 3): >= 300,000 packets/s, >= 10x tshark, peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIELDS = ["frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
          "udp.srcport", "udp.dstport", "frame.len", "dns.qry.name", "tls.handshake.extensions_server_name",
          "http.host"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcap", type=Path)
    ap.add_argument("--skip-tshark", action="store_true")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    with tempfile.TemporaryDirectory() as tmp:
        pcap = args.pcap
        if pcap is None:
            from simulator.simulate import prepare_scenario, simulate

            simulate(prepare_scenario("benign-busy-phone"), 1, Path(tmp) / "busy")
            pcap = Path(tmp) / "busy" / "capture.pcap"
        from detector.pipeline import DetectInputs, run_detection

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        report = run_detection(DetectInputs(pcap=pcap))
        ours = time.perf_counter() - started
        packets = report["manifest"]["capture"]["packets"]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"stalkerlab detect: {packets:,} packets in {ours:.2f} s = {packets / ours:,.0f} packets/s "
              f"(bar 300,000: {packets / ours / 300_000:.2f}x); peak RSS {rss:.0f} MB "
              f"(before the analysis {rss_before / 1024:.0f} MB; bar 300 MB)")
        if not args.skip_tshark:
            started = time.perf_counter()
            subprocess.run(["tshark", "-r", str(pcap), "-T", "fields", *sum((["-e", f] for f in FIELDS), [])],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            theirs = time.perf_counter() - started
            print(f"tshark -T fields (same fields): {theirs:.2f} s = {packets / theirs:,.0f} packets/s; "
                  f"ratio {theirs / ours:.1f}x (bar 10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
