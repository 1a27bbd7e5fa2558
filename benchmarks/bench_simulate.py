"""Writing speed of the whole `stalkerlab simulate` command on a one-hour busy phone, on one core,
side by side with scapy building the same kinds of packets.

    python benchmarks/bench_simulate.py [--scenario benign-busy-phone] [--minutes 60] [--scapy-packets 3000]

Bars (issue 2): >= 150,000 packets/s for the whole command, and >= 100x scapy.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def time_simulate(scenario: str, minutes: float, seed: int, keep: Path) -> tuple[int, float, float]:
    """(packets, wall seconds, CPU seconds of this process) of the whole command, catalogue loading and
    device folder included. The CPU time shows how much of the wall time other processes took."""
    from stalkerlab.simulator.simulate import prepare_scenario, simulate

    started, cpu_started = time.perf_counter(), time.process_time()
    result = simulate(prepare_scenario(scenario), seed, keep, duration_min=minutes)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return result.truth["capture"]["packets"], elapsed, cpu


def composition(pcap: Path) -> Counter:
    """What kinds of packets the capture holds (by layer 3/4 and payload), read from the file itself."""
    kinds: Counter = Counter()
    with open(pcap, "rb") as f:
        f.read(24)
        while header := f.read(16):
            length = struct.unpack("<IIII", header)[2]
            frame = f.read(length)
            ethertype = frame[12:14]
            if ethertype == b"\x08\x06":
                kinds["arp"] += 1
                continue
            v6 = ethertype == b"\x86\xdd"
            proto = frame[20] if v6 else frame[23]
            l4 = 54 if v6 else 34
            ports = struct.unpack("!HH", frame[l4:l4 + 4])
            family = "v6" if v6 else "v4"
            if proto == 17:
                kinds[f"{family}-dns" if 53 in ports else f"{family}-udp"] += 1
            else:
                payload = len(frame) - l4 - 32
                kinds[f"{family}-tcp-data" if payload > 0 else f"{family}-tcp-ack"] += 1
    return kinds


def scapy_packet(kind: str, payload: bytes):
    from scapy.layers.dns import DNS, DNSQR, DNSRR
    from scapy.layers.inet import IP, TCP, UDP
    from scapy.layers.inet6 import IPv6
    from scapy.layers.l2 import ARP, Ether

    eth = Ether(src="02:11:22:33:44:55", dst="3c:37:86:00:00:01")
    if kind == "arp":
        return eth / ARP(psrc="192.168.40.23", pdst="192.168.40.1")
    ip = IPv6(src="2001:db8:1::23", dst="2001:db8:2::9") if kind.startswith("v6") else \
        IP(src="192.168.40.23", dst="198.18.0.9")
    if kind.endswith("dns"):
        return eth / ip / UDP(sport=40000, dport=53) / DNS(id=7, qr=1, qd=DNSQR(qname="i.instagram.com"),
                                                          an=DNSRR(rrname="i.instagram.com", rdata="198.18.0.9"))
    if kind.endswith("udp"):
        return eth / ip / UDP(sport=443, dport=40002) / payload[:1248]
    if kind.endswith("tcp-data"):
        return eth / ip / TCP(sport=443, dport=40000, seq=1400, ack=1, flags="PA",
                              options=[("NOP", None), ("NOP", None), ("Timestamp", (1, 2))]) / payload[:1388]
    return eth / ip / TCP(sport=40000, dport=443, seq=1, ack=1400, flags="A",
                          options=[("NOP", None), ("NOP", None), ("Timestamp", (1, 2))])


def time_scapy(kinds: Counter, count: int) -> tuple[int, float, float]:
    """Scapy building and serialising `count` packets in the capture's own proportions of kinds:
    bytes(Ether()/IP()/UDP()/Raw()) and so on, checksums and lengths computed by scapy, as a script
    writing packets with scapy does. Returns (packets, seconds to build and serialise, seconds of the
    serialisation alone), after an untimed warm-up so that scapy's one-time setup is not counted."""
    payload = os.urandom(1400)
    total = sum(kinds.values())
    plan = []
    for kind, n in kinds.most_common():
        plan += [kind] * max(1, round(count * n / total))
    for kind in plan[:300]:
        bytes(scapy_packet(kind, payload))
    started = time.perf_counter()
    for kind in plan:
        bytes(scapy_packet(kind, payload))
    built = time.perf_counter() - started
    packets = [scapy_packet(kind, payload) for kind in plan]
    started = time.perf_counter()
    for p in packets:
        bytes(p)
    return len(plan), built, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default="benign-busy-phone")
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scapy-packets", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=1, help="repeat the whole measurement")
    args = ap.parse_args(argv)
    pin_one_core()
    for _ in range(args.runs):
        measure(args)
    return 0


def measure(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        packets, elapsed, cpu = time_simulate(args.scenario, args.minutes, args.seed, out)
        kinds = composition(out / "capture.pcap")
    ours = packets / elapsed
    built, scapy_s, serialise_s = time_scapy(kinds, args.scapy_packets)
    theirs = built / scapy_s
    print("capture composition: " + ", ".join(f"{k} {n / packets:.1%}" for k, n in kinds.most_common()))
    print(f"stalkerlab simulate {args.scenario} ({args.minutes:g} min): {packets:,} packets in {elapsed:.2f} s "
          f"= {ours:,.0f} packets/s (bar 150,000: {ours / 150_000:.2f}x); CPU {cpu:.2f} s "
          f"= {packets / cpu:,.0f} packets per CPU second")
    print(f"scapy building the same kinds of packets: {built:,} in {scapy_s:.2f} s = {theirs:,.0f} packets/s "
          f"(serialising already built packets alone: {built / serialise_s:,.0f} packets/s)")
    print(f"ratio simulate / scapy: {ours / theirs:.0f}x (bar 100x)")


if __name__ == "__main__":
    sys.exit(main())
