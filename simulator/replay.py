"""Live replay: send a capture's frames onto a network interface with their original timing.

A detector on another host or namespace then captures them as if the phone were there. Frames go out
unchanged through a raw AF_PACKET socket (Linux; needs root or CAP_NET_RAW).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from stalkerlab.common.errors import UserError


@dataclass
class ReplayStats:
    frames: int = 0
    bytes: int = 0
    seconds: float = 0.0


def read_frames(path: Path) -> Iterator[tuple[float, bytes]]:
    """(timestamp, frame) pairs from a pcap or pcapng file, without dissecting them."""
    from scapy.error import Scapy_Exception
    from scapy.utils import RawPcapReader

    try:
        reader = RawPcapReader(str(path))
    except (OSError, Scapy_Exception) as exc:
        raise UserError(f"{path}: not a readable pcap or pcapng file ({exc})") from None
    linktype = getattr(reader, "linktype", 1)
    if linktype != 1:
        raise UserError(f"{path}: link type {linktype} cannot be replayed on Ethernet (only Ethernet captures)")
    with reader:
        for data, meta in reader:
            if hasattr(meta, "sec"):
                ts = meta.sec + meta.usec / 1e6
            else:  # pcapng metadata
                ts = ((meta.tshigh << 32) | meta.tslow) / (meta.tsresol or 1_000_000)
            yield ts, data


def replay(path: Path, iface: str, speed: float = 1.0, *, sleep: Callable[[float], None] = time.sleep,
           clock: Callable[[], float] = time.monotonic) -> ReplayStats:
    """Send every frame; `speed` 2 plays twice as fast, 0 sends as fast as possible."""
    if speed < 0:
        raise UserError(f"--speed must be 0 (as fast as possible) or positive, got {speed}")
    try:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        sock.bind((iface, 0))
    except PermissionError:
        raise UserError(f"{iface}: sending raw frames needs root or CAP_NET_RAW") from None
    except OSError as exc:
        raise UserError(f"{iface}: cannot open the interface ({exc.strerror})") from None
    stats = ReplayStats()
    started = clock()
    first_ts = None
    try:
        for ts, frame in read_frames(path):
            if first_ts is None:
                first_ts = ts
            if speed:
                due = started + (ts - first_ts) / speed
                wait = due - clock()
                if wait > 0.0005:
                    sleep(wait)
            try:
                sock.send(frame)
            except OSError as exc:
                raise UserError(f"{iface}: frame {stats.frames + 1} could not be sent ({exc.strerror})") from None
            stats.frames += 1
            stats.bytes += len(frame)
    finally:
        sock.close()
    stats.seconds = clock() - started
    return stats
