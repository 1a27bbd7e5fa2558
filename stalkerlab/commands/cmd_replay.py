"""`stalkerlab replay`: send a capture onto an interface with its timing."""

from __future__ import annotations

import sys
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
    p.add_argument("--yes-real-interface", action="store_true",
                   help="send even on a real interface of this host (not a veth, not in a network namespace); "
                        "without it, the command asks on a terminal and refuses otherwise")


def _confirmer(yes: bool):
    """What to do before sending on a real interface: go ahead (--yes-real-interface), ask on a terminal, or
    refuse."""
    def confirm(iface: str) -> None:
        if yes:
            return
        what = (f"{iface}: is a real interface of this host (not a veth, not inside a network namespace), so the "
                "synthetic frames would reach its network")
        if sys.stdin.isatty() and sys.stderr.isatty():
            print(f"{what}.\nType the interface name to send anyway: ", end="", file=sys.stderr, flush=True)
            try:
                answer = sys.stdin.readline().strip()
            except (OSError, UnicodeDecodeError):
                answer = ""
            if answer == iface:
                return
        raise UserError(f"{what}; nothing was sent (replay onto a veth, inside a namespace, or add "
                        "--yes-real-interface)")
    return confirm


def run(args) -> int:
    from stalkerlab.simulator.replay import replay

    if not args.pcap.is_file():
        raise UserError(f"{args.pcap}: no such capture file")
    stats = replay(args.pcap, args.iface, args.speed, confirm_real_interface=_confirmer(args.yes_real_interface))
    print(f"sent {stats.frames} frames ({stats.bytes} bytes) on {args.iface} in {stats.seconds:.1f} s")
    return 0
