"""CapturePlan -> frames -> capture file. One renderer per session kind. Ordinary frames are wrapped as
records when rendered; video downloads (most of a busy capture) stay numbers until the file is written
(see bursts.py). The file holds all of them in the order of a stable sort by timestamp."""

from __future__ import annotations

import heapq
import random
from pathlib import Path

from stalkerlab.simulator.network.capture.bursts import NEVER, BlockPool, Burst, Download
from stalkerlab.simulator.network.capture.capture_file import (
    pcap_header,
    pcap_record,
    pcapng_header,
    pcapng_record,
    write_atomic,
)
from stalkerlab.simulator.network.capture.checksum import PayloadBuffer
from stalkerlab.simulator.network.capture.frames import (
    ACK,
    FIN,
    PROTO_TCP,
    PROTO_UDP,
    PSH,
    RST,
    SYN,
    BulkUdp,
    Direction,
    arp,
    mac_bytes,
)
from stalkerlab.simulator.network.plan import (
    Arp,
    CaptureIndex,
    CapturePlan,
    Dhcp,
    DnsLookup,
    Exchange,
    Lan,
    Mdns,
    TcpSession,
    UdpSession,
)
from stalkerlab.simulator.network.render import dhcp, dns, http, ntp, quic, tls
from stalkerlab.simulator.network.render.certificates import chain_der

BUFFER_BYTES = 1 << 21          # 2 MiB of "ciphertext" to slice payloads from
TLS_RECORD_MAX = 16384
DOWNLINK_BPS = 60e6             # Wi-Fi as the access point sees it
UPLINK_BPS = 25e6
BROADCAST = b"\xff" * 6


class Sink:
    """Collects (timestamp in microseconds, record) where a record is the frame already wrapped for the
    capture format, remembers the first record of each tag, and keeps video downloads apart as
    `Download`s, packed only when the file is written.

    The file holds all records in the order of a stable sort by timestamp alone: frames with equal
    timestamps keep the order in which their session produced them."""

    def __init__(self, end: float, fmt: str):
        self.frames: list[tuple[int, bytes]] = []
        self.downloads: list[Download] = []
        self.end_us = int(end * 1_000_000)
        self.tags: dict[str, bytes] = {}
        self.pcap = fmt == "pcap"
        self.wrap = pcap_record if self.pcap else pcapng_record

    def add(self, t: float, frame: bytes, tag: str | None = None) -> None:
        ts = int(t * 1_000_000)
        if ts > self.end_us:
            return
        record = self.wrap(ts, frame)
        self.frames.append((ts, record))
        if tag and tag not in self.tags:
            self.tags[tag] = record

    def add_download(self, down: Burst, acks: Burst, origin: int) -> None:
        self.downloads.append(Download(down, acks, len(self.frames) - 1, len(self.downloads), origin))


class Context:
    def __init__(self, plan: CapturePlan, fmt: str = "pcap"):
        self.plan = plan
        self.lan: Lan = plan.lan
        self.rng = random.Random(plan.payload_seed)
        # offsets are drawn below 2 MiB; the wrap covers the longest slice (one TLS record)
        self.buf = PayloadBuffer(self.rng.randbytes(BUFFER_BYTES), wrap=20000)
        self.phone_mac = mac_bytes(plan.lan.phone_mac)
        self.gw_mac = mac_bytes(plan.lan.gateway_mac)
        self.sink = Sink(plan.end, fmt)
        self.phone_ident = self.rng.randrange(0x10000)
        self.boot = plan.start - self.rng.uniform(3600, 86400 * 3)    # phone uptime base for TCP timestamps

    def slice(self, length: int) -> tuple[int, int]:
        return (self.rng.getrandbits(20) << 1, length)

    def even_offset(self) -> int:
        return self.rng.getrandbits(20) << 1

    def phone_ip(self, dst: str) -> str:
        return self.lan.phone_ipv6 if ":" in dst else self.lan.phone_ip

    def flow(self, dst: str, sport: int, dport: int, proto: int) -> tuple[Direction, Direction]:
        out = Direction(self.phone_mac, self.gw_mac, self.phone_ip(dst), dst, sport, dport, 64, proto,
                        self.rng.randrange(0x10000))
        back = out.reverse(self.rng.choice((50, 52, 54, 56, 57, 58, 116)), self.rng.randrange(0x10000))
        return out, back


def _records(ctx: Context, plaintext: int, tls13: bool) -> list:
    """Application-data records carrying `plaintext` bytes, as payload pieces."""
    pieces = []
    extra = 17 if tls13 else 24
    while plaintext > 0:
        chunk = min(plaintext, TLS_RECORD_MAX)
        body = chunk + extra
        pieces.append(tls.record(tls.APPDATA, b"")[:3] + body.to_bytes(2, "big"))
        pieces.append(ctx.slice(body))
        plaintext -= chunk
    return pieces


def _cut(pieces: list, size: int) -> list[list]:
    """Split a payload (list of pieces) into segments of at most `size` bytes."""
    segments, current, room = [], [], size
    for piece in pieces:
        if type(piece) is tuple:
            start, length = piece
            while length:
                take = min(length, room)
                current.append((start, take))
                start, length, room = start + take, length - take, room - take
                if room == 0:
                    segments.append(current)
                    current, room = [], size
        else:
            data = piece
            while data:
                take = data[:room]
                current.append(take)
                data, room = data[len(take):], room - len(take)
                if room == 0:
                    segments.append(current)
                    current, room = [], size
    if current:
        segments.append(current)
    return segments


def _length(pieces: list) -> int:
    return sum(p[1] if type(p) is tuple else len(p) for p in pieces)


class TcpRenderer:
    def __init__(self, ctx: Context, s: TcpSession):
        self.ctx, self.s = ctx, s
        self.out, self.back = ctx.flow(s.dst_ip, s.src_port, s.dst_port, PROTO_TCP)
        v6 = ":" in s.dst_ip
        self.mss = (1440 if v6 else 1460) - 12
        self.seq_c = ctx.rng.getrandbits(32)
        self.seq_s = ctx.rng.getrandbits(32)
        self.rtt = max(s.rtt, 0.002)
        self.server_clock = ctx.rng.getrandbits(31)
        self.t = s.start

    def ts_c(self, t: float) -> int:
        return int((t - self.ctx.boot) * 1000) & 0xFFFFFFFF

    def ts_s(self, t: float) -> int:
        return (self.server_clock + int((t - self.s.start) * 1000)) & 0xFFFFFFFF

    def send(self, from_phone: bool, t: float, pieces: list, tag: str | None = None) -> float:
        """Send a payload from one side; the other side ACKs every second segment. Returns the time the
        last byte is seen at the access point."""
        ctx, sink, buf = self.ctx, self.ctx.sink, self.ctx.buf
        segments = _cut(pieces, self.mss)
        rate = UPLINK_BPS if from_phone else DOWNLINK_BPS
        ack_delay = self.rtt if from_phone else 0.0002
        for i, seg in enumerate(segments):
            n = _length(seg)
            last = i == len(segments) - 1
            flags = ACK | (PSH if last else 0)
            if from_phone:
                frame = self.out.tcp(self.seq_c, self.seq_s, flags, 2000, self.ts_c(t), self.ts_s(t), seg, buf)
                self.seq_c = (self.seq_c + n) & 0xFFFFFFFF
            else:
                frame = self.back.tcp(self.seq_s, self.seq_c, flags, 501, self.ts_s(t), self.ts_c(t), seg, buf)
                self.seq_s = (self.seq_s + n) & 0xFFFFFFFF
            sink.add(t, frame, tag if i == 0 else None)
            if i % 2 == 1 or last:
                ta = t + ack_delay
                if from_phone:
                    sink.add(ta, self.back.tcp(self.seq_s, self.seq_c, ACK, 501, self.ts_s(ta), self.ts_c(t), None,
                                               buf))
                else:
                    sink.add(ta, self.out.tcp(self.seq_c, self.seq_s, ACK, 2000, self.ts_c(ta), self.ts_s(t), None,
                                              buf))
            t += (n + 66) * 8 / rate + ctx.rng.uniform(0, 0.00005)
        return t

    def render(self) -> None:
        s, ctx, sink = self.s, self.ctx, self.ctx.sink
        t = s.start
        mss_opt = (self.mss + 12).to_bytes(2, "big")
        syn_opts = (b"\x02\x04" + mss_opt + b"\x04\x02\x08\x0a" + self.ts_c(t).to_bytes(4, "big")
                    + b"\0\0\0\0\x01\x03\x03\x09")
        sink.add(t, self.out.tcp_options(self.seq_c, 0, SYN, 65535, syn_opts), s.tag)
        self.seq_c = (self.seq_c + 1) & 0xFFFFFFFF
        t1 = t + self.rtt
        synack_opts = (b"\x02\x04" + mss_opt + b"\x04\x02\x08\x0a" + self.ts_s(t1).to_bytes(4, "big")
                       + self.ts_c(t).to_bytes(4, "big") + b"\x01\x03\x03\x07")
        sink.add(t1, self.back.tcp_options(self.seq_s, self.seq_c, SYN | ACK, 65160, synack_opts))
        self.seq_s = (self.seq_s + 1) & 0xFFFFFFFF
        t2 = t1 + 0.0003
        sink.add(t2, self.out.tcp(self.seq_c, self.seq_s, ACK, 2000, self.ts_c(t2), self.ts_s(t1), None, ctx.buf))
        t = t2 + 0.0002
        tls13 = False
        if s.tls:
            t, tls13 = self.handshake(t)
        for h in s.http:
            head = http.http_request_head(h.method, h.host, h.path, h.headers, len(h.body))
            t = self.send(True, max(t, h.at), [head, h.body] if h.body else [head], h.tag)
            resp = http.http_response_head(h.status, t + self.rtt, h.response_headers, len(h.response_body))
            t = self.send(False, t + self.rtt + 0.003, [resp, h.response_body] if h.response_body else [resp])
        for e in s.exchanges:
            t = max(t, e.at)
            if e.up:
                up = _records(ctx, e.up, tls13) if s.tls else [ctx.slice(e.up)]
                t = self.send(True, t, up, e.tag)
            if e.down:
                down = _records(ctx, e.down, tls13) if s.tls else [ctx.slice(e.down)]
                t = self.send(False, t + self.rtt + ctx.rng.uniform(0.001, 0.02), down)
        if s.end is not None:
            self.close(max(t + 0.01, s.end))

    def handshake(self, t: float) -> tuple[float, bool]:
        s, ctx = self.s, self.ctx
        tls13 = s.tls.version == "1.3"
        hello = tls.client_hello_body(s.tls.sni, s.tls.alpn, s.tls.client, tls13, ctx.rng)
        tag = f"{s.tag}:hello" if s.tag else None
        t = self.send(True, t, [tls.client_hello_record(hello)], tag)
        t += self.rtt + 0.002
        if tls13:
            flight = (tls.record(tls.HANDSHAKE, tls.server_hello_body(True, ctx.rng, ctx.rng.randbytes(32)))
                      + tls.record(tls.CCS, b"\x01"))
            t = self.send(False, t, [flight] + _records(ctx, ctx.rng.randint(2400, 4200), True))
            t = self.send(True, t + 0.004, [tls.record(tls.CCS, b"\x01")] + _records(ctx, 36, True))
            return t, True
        chain = chain_der(s.tls.cert) if s.tls.cert else ()
        flight = tls.record(tls.HANDSHAKE, tls.server_hello_body(False, ctx.rng))
        if chain:
            flight += tls.record(tls.HANDSHAKE, tls.certificate_body(list(chain)))
        flight += tls.record(tls.HANDSHAKE, tls.server_hello_done())
        t = self.send(False, t, [flight])
        finished = tls.record(tls.HANDSHAKE, ctx.rng.randbytes(40))
        t = self.send(True, t + 0.003, [tls.record(tls.HANDSHAKE, tls.client_key_exchange(ctx.rng)),
                                        tls.record(tls.CCS, b"\x01"), finished])
        t = self.send(False, t + self.rtt, [tls.record(tls.CCS, b"\x01"), tls.record(tls.HANDSHAKE,
                                                                                       ctx.rng.randbytes(40))])
        return t, False

    def close(self, t: float) -> None:
        sink, buf = self.ctx.sink, self.ctx.buf
        if self.s.close == "rst":
            sink.add(t, self.out.tcp(self.seq_c, self.seq_s, RST | ACK, 0, self.ts_c(t), self.ts_s(t), None, buf))
            return
        sink.add(t, self.out.tcp(self.seq_c, self.seq_s, FIN | ACK, 2000, self.ts_c(t), self.ts_s(t), None, buf))
        self.seq_c = (self.seq_c + 1) & 0xFFFFFFFF
        t1 = t + self.rtt
        sink.add(t1, self.back.tcp(self.seq_s, self.seq_c, FIN | ACK, 501, self.ts_s(t1), self.ts_c(t), None, buf))
        self.seq_s = (self.seq_s + 1) & 0xFFFFFFFF
        t2 = t1 + 0.0002
        sink.add(t2, self.out.tcp(self.seq_c, self.seq_s, ACK, 2000, self.ts_c(t2), self.ts_s(t1), None, buf))


def render_quic(ctx: Context, s: UdpSession) -> None:
    out, back = ctx.flow(s.dst_ip, s.src_port, s.dst_port, PROTO_UDP)
    rng, sink = ctx.rng, ctx.sink
    dcid, scid, server_cid = rng.randbytes(8), rng.randbytes(8), rng.randbytes(8)
    hello = tls.client_hello_body(s.sni, s.alpn or ("h3",), "chrome", True, rng, quic.transport_parameters(scid))
    t = s.start
    client_initial = quic.initial_packet(dcid, "client", dcid, scid, 0, quic.crypto_frame(hello), pad_to=1200)
    sink.add(t, out.udp([client_initial], ctx.buf), s.tag)
    t += s.rtt
    server_hello = tls.server_hello_body(True, rng)
    server_initial = quic.initial_packet(dcid, "server", scid, server_cid, 0,
                                         quic.ack_frame(0) + quic.crypto_frame(server_hello))
    sink.add(t, back.udp([server_initial], ctx.buf))
    pn_c, pn_s = 0, 0
    up_bulk = BulkUdp(out, 0x42, server_cid, ctx.buf)
    down_bulk = BulkUdp(back, 0x42, scid, ctx.buf)
    for size in (1200, 1200, rng.randint(300, 900)):          # server's Handshake flight (protected)
        pn_s += 1
        t += 0.0003
        sink.add(t, down_bulk.frame(pn_s, ctx.even_offset(), size - 12))
    t += 0.003
    for e in s.exchanges:
        t = max(t, e.at)
        t, pn_c, pn_s = _quic_transfer(ctx, up_bulk, down_bulk, t, e, pn_c, pn_s, s.rtt)


def _quic_transfer(ctx, up_bulk, down_bulk, t, e: Exchange, pn_c, pn_s, rtt):
    """Protected 1-RTT packets for one exchange; the phone ACKs every third packet of a download.
    This loop writes most packets of a busy phone (video), hence the local names."""
    rng, sink = ctx.rng, ctx.sink
    append, end_us, wrap = sink.frames.append, sink.end_us, sink.wrap
    bits = rng.getrandbits
    if sink.pcap:
        up_record, down_record = up_bulk.pcap_record, down_bulk.pcap_record
    else:
        def up_record(ts, pn, start, length):
            return wrap(ts, up_bulk.frame(pn, start, length))

        def down_record(ts, pn, start, length):
            return wrap(ts, down_bulk.frame(pn, start, length))
    up_frame = up_bulk.frame
    up = e.up
    if up > 0:
        n = min(up, 1200)
        pn_c += 1
        sink.add(t, up_frame(pn_c, bits(20) << 1, n + 16), e.tag)
        up -= n
        t += (n + 60) * 8 / UPLINK_BPS
    while up > 0:
        ts = int(t * 1_000_000)
        if ts > end_us:
            break
        n = min(up, 1200)
        pn_c += 1
        append((ts, up_record(ts, pn_c, bits(20) << 1, n + 16)))
        up -= n
        t += (n + 60) * 8 / UPLINK_BPS
    t += rtt + rng.uniform(0.001, 0.01)
    step = 1292 * 8 / DOWNLINK_BPS
    if sink.pcap and e.down > 0:
        # the bulk of a busy capture: whole bursts at once, the phone ACKing every third packet
        count = min(-(-e.down // 1232), max(0, int((end_us - t * 1_000_000) / (step * 1_000_000)) + 1))
        if count:
            last = e.down - (count - 1) * 1232 if count == -(-e.down // 1232) else 1232
            last += last & 1                  # even, as BulkUdp.pack_run needs
            down = Burst(down_bulk, t * 1_000_000, step * 1_000_000, pn_s, count, 1248, last + 16)
            acks = Burst(up_bulk, t * 1_000_000 + 2 * step * 1_000_000 + 200, 3 * step * 1_000_000, pn_c,
                         count // 3, 42, 42)
            sink.add_download(down, acks, ctx.even_offset())
            pn_s += down.count
            pn_c += acks.count
        return t + count * step, pn_c, pn_s
    down, count = e.down, 0
    while down > 0:
        ts = int(t * 1_000_000)
        if ts > end_us:
            break
        n = 1232 if down > 1232 else down
        pn_s += 1
        append((ts, down_record(ts, pn_s, bits(20) << 1, n + 16)))
        down -= n
        count += 1
        if (count % 3 == 0 or down <= 0) and ts + 200 <= end_us:
            pn_c += 1
            append((ts + 200, up_record(ts + 200, pn_c, bits(20) << 1, 20 + (count & 15))))
        t += step
    return t, pn_c, pn_s


def render_udp(ctx: Context, s: UdpSession) -> None:
    out, back = ctx.flow(s.dst_ip, s.src_port, s.dst_port, PROTO_UDP)
    sink, buf, rng = ctx.sink, ctx.buf, ctx.rng
    if s.kind == "ntp":
        t = s.start
        sink.add(t, out.udp([ntp.ntp_request(t)], buf), s.tag)
        sink.add(t + s.rtt, back.udp([ntp.ntp_response(t, t + s.rtt / 2, t + s.rtt / 2 + 0.0001)], buf))
        return
    if s.kind == "wireguard":
        t = s.start
        sender, receiver = rng.randbytes(4), rng.randbytes(4)
        sink.add(t, out.udp([b"\x01\0\0\0" + sender, ctx.slice(140)], buf), s.tag)
        sink.add(t + s.rtt, back.udp([b"\x02\0\0\0" + receiver + sender, ctx.slice(84)], buf))
        counters = [0, 0]
        for e in s.exchanges:
            t = max(t + 0.0001, e.at)
            for size, direction, index, peer in ((e.up, out, 0, receiver), (e.down, back, 1, sender)):
                while size > 0:
                    n = min(size, 1420)
                    padded = (n + 15) // 16 * 16
                    header = b"\x04\0\0\0" + peer + counters[index].to_bytes(8, "little")
                    counters[index] += 1
                    sink.add(t, direction.udp([header, ctx.slice(padded + 16)], buf))
                    size -= n
                    t += (n + 80) * 8 / (UPLINK_BPS if index == 0 else DOWNLINK_BPS)
                t += s.rtt / 2
        return
    t = s.start
    for e in s.exchanges:
        t = max(t, e.at)
        if e.up:
            sink.add(t, out.udp([ctx.slice(min(e.up, 1400))], buf), e.tag)
        if e.down:
            sink.add(t + s.rtt, back.udp([ctx.slice(min(e.down, 1400))], buf))


def render_dns(ctx: Context, s: DnsLookup) -> None:
    lan = ctx.lan
    sport = ctx.rng.randrange(32768, 61000)
    out = Direction(ctx.phone_mac, ctx.gw_mac, lan.phone_ip, lan.gateway_ip, sport, 53, 64, PROTO_UDP,
                    ctx.rng.randrange(0x10000))
    back = out.reverse(64, ctx.rng.randrange(0x10000))
    txid = ctx.rng.randrange(0x10000)
    ctx.sink.add(s.at, out.udp([dns.dns_query(txid, s.name, s.qtype)], ctx.buf), s.tag)
    response = dns.dns_response(txid, s.name, s.qtype, s.answers, s.ttl, s.rcode, s.cname)
    ctx.sink.add(s.at + s.rtt, back.udp([response], ctx.buf))


def render_mdns(ctx: Context, s: Mdns) -> None:
    lan = ctx.lan
    v4 = Direction(ctx.phone_mac, bytes.fromhex("01005e0000fb"), lan.phone_ip, "224.0.0.251", 5353, 5353, 255,
                   PROTO_UDP, ctx.rng.randrange(0x10000))
    ctx.sink.add(s.at, v4.udp([dns.mdns_query(s.name)], ctx.buf))
    if lan.phone_ipv6:
        link_local = "fe80::" + lan.phone_mac.replace(":", "")[:4] + ":" + lan.phone_mac.replace(":", "")[4:8] \
            + ":" + lan.phone_mac.replace(":", "")[8:12]
        v6 = Direction(ctx.phone_mac, bytes.fromhex("3333000000fb"), link_local, "ff02::fb", 5353, 5353, 255,
                       PROTO_UDP, 0)
        ctx.sink.add(s.at + 0.0004, v6.udp([dns.mdns_query(s.name)], ctx.buf))


def render_dhcp(ctx: Context, s: Dhcp) -> None:
    lan, rng = ctx.lan, ctx.rng
    xid = rng.getrandbits(32)
    out = Direction(ctx.phone_mac, BROADCAST, "0.0.0.0", "255.255.255.255", 68, 67, 64, PROTO_UDP, 0)
    back = Direction(ctx.gw_mac, BROADCAST, lan.gateway_ip, "255.255.255.255", 67, 68, 64, PROTO_UDP,
                     rng.randrange(0x10000))
    common = dict(client_mac=ctx.phone_mac, lease_s=lan.dhcp_lease_s, subnet_prefix=lan.subnet_prefix,
                  vendor_class=s.vendor_class)
    t = s.at
    ctx.sink.add(t, out.udp([dhcp.dhcp(1, 1, xid, yiaddr="0.0.0.0", siaddr="0.0.0.0", hostname=lan.phone_hostname,
                                           server_id=None, requested=None, router=None, **common)], ctx.buf), "dhcp")
    ctx.sink.add(t + 0.004, back.udp([dhcp.dhcp(2, 2, xid, yiaddr=lan.phone_ip, siaddr=lan.gateway_ip,
                                                    hostname=None, server_id=lan.gateway_ip, requested=None,
                                                    router=lan.gateway_ip, **common)], ctx.buf))
    ctx.sink.add(t + 0.012, out.udp([dhcp.dhcp(1, 3, xid, yiaddr="0.0.0.0", siaddr="0.0.0.0",
                                                   hostname=lan.phone_hostname, server_id=lan.gateway_ip,
                                                   requested=lan.phone_ip, router=None, elapsed=1, **common)], ctx.buf))
    ctx.sink.add(t + 0.016, back.udp([dhcp.dhcp(2, 5, xid, yiaddr=lan.phone_ip, siaddr=lan.gateway_ip,
                                                    hostname=None, server_id=lan.gateway_ip, requested=None,
                                                    router=lan.gateway_ip, **common)], ctx.buf))


def render_arp(ctx: Context, s: Arp) -> None:
    lan = ctx.lan
    ctx.sink.add(s.at, arp(ctx.phone_mac, BROADCAST, 1, ctx.phone_mac, lan.phone_ip, b"\0" * 6, s.target_ip))
    ctx.sink.add(s.at + 0.0015, arp(ctx.gw_mac, ctx.phone_mac, 2, ctx.gw_mac, s.target_ip, ctx.phone_mac,
                                    lan.phone_ip))


def render(ctx: Context, session) -> None:
    if isinstance(session, TcpSession):
        TcpRenderer(ctx, session).render()
    elif isinstance(session, UdpSession):
        (render_quic if session.kind == "quic" else render_udp)(ctx, session)
    elif isinstance(session, DnsLookup):
        render_dns(ctx, session)
    elif isinstance(session, Mdns):
        render_mdns(ctx, session)
    elif isinstance(session, Dhcp):
        render_dhcp(ctx, session)
    elif isinstance(session, Arp):
        render_arp(ctx, session)
    else:
        raise TypeError(f"unknown session type {type(session).__name__}")


class RecordOrder:
    """The sink's records in file order, as chunks to write: a k-way merge of the ordinary records
    (sorted by timestamp, stable) and the downloads, each of which is written in runs straight from its
    block until another record comes first. Counts packets and numbers the tagged ones on the way."""

    def __init__(self, sink: Sink):
        self.sink = sink
        self.packets = 0
        self.first_ts: int | None = None
        self.last_ts: int | None = None
        self.key_packets: dict[str, int] = {}

    def size(self) -> int:
        """Bytes of all records."""
        return sum(len(record) for _ts, record in self.sink.frames) + sum(d.size() for d in self.sink.downloads)

    def __iter__(self):
        frames, downloads = self.sink.frames, self.sink.downloads
        wanted = {id(record): tag for tag, record in self.sink.tags.items()}
        stamps = [ts for ts, _record in frames]
        order = sorted(range(len(frames)), key=stamps.__getitem__)         # stable: ties keep render order
        # downloads by their next record, as (timestamp, major, minor, index); ordinary record k sorts as
        # (timestamp, k, -1), so that on equal timestamps the record drawn first goes first
        heap = [(d.next_ts(), d.major, d.minor, n) for n, d in enumerate(downloads)]
        heapq.heapify(heap)
        pool = BlockPool()
        cursor, count = 0, len(order)
        while cursor < count or heap:
            bound = heap[0][:3] if heap else None
            while cursor < count:                # the ordinary records before the next download's
                k = order[cursor]
                ts, record = frames[k]
                if bound is not None and (ts, k, -1) > bound:
                    break
                self.packets += 1
                tag = wanted.get(id(record))
                if tag is not None and tag not in self.key_packets:
                    self.key_packets[tag] = self.packets
                if self.first_ts is None:
                    self.first_ts = ts
                self.last_ts = ts
                yield record
                cursor += 1
            if not heap:
                break
            ts, major, minor, source = heapq.heappop(heap)
            if self.first_ts is None:
                self.first_ts = ts
            following = [heap[0][:3]] if heap else []
            if cursor < count:
                k = order[cursor]
                following.append((frames[k][0], k, -1))
            limit = NEVER
            if following:
                next_ts, next_major, next_minor = min(following)
                limit = next_ts if (major, minor) < (next_major, next_minor) else next_ts - 1
            download = downloads[source]
            chunk, packets, self.last_ts = download.take_until(limit, pool)
            yield chunk
            self.packets += packets
            next_ts = download.next_ts()
            if next_ts != NEVER:
                heapq.heappush(heap, (next_ts, major, minor, source))


def write_capture(plan: CapturePlan, path: Path, fmt: str = "pcap") -> CaptureIndex:
    if fmt not in ("pcap", "pcapng"):
        raise ValueError(f"unknown capture format {fmt!r}")
    ctx = Context(plan, fmt)
    for session in plan.sessions:
        render(ctx, session)
    header = pcap_header() if fmt == "pcap" else pcapng_header(plan.comment)
    records = RecordOrder(ctx.sink)
    size = write_atomic(path, header, records, len(header) + records.size())
    return CaptureIndex(packets=records.packets, bytes=size,
                        first_ts=records.first_ts / 1e6 if records.first_ts is not None else None,
                        last_ts=records.last_ts / 1e6 if records.last_ts is not None else None,
                        key_packets=records.key_packets)
