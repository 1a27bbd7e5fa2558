"""The command a user types, `stalkerlab detect --no-pdf` (start-up, analysis, report.json and report.html
written), on a one-hour busy phone (~1.3 million packets of video, social, messaging, push, QUIC and DNS),
against `tshark -T fields` extracting the same fields, each in a fresh process, plus peak memory.

    python benchmarks/bench_detector_speed.py [--pcap FILE] [--runs 3] [--skip-tshark]

Both are pinned to one core; the detector is also measured free to use a second core (the evidence hash,
SHA-256 of the whole file, runs in a thread of its own and hashlib lets go of the GIL). Each figure is the
best of --runs, because other work on a shared machine only ever makes a run slower; CPU time (user +
system) is printed beside wall time, since on a busy machine it is the steadier of the two.

Bars (issues 3 and 10): end to end >= 10x tshark on one core, peak RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

FIELDS = ["frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
          "udp.srcport", "udp.dstport", "frame.len", "dns.qry.name", "tls.handshake.extensions_server_name",
          "http.host"]
RATIO_BAR, MEMORY_BAR_MB = 10.0, 300.0

# runs ARGV in a fresh child, optionally pinned to one core; prints its wall time, CPU time and peak RSS
MEASURE = """
import json, os, resource, subprocess, sys, time
if sys.argv[1] == "one":
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
started = time.perf_counter()
done = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                  "code": done.returncode, "stderr": done.stderr[-500:]}))
"""


def measure(argv: list[str], cores: str, runs: int) -> dict:
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", MEASURE, cores, *argv], capture_output=True, text=True,
                             check=True, env={**os.environ, "NO_COLOR": "1"}).stdout
        result = json.loads(out)
        if result["code"] != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {result['stderr']}")
        results.append(result)
    return {"wall": min(r["wall"] for r in results), "cpu": min(r["cpu"] for r in results),
            "rss_mb": max(r["rss_mb"] for r in results)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcap", type=Path, help="capture to analyse (default: simulate the one-hour busy phone)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-tshark", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        pcap = args.pcap
        if pcap is None:
            from stalkerlab.simulator.simulate import prepare_scenario, simulate

            simulate(prepare_scenario("benign-busy-phone"), 1, Path(tmp) / "busy")
            pcap = Path(tmp) / "busy" / "capture.pcap"
        detect = [sys.executable, "-m", "stalkerlab.cli", "detect", "--pcap", str(pcap), "--out",
                  str(Path(tmp) / "report"), "--no-pdf"]
        one, two = measure(detect, "one", args.runs), measure(detect, "all", args.runs)
        packets = json.loads((Path(tmp) / "report" / "report.json").read_text())["manifest"]["capture"]["packets"]
        print(f"capture: {pcap} ({pcap.stat().st_size / 1e6:,.0f} MB, {packets:,} packets)")
        for label, r in (("one core", one), ("two cores (hash in its own thread)", two)):
            print(f"stalkerlab detect --no-pdf, {label}: {r['wall']:.2f} s wall ({packets / r['wall']:,.0f} "
                  f"packets/s), {r['cpu']:.2f} s CPU; peak RSS {r['rss_mb']:.0f} MB "
                  f"(bar {MEMORY_BAR_MB:.0f} MB: {r['rss_mb'] / MEMORY_BAR_MB:.2f}x)")
        if not args.skip_tshark:
            fields = sum((["-e", f] for f in FIELDS), [])
            theirs = measure(["tshark", "-r", str(pcap), "-T", "fields", *fields], "one", 1)
            print(f"tshark -T fields (same fields, one core): {theirs['wall']:.2f} s wall, {theirs['cpu']:.2f} s CPU; "
                  f"peak RSS {theirs['rss_mb']:.0f} MB")
            for label, r in (("one core", one), ("two cores", two)):
                print(f"ratio, detect on {label}: {theirs['wall'] / r['wall']:.1f}x by wall time, "
                      f"{theirs['cpu'] / r['cpu']:.1f}x by CPU time (bar {RATIO_BAR:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
