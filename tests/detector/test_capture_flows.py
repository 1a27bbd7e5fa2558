"""Flows as the detector counts them: both directions in one flow, whatever the IPv4 header carries."""

from __future__ import annotations

import struct

from capture_builders import http_request, pcap, tcp_segments
from stalkerlab.detector.capture.flows import analyse_packets, flow_record

RECORD_ROUTE = bytes([7, 7, 4]) + bytes(4) + b"\x00"          # option 7 with one slot, padded to 8 bytes


def with_ipv4_options(packet: bytes, options: bytes) -> bytes:
    """The same IPv4 packet with options after its 20-byte header (IHL and total length adjusted)."""
    ihl = (20 + len(options)) // 4
    total = struct.unpack("!H", packet[2:4])[0] + len(options)
    return bytes([0x40 | ihl]) + packet[1:2] + struct.pack("!H", total) + packet[4:20] + options + packet[20:]


def _flows(tmp_path, name: str, packets: list[bytes]) -> list[dict]:
    path = tmp_path / f"{name}.pcap"
    path.write_bytes(pcap(packets, "raw"))
    return [flow_record(f) for f in analyse_packets(path).flows]


def test_ipv4_options_do_not_change_the_flow(tmp_path):
    packets = tcp_segments(http_request("report.pocket.example"), b"HTTP/1.1 204 No Content\r\n\r\n", dport=8088)
    plain = _flows(tmp_path, "plain", packets)
    optioned = _flows(tmp_path, "options", [with_ipv4_options(p, RECORD_ROUTE) for p in packets])
    assert len(plain) == len(optioned) == 1
    a, b = plain[0], optioned[0]
    assert (b["src"], b["sport"], b["dst"], b["dport"]) == (a["src"], a["sport"], a["dst"], a["dport"])
    assert (b["packets_out"], b["packets_in"], b["payload_out"], b["payload_in"]) == (
        a["packets_out"], a["packets_in"], a["payload_out"], a["payload_in"])
    assert b["bytes_out"] == a["bytes_out"] + len(RECORD_ROUTE) * a["packets_out"]
