"""`stalkerlab replay`: send a capture onto an interface with its timing."""

from __future__ import annotations

from pathlib import Path

from stalkerlab.common.errors import UserError


def register(sub) -> None:
    p = sub.add_parser("replay", help="send a capture's frames onto a network interface, with their timing",
                       description="Replay a pcap or pcapng capture onto an interface (raw socket, needs root), "
                                   "so that a detector on another host or namespace captures it live.")
    p.add_argument("pcap", type=Path, help="capture file (pcap or pcapng, Ethernet)")
    p.add_argument("--iface", required=True, help="interface to send on, e.g. veth0")
    p.add_argument("--speed", type=float, default=1.0,
                   help="time scale: 1 real time (default), 10 ten times faster, 0 as fast as possible")


def run(args) -> int:
    from stalkerlab.simulator.replay import replay

    if not args.pcap.is_file():
        raise UserError(f"{args.pcap}: no such capture file")
    stats = replay(args.pcap, args.iface, args.speed)
    print(f"sent {stats.frames} frames ({stats.bytes} bytes) on {args.iface} in {stats.seconds:.1f} s")
    return 0
