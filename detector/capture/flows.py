"""One pass over a capture: flows with byte counts and upload bursts, plus the DNS, TLS, HTTP and QUIC
events found in them. Payloads are only looked at until a flow's handshake is understood, so bulk
traffic costs a header parse and a few counters per packet."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field
from pathlib import Path

from detector.capture.protocols import (
    describe_certificate,
    parse_dns,
    parse_http_request,
    parse_quic_initial,
    parse_tls_certificates,
    parse_tls_client_hello,
)
from detector.capture.reader import ReadState, read_packets

INSPECT_BYTES = 24 * 1024      # per direction, enough for a ClientHello and a TLS 1.2 certificate chain
BURST_GAP_S = 1.0              # client bytes closer than this belong to the same upload burst


class Flow:
    __slots__ = ("proto", "src", "sport", "dst", "dport", "start", "end", "pk_out", "pk_in", "b_out", "b_in",
                 "first_frame", "bursts", "burst_start", "burst_bytes", "last_out", "c2s", "s2c", "inspect",
                 "sni", "hello", "http", "cert", "cert_frame", "hello_frame", "http_frame", "payload_out",
                 "payload_in")

    def __init__(self, proto, src, sport, dst, dport, ts, frame):
        self.proto, self.src, self.sport, self.dst, self.dport = proto, src, sport, dst, dport
        self.start = self.end = ts
        self.pk_out = self.pk_in = self.b_out = self.b_in = 0
        self.payload_out = self.payload_in = 0
        self.first_frame = frame
        self.bursts: list[tuple[float, int]] = []
        self.burst_start, self.burst_bytes, self.last_out = ts, 0, -1e18
        self.c2s, self.s2c = b"", b""
        self.inspect = True
        self.sni = self.hello = self.http = self.cert = None
        self.cert_frame = self.hello_frame = self.http_frame = None


@dataclass
class CaptureFacts:
    path: str
    state: ReadState
    flows: list[Flow] = field(default_factory=list)
    dns: list[dict] = field(default_factory=list)
    packets: int = 0
    bytes: int = 0


def _addr(raw: bytes) -> str:
    return socket.inet_ntop(socket.AF_INET6 if len(raw) == 16 else socket.AF_INET, raw)


def analyse_packets(path: Path) -> CaptureFacts:
    state = ReadState()
    facts = CaptureFacts(str(path), state)
    flows: dict[tuple, Flow] = {}
    dns = facts.dns
    unpack_ports = struct.Struct("!HH").unpack_from
    total_bytes = 0
    count = 0
    for number, ts, pkt, o in read_packets(path, state):
        count += 1
        version = pkt[o] >> 4
        if version == 4:
            proto = pkt[o + 9]
            if pkt[o + 6] & 0x1F or pkt[o + 7]:       # a later fragment: no transport header
                continue
            src, dst = pkt[o + 12:o + 16], pkt[o + 16:o + 20]
            end = o + ((pkt[o + 2] << 8) | pkt[o + 3])
            l4 = o + (pkt[o] & 0x0F) * 4
        elif version == 6 and len(pkt) >= o + 40:
            proto, l4 = pkt[o + 6], o + 40
            while proto in (0, 43, 60) and l4 + 8 <= len(pkt):    # hop-by-hop, routing, destination options
                proto, l4 = pkt[l4], l4 + 8 + pkt[l4 + 1] * 8
            src, dst = pkt[o + 8:o + 24], pkt[o + 24:o + 40]
            end = o + 40 + ((pkt[o + 4] << 8) | pkt[o + 5])
        else:
            continue
        if proto not in (6, 17) or l4 + 8 > len(pkt):
            continue
        sport, dport = unpack_ports(pkt, l4)
        if proto == 6:
            data_at = l4 + ((pkt[l4 + 12] >> 4) * 4)
        else:
            data_at = l4 + 8
        payload_len = min(end, len(pkt)) - data_at
        total_bytes += len(pkt) - o
        key = (proto, src, sport, dst, dport)
        flow = flows.get(key)
        outbound = True
        if flow is None:
            flow = flows.get((proto, dst, dport, src, sport))
            if flow is None:
                flow = flows[key] = Flow(proto, src, sport, dst, dport, ts, number)
            else:
                outbound = False
        flow.end = ts
        if outbound:
            flow.pk_out += 1
            flow.b_out += len(pkt) - o
            if payload_len > 0:
                flow.payload_out += payload_len
                if ts - flow.last_out > BURST_GAP_S:
                    if flow.burst_bytes:
                        flow.bursts.append((flow.burst_start, flow.burst_bytes))
                    flow.burst_start, flow.burst_bytes = ts, 0
                flow.burst_bytes += payload_len
                flow.last_out = ts
        else:
            flow.pk_in += 1
            flow.b_in += len(pkt) - o
            flow.payload_in += max(payload_len, 0)
        if payload_len <= 0:
            continue
        if proto == 17 and (sport == 53 or dport == 53 or sport == 5353):
            message = parse_dns(pkt[data_at:data_at + payload_len])
            if message:
                message.update(time=ts, frame=number, server=_addr(src if message["response"] else dst))
                dns.append(message)
            continue
        if not flow.inspect:
            continue
        payload = pkt[data_at:data_at + payload_len]
        if proto == 17:
            flow.inspect = False
            if outbound and dport == 443:
                hello = parse_quic_initial(payload)
                if hello:
                    flow.hello, flow.sni, flow.hello_frame = hello, hello["sni"], number
            continue
        if outbound:
            if flow.hello is None and flow.http is None and len(flow.c2s) < INSPECT_BYTES:
                flow.c2s += payload
                if flow.c2s[:1] == b"\x16":
                    hello = parse_tls_client_hello(flow.c2s)
                    if hello:
                        flow.hello, flow.sni, flow.hello_frame = hello, hello["sni"], number
                else:
                    request = parse_http_request(flow.c2s)
                    if request:
                        flow.http, flow.http_frame = request, number
                    elif b"\r\n\r\n" in flow.c2s or len(flow.c2s) > 8192:
                        flow.inspect = False
        elif flow.hello is not None and flow.cert is None and len(flow.s2c) < INSPECT_BYTES:
            flow.s2c += payload
            chain = parse_tls_certificates(flow.s2c)
            if chain:
                flow.cert = [c for c in (describe_certificate(der) for der in chain) if c]
                flow.cert_frame = number
        if flow.hello is not None and (flow.cert is not None or flow.hello.get("version") == "1.3"
                                       or len(flow.s2c) >= INSPECT_BYTES):
            flow.inspect = False
            flow.c2s = flow.s2c = b""
        elif flow.http is not None:
            flow.inspect = False
            flow.c2s = b""
    for flow in flows.values():
        if flow.burst_bytes:
            flow.bursts.append((flow.burst_start, flow.burst_bytes))
        flow.c2s = flow.s2c = b""
    facts.flows = sorted(flows.values(), key=lambda f: (f.start, f.first_frame))
    facts.packets = state.frames
    facts.bytes = total_bytes
    return facts


def flow_record(flow: Flow) -> dict:
    return {"proto": "tcp" if flow.proto == 6 else "udp", "src": _addr(flow.src), "sport": flow.sport,
            "dst": _addr(flow.dst), "dport": flow.dport, "start": flow.start, "end": flow.end,
            "packets_out": flow.pk_out, "packets_in": flow.pk_in, "bytes_out": flow.b_out, "bytes_in": flow.b_in,
            "payload_out": flow.payload_out, "payload_in": flow.payload_in, "first_frame": flow.first_frame,
            "bursts": flow.bursts, "sni": flow.sni}
