"""The download fast path (headers packed over a block of payload, checksums mod 0xFFFF, byte-swapped
fields) gives exactly the frames of the one-packet-at-a-time path, in time order, for IPv4 and IPv6."""

from __future__ import annotations

import random
import struct

import pytest
from stalkerlab.simulator.network.capture.bursts import BlockPool, Burst, Download
from stalkerlab.simulator.network.capture.capture_file import pcap_record
from stalkerlab.simulator.network.capture.checksum import PayloadBuffer
from stalkerlab.simulator.network.capture.frames import PROTO_UDP, BulkUdp, Direction


def directions(v6: bool, ident: int) -> tuple[Direction, Direction]:
    phone, server = ("2001:db8:1::23", "2001:db8:2::9") if v6 else ("192.168.40.23", "198.18.0.9")
    out = Direction(b"\x02\x11\x22\x33\x44\x55", b"\x3c\x37\x86\x00\x00\x01", phone, server, 40000, 443, 64,
                    PROTO_UDP, ident)
    return out, out.reverse(57, ident + 7)


def records(block: memoryview) -> list[bytes]:
    found, pos = [], 0
    while pos < len(block):
        size = struct.unpack_from("<I", block, pos + 8)[0]
        found.append(bytes(block[pos:pos + 16 + size]))
        pos += 16 + size
    return found


@pytest.mark.parametrize("v6", [True, False])
@pytest.mark.parametrize("ident", [5, 0xFFF0])          # IPv4 ids wrapping inside the burst
def test_download_block_matches_packet_by_packet_frames(v6, ident):
    rng = random.Random(3)
    buf = PayloadBuffer(rng.randbytes(1 << 16), wrap=2000)     # small: the download wraps around it
    ts, step = 1_773_500_000.25 * 1e6, 172.26
    origin = 2 * rng.randrange(1 << 15)

    out, back = directions(v6, ident)
    down = Burst(BulkUdp(back, 0x42, b"scid0001", buf), ts, step, 0xFFF0, 100, 1248, 918)
    acks = Burst(BulkUdp(out, 0x42, b"dcid0001", buf), ts + 2 * step + 200, 3 * step, 7, 33, 42, 42)
    download = Download(down, acks, 0, 0, origin)
    download.build(BlockPool())
    got = records(download.block)

    # the same packets, one at a time, each payload read where the fast path's block has it
    ref_out, ref_back = directions(v6, ident)
    ref_down, ref_acks = BulkUdp(ref_back, 0x42, b"scid0001", buf), BulkUdp(ref_out, 0x42, b"dcid0001", buf)
    expected = []
    pos = 0
    packets = sorted([(t, 0, i) for i, t in enumerate(down.stamps)] + [(t, 1, j) for j, t in enumerate(acks.stamps)])
    for t, kind, k in packets:
        burst, bulk = (down, ref_down) if kind == 0 else (acks, ref_acks)
        length = burst.last if k == burst.count - 1 else burst.length
        start = (origin + pos + 16 + bulk.overhead) % buf.period
        record = pcap_record(t, bulk.frame(burst.pn + k + 1, start, length))
        expected.append(record)
        pos += len(record)
    assert len(got) == len(expected) == 133
    assert got == expected
