"""Streaming pcap / pcapng reader: (frame number, timestamp, buffer, IP offset, frame end), never the
whole file.

Link types users meet: Ethernet (with 802.1Q/802.1ad tags), Linux cooked v1 and v2, raw IP. Damaged files
stop with `CaptureError` naming the file and the frame, or, for a file cut short, end early and mark the
reading as truncated so the analysis can say it is partial.
"""

from __future__ import annotations

import hashlib
import queue
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_RECORD = 256 * 1024          # bigger than any real snaplen: a larger length means a corrupt file
LAST_TIMESTAMP = 253402300799.0  # 9999-12-31T23:59:59Z, the last time a report can write
PCAPNG_MIN_BODY = {1: 8, 6: 20, 3: 4}   # interface description, enhanced and simple packet blocks
LINK_ETHERNET, LINK_RAW, LINK_SLL, LINK_SLL2, LINK_IPV4, LINK_IPV6 = 1, 101, 113, 276, 228, 229


class CaptureError(Exception):
    """The capture cannot be read: names the file and the problem in one line."""


class HashingFile:
    """Hashes every byte read, so the evidence manifest's SHA-256 costs no second pass over the file.

    The hashing runs in a thread: hashlib releases the GIL on large blocks, so on a machine with a
    second core (a laptop, a Raspberry Pi) the hash costs the analysis no time at all."""

    def __init__(self, handle, state: ReadState):
        self.handle = handle
        self.state = state
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._blocks: queue.Queue = queue.Queue(maxsize=8)
        self._worker = threading.Thread(target=self._hash_blocks, name="capture-sha256", daemon=True)
        self._worker.start()

    def _hash_blocks(self) -> None:
        while (block := self._blocks.get()) is not None:
            self.sha256.update(block)

    def read(self, n: int = -1) -> bytes:
        data = self.handle.read(n)
        if data:
            self._blocks.put(data)
            self.size += len(data)
            self.state.bytes_read = self.size
        return data

    def finish(self) -> None:
        """Reads what the analysis left unread (the hash covers the whole file), then waits for the hash."""
        while self.read(1 << 22):
            pass
        self._blocks.put(None)
        self._worker.join()


@dataclass
class ReadState:
    sha256: str = ""
    size: int = 0
    bytes_read: int = 0          # while reading, for progress bars
    frames: int = 0
    truncated: bool = False
    problem: str = ""
    first_ts: float | None = None
    last_ts: float | None = None


def _ip_offset(linktype: int, buf: bytes, start: int) -> int | None:
    """Where the IP header starts in the frame that begins at `start` in `buf`, or None for non-IP frames."""
    if linktype == LINK_ETHERNET:
        offset, ethertype = start + 14, buf[start + 12:start + 14]
        while ethertype in (b"\x81\x00", b"\x88\xa8"):       # VLAN tags
            ethertype = buf[offset + 2:offset + 4]
            offset += 4
        return offset if ethertype in (b"\x08\x00", b"\x86\xdd") else None
    if linktype == LINK_SLL:
        return start + 16 if buf[start + 14:start + 16] in (b"\x08\x00", b"\x86\xdd") else None
    if linktype == LINK_SLL2:
        return start + 20 if buf[start:start + 2] in (b"\x08\x00", b"\x86\xdd") else None
    if linktype in (LINK_RAW, LINK_IPV4, LINK_IPV6):
        return start
    return None


def read_frames(path: Path, state: ReadState) -> Iterator[tuple[int, float, bytes, int, int]]:
    """(frame number, timestamp, buffer, offset of the IP header in the buffer, end of the frame in it).

    Frames are not copied out of the read buffer: the caller reads them at offsets, which halves the
    cost of reading a capture. Non-IP frames are counted but not yielded."""
    try:
        handle = open(path, "rb", buffering=0)
    except OSError as exc:
        raise CaptureError(f"{path}: cannot open the capture ({exc.strerror})") from None
    with handle:
        handle = HashingFile(handle, state)
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
    # the record header and, for Ethernet, the EtherType at frame offset 12, in one call
    unpack_from = struct.Struct("<IIII12x2s" if little else ">IIII12x2s").unpack_from
    scale = 1e-9 if nano else 1e-6
    ethernet = linktype == LINK_ETHERNET
    ipv4, ipv6 = b"\x08\x00", b"\x86\xdd"
    buf, pos, size, number, eof = b"", 0, 0, 0, False
    first_ts = ts = None
    while True:
        if not eof:
            more = handle.read(CHUNK)
            eof = not more
            # at the end, padding lets the last short records be read with the same one-call unpack
            buf = buf[pos:size] + (more or b"\0" * 30)
            pos, size = 0, size - pos + len(more)
        # every complete record in the buffer: the hot loop, one unpack and a few comparisons per frame
        limit = len(buf)
        while pos + 30 <= limit:
            sec, frac, caplen, _orig, ethertype = unpack_from(buf, pos)
            end = pos + 16 + caplen
            if end > size or caplen > MAX_RECORD:
                break
            number += 1
            ts = sec + frac * scale
            if ethernet:
                if (ethertype == ipv6 or ethertype == ipv4) and caplen > 14:
                    yield number, ts, buf, pos + 30, end
                elif ethertype in (b"\x81\x00", b"\x88\xa8"):
                    ip_at = _ip_offset(linktype, buf, pos + 16)
                    if ip_at is not None and ip_at < end:
                        yield number, ts, buf, ip_at, end
            else:
                ip_at = _ip_offset(linktype, buf, pos + 16)
                if ip_at is not None and ip_at < end:
                    yield number, ts, buf, ip_at, end
            if first_ts is None:
                first_ts = ts
            pos = end
        if pos + 16 <= size:
            caplen = int.from_bytes(buf[pos + 8:pos + 12], "little" if little else "big")
            if caplen > MAX_RECORD:
                raise CaptureError(f"{path}: frame {number + 1} claims {caplen} bytes: the file is damaged")
        if eof:
            if pos < size:
                state.truncated = True
                state.problem = (f"file ends inside the header of frame {number + 1}" if pos + 16 > size
                                 else f"file ends inside frame {number + 1}")
            break
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
        elif block_type in PCAPNG_MIN_BODY and len(body) < PCAPNG_MIN_BODY[block_type]:
            raise CaptureError(f"{path}: pcapng block after frame {number} is shorter than its fixed fields: "
                               "the file is damaged")
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
            if ts > LAST_TIMESTAMP:
                # a damaged timestamp: what came before is kept, the analysis says it is partial
                state.truncated = True
                state.problem = f"frame {number} has a timestamp after the year 9999, so reading stopped there"
                return
            state.frames = number
            if state.first_ts is None:
                state.first_ts = ts
            state.last_ts = ts
            ip_at = _ip_offset(linktype, data, 0)
            if ip_at is not None and ip_at < len(data):
                yield number, ts, data, ip_at, len(data)


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
