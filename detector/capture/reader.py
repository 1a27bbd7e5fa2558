"""Streaming pcap / pcapng reader: (frame number, timestamp, frame, IP offset), never the whole file.

Link types users meet: Ethernet (with 802.1Q/802.1ad tags), Linux cooked v1 and v2, raw IP. Damaged files
stop with `CaptureError` naming the file and the frame, or, for a file cut short, end early and mark the
reading as truncated so the analysis can say it is partial.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_RECORD = 256 * 1024          # bigger than any real snaplen: a larger length means a corrupt file
LINK_ETHERNET, LINK_RAW, LINK_SLL, LINK_SLL2, LINK_IPV4, LINK_IPV6 = 1, 101, 113, 276, 228, 229


class CaptureError(Exception):
    """The capture cannot be read: names the file and the problem in one line."""


class HashingFile:
    """Hashes every byte read, so the evidence manifest's SHA-256 costs no second pass over the file."""

    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.handle.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data

    def finish(self) -> None:
        while self.read(1 << 22):
            pass


@dataclass
class ReadState:
    sha256: str = ""
    size: int = 0
    frames: int = 0
    truncated: bool = False
    problem: str = ""
    first_ts: float | None = None
    last_ts: float | None = None


def _ip_offset(linktype: int, frame: bytes) -> int | None:
    """Offset of the IP header in a frame of this link type, or None for non-IP frames."""
    if linktype == LINK_ETHERNET:
        offset, ethertype = 14, frame[12:14]
        while ethertype in (b"\x81\x00", b"\x88\xa8"):       # VLAN tags
            ethertype = frame[offset + 2:offset + 4]
            offset += 4
        return offset if ethertype in (b"\x08\x00", b"\x86\xdd") else None
    if linktype == LINK_SLL:
        return 16 if frame[14:16] in (b"\x08\x00", b"\x86\xdd") else None
    if linktype == LINK_SLL2:
        return 20 if frame[0:2] in (b"\x08\x00", b"\x86\xdd") else None
    if linktype in (LINK_RAW, LINK_IPV4, LINK_IPV6):
        return 0
    return None


def read_packets(path: Path, state: ReadState) -> Iterator[tuple[int, float, bytes, int]]:
    """(frame number, timestamp, frame, offset of the IP header in the frame)."""
    try:
        handle = open(path, "rb", buffering=1 << 20)
    except OSError as exc:
        raise CaptureError(f"{path}: cannot open the capture ({exc.strerror})") from None
    with handle:
        handle = HashingFile(handle)
        try:
            yield from _dispatch(path, handle, state)
        finally:
            handle.finish()
            state.sha256, state.size = handle.sha256.hexdigest(), handle.size


def _dispatch(path, handle, state):
    magic = handle.read(4)
    if len(magic) < 4:
        raise CaptureError(f"{path}: empty or too short to be a capture")
    if magic == b"\x0a\x0d\x0d\x0a":
        yield from _pcapng(path, handle, state)
    elif magic in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
        yield from _pcap(path, handle, magic, state)
    else:
        raise CaptureError(f"{path}: not a pcap or pcapng file (unknown magic {magic.hex()})")


CHUNK = 1 << 22


def _pcap(path, handle, magic: bytes, state: ReadState):
    """Classic pcap, read in large chunks: the per-record cost is what bounds the detector's speed."""
    little = magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    rest = handle.read(20)
    if len(rest) < 20:
        raise CaptureError(f"{path}: the pcap header is cut short")
    linktype = struct.unpack("<I" if little else ">I", rest[16:20])[0] & 0x0FFFFFFF
    unpack_from = struct.Struct("<IIII" if little else ">IIII").unpack_from
    scale = 1e-9 if nano else 1e-6
    ethernet = linktype == LINK_ETHERNET
    buf, pos, number = b"", 0, 0
    first_ts = ts = None
    while True:
        if pos + 16 > len(buf):
            more = handle.read(CHUNK)
            buf, pos = buf[pos:] + more, 0
            if len(buf) < 16:
                if buf:
                    state.truncated, state.problem = True, f"file ends inside the header of frame {number + 1}"
                break
        sec, frac, caplen, _orig = unpack_from(buf, pos)
        if caplen > MAX_RECORD:
            raise CaptureError(f"{path}: frame {number + 1} claims {caplen} bytes: the file is damaged")
        end = pos + 16 + caplen
        if end > len(buf):
            more = handle.read(max(CHUNK, caplen + 16))
            if not more:
                state.truncated, state.problem = True, f"file ends inside frame {number + 1}"
                break
            buf, pos = buf[pos:] + more, 0
            continue
        frame = buf[pos + 16:end]
        pos = end
        number += 1
        ts = sec + frac * scale
        if first_ts is None:
            first_ts = ts
        if ethernet and frame[12:14] in (b"\x08\x00", b"\x86\xdd"):
            yield number, ts, frame, 14
        else:
            offset = _ip_offset(linktype, frame)
            if offset is not None:
                yield number, ts, frame, offset
    state.frames, state.first_ts, state.last_ts = number, first_ts, ts


def _pcapng(path, handle, state: ReadState):
    read = handle.read
    interfaces: list[tuple[int, float]] = []
    order = "<"
    number = 0
    first = True
    while True:
        head = b"\x0a\x0d\x0d\x0a" if first else read(4)
        if not head:
            return
        lengths = read(8 if first else 4)
        if first:
            bom = lengths[4:8]
            order = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            if bom not in (b"\x4d\x3c\x2b\x1a", b"\x1a\x2b\x3c\x4d"):
                raise CaptureError(f"{path}: pcapng section header has an unknown byte order mark")
            block_type, total = 0x0A0D0D0A, struct.unpack(order + "I", lengths[:4])[0]
            body = bom + read(total - 12 - 4 if total >= 16 else 0)
            first = False
        else:
            if len(head) < 4 or len(lengths) < 4:
                state.truncated, state.problem = True, "file ends inside a pcapng block header"
                return
            block_type = struct.unpack(order + "I", head)[0]
            total = struct.unpack(order + "I", lengths)[0]
            if total < 12 or total % 4 or total > MAX_RECORD + 64:
                raise CaptureError(f"{path}: pcapng block after frame {number} has an impossible length {total}")
            body = read(total - 12)
        trailer = read(4)
        if len(body) < total - 12 or len(trailer) < 4:
            state.truncated, state.problem = True, f"file ends inside the pcapng block after frame {number}"
            return
        if block_type == 0x0A0D0D0A:
            interfaces = []
        elif block_type == 1:                                    # interface description
            linktype = struct.unpack(order + "H", body[:2])[0]
            interfaces.append((linktype, _tsresol(body[8:], order)))
        elif block_type in (6, 3):                               # enhanced / simple packet block
            if block_type == 6:
                iface, high, low, caplen = struct.unpack(order + "IIII", body[:16])
                data = body[20:20 + caplen]
            else:
                iface, high, low = 0, 0, 0
                caplen = struct.unpack(order + "I", body[:4])[0]
                data = body[4:4 + caplen]
            number += 1
            if iface >= len(interfaces):
                raise CaptureError(f"{path}: frame {number} refers to interface {iface}, which is not described")
            linktype, resolution = interfaces[iface]
            ts = ((high << 32) | low) * resolution
            state.frames = number
            if state.first_ts is None:
                state.first_ts = ts
            state.last_ts = ts
            offset = _ip_offset(linktype, data)
            if offset is not None:
                yield number, ts, data, offset


def _tsresol(options: bytes, order: str) -> float:
    pos = 0
    while pos + 4 <= len(options):
        code, length = struct.unpack(order + "HH", options[pos:pos + 4])
        if code == 0:
            break
        if code == 9 and length >= 1:
            value = options[pos + 4]
            return 2.0 ** -(value & 0x7F) if value & 0x80 else 10.0 ** -value
        pos += 4 + length + ((-length) % 4)
    return 1e-6
