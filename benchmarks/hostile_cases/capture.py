"""Hostile captures for `stalkerlab detect` (issue 8): flow floods and records that cannot be packets.

The files are generated with struct in a few seconds (the 2 GB one is sparse: a hole after one packet), so
nothing large is ever committed. tests/hostile/test_capture_resources.py builds the same files.
"""

from __future__ import annotations

import struct
from pathlib import Path

PCAP_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
ETHERNET = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
FLOOD_START = 1_700_000_000
FIRST_FLOOD_ADDRESS = 0x0B000000          # 11.0.0.0/8: public addresses, so every flow counts as internet


def write_syn_flood(path: Path, flows: int) -> Path:
    """`flows` one-packet TCP connections (a SYN each, never answered), each to another internet address,
    1,000 per second: a port scan or a hostile capture made to exhaust the flow table."""
    header = struct.Struct("<IIII")                      # the record header, in the file's byte order
    frame = struct.Struct("!14sBBHHHBBH4sIHHIIBBHHH")     # Ethernet, IPv4, TCP: network byte order
    frame_len = frame.size
    with open(path, "wb") as out:
        out.write(PCAP_HEADER)
        chunk = bytearray()
        for i in range(flows):
            chunk += header.pack(FLOOD_START + i // 1000, (i % 1000) * 1000, frame_len, frame_len)
            chunk += frame.pack(ETHERNET, 0x45, 0, 40, i & 0xFFFF, 0x4000, 64, 6, 0, b"\xc0\xa8\x01\x17",
                                FIRST_FLOOD_ADDRESS + i, 1024 + i % 60000, 443, i, 0, 5 << 4, 0x02, 65535, 0, 0)
            if len(chunk) > 1 << 22:
                out.write(chunk)
                chunk.clear()
        out.write(chunk)
    return path


def write_zero_length_records(path: Path, size: int) -> Path:
    """One real packet, then `size` bytes of zeros: read naively, 134 million zero-length records from 1970
    per 2 GB. The zeros are a hole in a sparse file, so the disk holds a few kilobytes."""
    write_syn_flood(path, 1)
    with open(path, "r+b") as out:
        out.truncate(size)
    return path


def _detect(pcap: Path, workdir: Path) -> list[str]:
    return ["detect", "--pcap", str(pcap), "--out", str(workdir / "report"), "--no-pdf"]


def case_one_packet_flows_500k(workdir: Path) -> list[str]:
    """500,000 one-packet TCP flows, each to another address (the flow table's worst case)."""
    return _detect(write_syn_flood(workdir / "flows-500k.pcap", 500_000), workdir)


def case_one_packet_flows_2m(workdir: Path) -> list[str]:
    """2 million one-packet TCP flows, each to another address."""
    return _detect(write_syn_flood(workdir / "flows-2m.pcap", 2_000_000), workdir)


def case_zero_length_records_2gb(workdir: Path) -> list[str]:
    """A 2 GB sparse capture: one packet, then zeros that read as zero-length records from 1970."""
    return _detect(write_zero_length_records(workdir / "zeros-2gb.pcap", 2 << 30), workdir)
