"""One pass over a capture: flows with byte counts and upload bursts, plus the DNS, DHCP, TLS, HTTP and
QUIC events found in them. Payloads are only looked at until a flow's handshake is understood, so bulk
traffic costs a header parse and a few counters per packet. The flow table (flow_table.py) bounds memory."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field, replace
from pathlib import Path

from stalkerlab.detector.capture.events import (
    DhcpMessage,
    DnsMessage,
)
from stalkerlab.detector.capture.flow_table import DestinationSummary, Flow, FlowTable
from stalkerlab.detector.capture.protocols import (
    describe_certificate,
    parse_dhcp,
    parse_dns,
    parse_http_request,
    parse_tls_certificates,
    parse_tls_client_hello,
    parse_tls_server_hello,
)
from stalkerlab.detector.capture.protocols.http import could_be_request, request_head_end
from stalkerlab.detector.capture.protocols.quic import QuicInitials, looks_like_quic
from stalkerlab.detector.capture.reader import ReadState, read_frames
from stalkerlab.detector.capture.reassembly import ByteStream

INSPECT_BYTES = 24 * 1024      # server side: enough for a ServerHello and a TLS 1.2 certificate chain
CLIENT_BYTES = 64 * 1024       # client side: a ClientHello, or the request heads of a kept-alive connection
MAX_HEAD = 8192                # an HTTP request head longer than this is not one
MAX_REQUESTS = 100             # request heads read per connection
MAX_QUIC_DATAGRAMS = 8         # client datagrams read for a QUIC ClientHello
BURST_GAP_S = 1.0              # client bytes closer than this belong to the same upload burst
DNS_PORTS = frozenset((53, 5353, 5355))         # DNS, mDNS, LLMNR
LOCAL_DNS_PORTS = frozenset((5353, 5355))       # names asked or announced on the local network only


@dataclass
class CaptureFacts:
    path: str
    state: ReadState
    flows: list[Flow] = field(default_factory=list)
    dns: list[DnsMessage] = field(default_factory=list)
    dhcp: list[DhcpMessage] = field(default_factory=list)
    packets: int = 0
    bytes: int = 0
    summaries: list[DestinationSummary] = field(default_factory=list)
    flows_summarised: int = 0        # flows folded into summaries
    flows_unlisted: int = 0          # folded flows past MAX_SUMMARIES destinations: only counted


def address_text(raw: bytes) -> str:
    return socket.inet_ntop(socket.AF_INET6 if len(raw) == 16 else socket.AF_INET, raw)


def analyse_packets(path: Path, progress=None) -> CaptureFacts:
    """`progress(bytes_read)` is called every 65,536 frames and at the end, for a progress bar."""
    state = ReadState()
    facts = CaptureFacts(str(path), state)
    # key: source address, destination address, source port, destination port, as they stand in the
    # packet; value: (flow, whether this direction is the client's)
    table = FlowTable()
    tcp_flows, udp_flows = table.tcp, table.udp
    unpack_v6 = struct.Struct("!HB").unpack_from            # payload length, next header
    for number, ts, buf, ip, end in read_frames(path, state, progress):
        b0 = buf[ip]
        if b0 >> 4 == 6 and ip + 48 <= end:                 # IPv6: most of a phone's packets
            plen, proto = unpack_v6(buf, ip + 4)
            ip_end = ip + 40 + plen
            l4 = ip + 40
            if proto == 17 or proto == 6:
                key = buf[ip + 8:ip + 44]
            else:
                while proto in (0, 43, 60) and l4 + 8 <= end:    # hop-by-hop, routing, destination options
                    proto, l4 = buf[l4], l4 + 8 + buf[l4 + 1] * 8
                if (proto != 6 and proto != 17) or l4 + 8 > end:
                    continue
                key = buf[ip + 8:ip + 40] + buf[l4:l4 + 4]
        elif b0 >> 4 == 4 and ip + 20 <= end:
            proto = buf[ip + 9]
            if (proto != 6 and proto != 17) or buf[ip + 6] & 0x1F or buf[ip + 7]:
                continue                                     # not TCP/UDP, or a later fragment
            l4 = ip + (b0 & 0x0F) * 4
            if l4 + 8 > end:
                continue
            # without options (nearly always) addresses and ports stand together: one slice
            key = buf[ip + 12:ip + 24] if b0 == 0x45 else buf[ip + 12:ip + 20] + buf[l4:l4 + 4]
            ip_end = ip + ((buf[ip + 2] << 8) | buf[ip + 3])
        else:
            continue
        if ip_end > end:
            ip_end = end                                     # snapped frame: count what was captured
        if proto == 6:
            if l4 + 20 > end:
                continue
            data_at = l4 + ((buf[l4 + 12] >> 4) << 2)
        else:
            data_at = l4 + 8
        payload_len = ip_end - data_at
        size = end - ip
        entry = (tcp_flows if proto == 6 else udp_flows).get(key)
        if entry is None:
            if proto == 6 and payload_len <= 0 and buf[l4 + 13] & 0x12 == 0x02:    # a SYN: maybe a lone probe
                entry = table.lone_syn(key, ts, number, size)
                if entry is None:
                    continue
            else:
                entry = table.open(key, proto, buf, l4, data_at, ip_end, ts, number)
        flow, outbound = entry
        if ts - flow.end > flow.max_gap:
            flow.max_gap = ts - flow.end
        flow.end = ts
        if outbound:
            flow.pk_out += 1
            flow.b_out += size
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
            flow.b_in += size
            if payload_len > 0:
                flow.payload_in += payload_len
        if payload_len <= 0 or not flow.inspect:
            continue
        _inspect(facts, flow, outbound, buf[data_at:ip_end], number, ts,
                 int.from_bytes(buf[l4 + 4:l4 + 8], "big") if proto == 6 else 0)
    flows = table.finish()
    for flow in flows:
        if flow.burst_bytes:
            flow.bursts.append((flow.burst_start, flow.burst_bytes))
        flow.reading = None
    facts.flows = sorted(flows, key=lambda f: (f.start, f.first_frame))
    facts.summaries = sorted(table.summaries.values(), key=lambda s: (s.start, s.first_frame))
    facts.flows_summarised, facts.flows_unlisted = table.summarised, table.unlisted
    facts.packets = state.frames
    facts.bytes = table.folded_bytes + sum(f.b_out + f.b_in for f in flows)
    return facts


class _TcpReading:
    """What is kept of a TCP connection until its handshake is understood."""

    __slots__ = ("client", "server", "client_done", "open_request")

    def __init__(self) -> None:
        self.client = ByteStream(CLIENT_BYTES)
        self.server = ByteStream(INSPECT_BYTES)
        self.client_done = False
        self.open_request: int | None = None     # index in flow.requests of a request whose body is coming


def _inspect(facts: CaptureFacts, flow: Flow, outbound: bool, payload: bytes, number: int, ts: float,
             seq: int) -> None:
    """Payloads of a flow whose protocol is not understood yet: DNS (UDP and TCP, mDNS, LLMNR), DHCP, the
    TLS handshake, HTTP request heads (CONNECT tunnels and kept-alive connections included) or the QUIC
    Initials. Afterwards the flow is only counted."""
    if flow.proto == 17:
        _inspect_udp(facts, flow, outbound, payload, number, ts)
        return
    reading = flow.reading
    if reading is None:
        reading = flow.reading = _TcpReading()
    if outbound:
        if not reading.client_done and reading.client.add(seq, payload):
            if flow.sport in DNS_PORTS or flow.dport in DNS_PORTS:
                _dns_over_tcp(facts, flow, reading.client, number, ts, True)
            else:
                _client_bytes(flow, reading, number, ts)
        if reading.open_request is not None and not reading.client.skip:
            # Wireshark shows a request in the packet that completes its body: evidence points there
            index, reading.open_request = reading.open_request, None
            done = replace(flow.requests[index], frame=number)
            flow.requests = flow.requests[:index] + (done,) + flow.requests[index + 1:]
            if index == 0:
                flow.http = done
    elif flow.sport in DNS_PORTS or flow.dport in DNS_PORTS:
        if reading.server.add(seq, payload):
            _dns_over_tcp(facts, flow, reading.server, number, ts, False)
    elif flow.hello is not None and reading.server.add(seq, payload):
        _server_bytes(flow, reading.server.data, number, ts)
    tls13 = flow.server_hello.version == "1.3" if flow.server_hello else False
    if flow.hello is not None and (flow.cert is not None or tls13 or reading.server.full):
        flow.inspect, flow.reading = False, None
    elif reading.client_done and flow.hello is None and reading.open_request is None:
        flow.inspect, flow.reading = False, None


def _client_bytes(flow: Flow, reading: _TcpReading, number: int, ts: float) -> None:
    """A TLS ClientHello (once whole), or HTTP request heads one after the other."""
    stream = reading.client
    while stream.data and not reading.client_done:
        data = stream.data
        if data[0] == 0x16:
            hello = parse_tls_client_hello(data)
            if hello:
                flow.hello, flow.sni = replace(hello, time=ts, frame=number), hello.sni
            reading.client_done = hello is not None or stream.full
            return
        end = request_head_end(data)
        if not could_be_request(data) or (end < 0 and (len(data) > MAX_HEAD or stream.full)):
            reading.client_done = True
            return
        if end < 0:
            return                                          # the head continues in a later segment
        request = parse_http_request(data[:end])
        if request is None:
            reading.client_done = True
            return
        stream.consume(end + request.body_size)
        flow.requests += (replace(request, time=ts, frame=number),)
        flow.http = flow.http or flow.requests[0]
        if stream.skip:
            reading.open_request = len(flow.requests) - 1
        reading.client_done = len(flow.requests) >= MAX_REQUESTS
        # a CONNECT's tunnel, or the next request of a kept-alive connection, may follow


def _server_bytes(flow: Flow, data: bytes, number: int, ts: float) -> None:
    if flow.server_hello is None:
        server_hello = parse_tls_server_hello(data)
        if server_hello:
            flow.server_hello = replace(server_hello, time=ts, frame=number)
    chain = parse_tls_certificates(data)
    if chain:
        flow.cert = tuple(c for c in (describe_certificate(der) for der in chain) if c)
        flow.cert_frame = number


def _dns_over_tcp(facts: CaptureFacts, flow: Flow, stream: ByteStream, number: int, ts: float,
                  outbound: bool) -> None:
    """DNS messages over TCP, each after its two-byte length, several to a segment or one over several."""
    while len(stream.data) >= 2:
        length = (stream.data[0] << 8) | stream.data[1]
        if len(stream.data) < 2 + length:
            return
        _dns_message(facts, flow, outbound, stream.data[2:2 + length], number, ts)
        stream.consume(2 + length)


def _dns_message(facts: CaptureFacts, flow: Flow, outbound: bool, payload: bytes, number: int, ts: float) -> None:
    local = flow.sport in LOCAL_DNS_PORTS or flow.dport in LOCAL_DNS_PORTS
    message = parse_dns(payload, record_names=local)
    if message:
        server = flow.src if outbound == message.response else flow.dst
        facts.dns.append(replace(message, time=ts, frame=number, server=address_text(server), local=local))


def _inspect_udp(facts: CaptureFacts, flow: Flow, outbound: bool, payload: bytes, number: int, ts: float) -> None:
    sport, dport = flow.sport, flow.dport
    if sport in DNS_PORTS or dport in DNS_PORTS:
        _dns_message(facts, flow, outbound, payload, number, ts)
        return
    if sport == 68 or dport == 68:
        dhcp = parse_dhcp(payload)
        if dhcp:
            facts.dhcp.append(replace(dhcp, time=ts, frame=number))
        return
    initials = flow.reading
    if initials is None:
        # QUIC on any port: a client's long-header packet of a version we read
        if not outbound or not looks_like_quic(payload):
            flow.inspect = False
            return
        initials = flow.reading = QuicInitials()
    if not outbound:
        return
    hello = initials.add(payload)
    if hello:
        flow.hello, flow.sni = replace(hello, time=ts, frame=number), hello.sni
    if hello or initials.datagrams >= MAX_QUIC_DATAGRAMS:
        flow.inspect, flow.reading = False, None


def flow_record(flow: Flow) -> dict:
    packets = flow.pk_out + flow.pk_in
    return {"proto": "tcp" if flow.proto == 6 else "udp", "src": address_text(flow.src), "sport": flow.sport,
            "dst": address_text(flow.dst), "dport": flow.dport, "start": flow.start, "end": flow.end,
            "packets_out": flow.pk_out, "packets_in": flow.pk_in, "bytes_out": flow.b_out, "bytes_in": flow.b_in,
            "payload_out": flow.payload_out, "payload_in": flow.payload_in, "first_frame": flow.first_frame,
            "bursts": flow.bursts, "sni": flow.sni,
            # inter-arrival times: the mean, and the longest silence (where a keep-alive period shows)
            "iat_mean_s": round((flow.end - flow.start) / (packets - 1), 6) if packets > 1 else None,
            "iat_max_s": round(flow.max_gap, 6)}
