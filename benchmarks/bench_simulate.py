"""Writing speed of the whole `stalkerlab simulate` command on a one-hour busy phone, on one core,
side by side with scapy building the same kinds of packets.

    python benchmarks/bench_simulate.py [--scenario benign-busy-phone] [--minutes 60] [--scapy-packets 3000]

Bars (issue 2): >= 150,000 packets/s for the whole command, and >= 100x scapy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def time_simulate(scenario: str, minutes: float, seed: int) -> tuple[int, float]:
    from simulator.simulate import prepare_scenario, simulate

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = simulate(prepare_scenario(scenario), seed, Path(tmp) / "out", duration_min=minutes)
        elapsed = time.perf_counter() - started
    return result.truth["capture"]["packets"], elapsed


def time_scapy(count: int) -> float:
    """Scapy building and serialising the kinds of packets a phone capture holds, in the proportions
    of a busy phone (mostly bulk TCP data and ACKs, some DNS, TLS handshakes and QUIC)."""
    from scapy.layers.dns import DNS, DNSQR, DNSRR
    from scapy.layers.inet import IP, TCP, UDP
    from scapy.layers.l2 import Ether
    from scapy.layers.tls.extensions import ServerName, TLS_Ext_ServerName
    from scapy.layers.tls.handshake import TLSClientHello
    from scapy.layers.tls.record import TLS

    payload = os.urandom(1400)
    eth = dict(src="02:11:22:33:44:55", dst="3c:37:86:00:00:01")
    kinds = []
    for i in range(count):
        r = i % 20
        if r < 12:      # bulk data
            p = Ether(**eth) / IP(src="198.18.3.4", dst="192.168.40.23") / TCP(sport=443, dport=40000 + i % 999,
                                                                              seq=i * 1400, ack=1, flags="A") / payload
        elif r < 17:    # ACKs
            p = Ether(**eth) / IP(src="192.168.40.23", dst="198.18.3.4") / TCP(sport=40000, dport=443, seq=1,
                                                                              ack=i * 1400, flags="A")
        elif r < 18:    # DNS response
            p = Ether(**eth) / IP(src="192.168.40.1", dst="192.168.40.23") / UDP(sport=53, dport=40000) / DNS(
                id=i, qr=1, qd=DNSQR(qname="i.instagram.com"), an=DNSRR(rrname="i.instagram.com", rdata="198.18.0.9"))
        elif r < 19:    # TLS ClientHello
            p = Ether(**eth) / IP(src="192.168.40.23", dst="198.18.0.9") / TCP(sport=40001, dport=443, flags="PA") / \
                TLS(msg=[TLSClientHello(ext=[TLS_Ext_ServerName(servernames=[ServerName(servername=b"i.instagram.com")])])])
        else:           # QUIC-sized UDP
            p = Ether(**eth) / IP(src="198.18.1.1", dst="192.168.40.23") / UDP(sport=443, dport=40002) / payload[:1250]
        kinds.append(p)
    started = time.perf_counter()
    for p in kinds:
        bytes(p)
    build = time.perf_counter() - started
    return build


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default="benign-busy-phone")
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scapy-packets", type=int, default=3000)
    args = ap.parse_args(argv)
    pin_one_core()
    packets, elapsed = time_simulate(args.scenario, args.minutes, args.seed)
    ours = packets / elapsed
    scapy_s = time_scapy(args.scapy_packets)
    theirs = args.scapy_packets / scapy_s
    print(f"stalkerlab simulate {args.scenario} ({args.minutes:g} min): {packets:,} packets in {elapsed:.2f} s "
          f"= {ours:,.0f} packets/s (bar 150,000: {ours / 150_000:.2f}x)")
    print(f"scapy building the same kinds of packets: {args.scapy_packets:,} in {scapy_s:.2f} s "
          f"= {theirs:,.0f} packets/s")
    print(f"ratio simulate / scapy: {ours / theirs:.0f}x (bar 100x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
