"""pcap and pcapng containers, written in large chunks to a temp file and renamed into place."""

from __future__ import annotations

import struct
from pathlib import Path

from stalkerlab.common.atomic_files import atomic_writer

LINKTYPE_ETHERNET = 1
SNAPLEN = 262144
_PCAP_RECORD = struct.Struct("<IIII")
_EPB = struct.Struct("<IIIIIII")


def pcap_header() -> bytes:
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, SNAPLEN, LINKTYPE_ETHERNET)


def _option(code: int, value: bytes) -> bytes:
    pad = (-len(value)) % 4
    return struct.pack("<HH", code, len(value)) + value + b"\0" * pad


def pcapng_header(comment: str) -> bytes:
    options = _option(1, comment.encode()) + _option(4, b"stalkerlab simulate") + _option(0, b"")
    body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + options
    shb = struct.pack("<II", 0x0A0D0D0A, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
    idb_options = _option(2, b"wlan0 (access point)") + _option(9, b"\x06") + _option(0, b"")   # tsresol 10^-6
    idb_body = struct.pack("<HHI", LINKTYPE_ETHERNET, 0, SNAPLEN) + idb_options
    idb = struct.pack("<II", 1, len(idb_body) + 12) + idb_body + struct.pack("<I", len(idb_body) + 12)
    return shb + idb


def pcap_record(ts: int, frame: bytes) -> bytes:
    """One classic pcap record (timestamp in microseconds)."""
    n = len(frame)
    return _PCAP_RECORD.pack(ts // 1_000_000, ts % 1_000_000, n, n) + frame


def pcapng_record(ts: int, frame: bytes) -> bytes:
    """One pcapng Enhanced Packet Block on interface 0 (timestamp in microseconds)."""
    n = len(frame)
    pad = (-n) % 4
    total = 32 + n + pad
    return _EPB.pack(6, total, 0, ts >> 32, ts & 0xFFFFFFFF, n, n) + frame + b"\0" * pad + struct.pack("<I", total)


def write_atomic(path: Path, header: bytes, chunks, size: int | None = None) -> int:
    """Write `header` then `chunks` atomically (stalkerlab.common.atomic_files); returns the size written.

    `size`, the expected total when known, is reserved up front. Chunks of 256 KiB or more go straight to
    the file, smaller ones through the buffer."""
    with atomic_writer(path, size=size, buffering=1 << 18) as handle:
        handle.write(header)
        handle.writelines(chunks)
        return handle.tell()
