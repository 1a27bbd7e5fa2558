"""Live replay: send a capture's frames onto a network interface with their original timing.

A detector on another host or namespace then captures them as if the phone were there. Frames go out
unchanged through a raw AF_PACKET socket (Linux; needs root or CAP_NET_RAW).

Synthetic traffic belongs on a test link: a veth, or any interface inside a network namespace. On a real
interface of the host (Wi-Fi, Ethernet, even lo) the caller is asked first (`confirm_real_interface`).
"""

from __future__ import annotations

import array
import fcntl
import os
import socket
import struct
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


_SIOCETHTOOL = 0x8946
_ETHTOOL_GDRVINFO = 0x00000003
_DRVINFO_SIZE = 196           # struct ethtool_drvinfo; the driver name is bytes 4..36


def interface_driver(iface: str) -> str | None:
    """The kernel driver of `iface` as ethtool names it ("veth", "e1000e", "iwlwifi"...), None if unknown."""
    info = array.array("B", struct.pack("I", _ETHTOOL_GDRVINFO) + bytes(_DRVINFO_SIZE - 4))
    request = struct.pack("16sP16x", iface.encode()[:15], info.buffer_info()[0])   # struct ifreq
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            fcntl.ioctl(probe.fileno(), _SIOCETHTOOL, request)
    except OSError:
        return None
    return info.tobytes()[4:36].split(b"\0", 1)[0].decode("ascii", "replace") or None


def in_network_namespace() -> bool:
    """True inside a network namespace other than the host's: not the one of process 1, or one that
    `ip netns add` named (under /run/netns), for when process 1's cannot be read (a sandbox)."""
    try:
        ours = os.stat("/proc/self/ns/net").st_ino
    except OSError:
        return False          # cannot tell: treat as the host's, the careful answer
    try:
        if os.stat("/proc/1/ns/net").st_ino != ours:
            return True
    except OSError:
        pass
    try:
        named = [entry.path for entry in os.scandir("/run/netns")]
    except OSError:
        return False
    return any(_inode(path) == ours for path in named)


def _inode(path: str) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def is_test_link(iface: str) -> bool:
    """A veth, or any interface inside a network namespace: frames sent there stay off the host's networks."""
    return in_network_namespace() or interface_driver(iface) == "veth"


def replay(path: Path, iface: str, speed: float = 1.0, *, sleep: Callable[[float], None] = time.sleep,
           clock: Callable[[], float] = time.monotonic,
           confirm_real_interface: Callable[[str], None] | None = None) -> ReplayStats:
    """Send every frame; `speed` 2 plays twice as fast, 0 sends as fast as possible.

    When `iface` is a real interface of the host, `confirm_real_interface(iface)` is called before the first
    frame; it raises (UserError) to refuse."""
    if speed < 0:
        raise UserError(f"--speed must be 0 (as fast as possible) or positive, got {speed}")
    try:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        sock.bind((iface, 0))
    except PermissionError:
        raise UserError(f"{iface}: sending raw frames needs root or CAP_NET_RAW") from None
    except OSError as exc:
        raise UserError(f"{iface}: cannot open the interface ({exc.strerror})") from None
    try:
        if confirm_real_interface is not None and not is_test_link(iface):
            confirm_real_interface(iface)
    except BaseException:
        sock.close()
        raise
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
