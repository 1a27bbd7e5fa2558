"""Ethernet + IPv4/IPv6 + TCP/UDP frames from per-direction templates.

Everything constant in a direction of a flow (MACs, addresses, ports, TTL) and its share of the checksums
is computed once; each packet only adds its variable words. TCP carries the timestamp option, as
Android's stack does.
"""

from __future__ import annotations

import ipaddress
import struct
from array import array

from stalkerlab.simulator.network.capture.checksum import PayloadBuffer, bytes_sum, fold, pieces_bytes, pieces_sum

ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
ETH_ARP = 0x0806
PROTO_TCP = 6
PROTO_UDP = 17

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

_V4 = struct.Struct("!6s6sHBBHHHBBH4s4s")
_V6 = struct.Struct("!6s6sHIHBB16s16s")
_TCP_TS = struct.Struct("!HHIIHHHHHHII")        # 32-byte header: NOP NOP TS option
_UDP = struct.Struct("!HHHH")
_PCAP_REC = struct.Struct("<IIII").pack
# a pcap record and the headers of a protected QUIC packet, up to its payload: see BulkUdp.pack_run
_V6_RECORD_INTO = struct.Struct("<II68sH8sI").pack_into
_V4_RECORD_INTO = struct.Struct("<II26sH4sH14sH8sI").pack_into


def mac_bytes(mac: str) -> bytes:
    return bytes.fromhex(mac.replace(":", ""))


def ip_bytes(ip: str) -> bytes:
    return ipaddress.ip_address(ip).packed


class Direction:
    """One direction of one flow: src -> dst at the IP and transport layers."""

    __slots__ = ("v6", "eth_src", "eth_dst", "src", "dst", "sport", "dport", "ttl", "proto", "ip_const",
                 "pseudo_const", "tcp_const", "udp_const", "ident")

    def __init__(self, eth_src: bytes, eth_dst: bytes, src: str, dst: str, sport: int, dport: int, ttl: int,
                 proto: int, ident: int):
        self.eth_src, self.eth_dst = eth_src, eth_dst
        self.src, self.dst = ip_bytes(src), ip_bytes(dst)
        self.v6 = len(self.src) == 16
        self.sport, self.dport, self.ttl, self.proto = sport, dport, ttl, proto
        addr_sum = bytes_sum(self.src) + bytes_sum(self.dst)
        # IPv4 header words that never change: version/IHL/TOS, DF flag, TTL/protocol, addresses
        self.ip_const = 0x4500 + 0x4000 + ((ttl << 8) | proto) + addr_sum
        self.pseudo_const = addr_sum + proto
        # TCP words that never change: ports, NOP NOP, option kind/length 8/10, urgent 0
        self.tcp_const = sport + dport + 0x0101 + 0x080A
        self.udp_const = sport + dport
        self.ident = ident

    def reverse(self, ttl: int, ident: int) -> Direction:
        d = Direction.__new__(Direction)
        d.__init__(self.eth_dst, self.eth_src, str(ipaddress.ip_address(self.dst)),
                   str(ipaddress.ip_address(self.src)), self.dport, self.sport, ttl, self.proto, ident)
        return d

    def ip_header(self, payload_len: int) -> bytes:
        if self.v6:
            return _V6.pack(self.eth_dst, self.eth_src, ETH_IPV6, 0x60000000, payload_len, self.proto, self.ttl,
                            self.src, self.dst)
        total = payload_len + 20
        self.ident = (self.ident + 1) & 0xFFFF
        csum = (~fold(self.ip_const + total + self.ident)) & 0xFFFF
        return _V4.pack(self.eth_dst, self.eth_src, ETH_IPV4, 0x45, 0, total, self.ident, 0x4000, self.ttl,
                        self.proto, csum, self.src, self.dst)

    def tcp(self, seq: int, ack: int, flags: int, window: int, tsval: int, tsecr: int, pieces,
            buf: PayloadBuffer) -> bytes:
        """A data or ACK segment with the timestamp option; payload given as pieces."""
        psum, plen = pieces_sum(pieces, buf) if pieces else (0, 0)
        tcp_len = 32 + plen
        offset_flags = (8 << 12) | flags
        total = (self.pseudo_const + tcp_len + self.tcp_const + (seq >> 16) + (seq & 0xFFFF) + (ack >> 16)
                 + (ack & 0xFFFF) + offset_flags + window + (tsval >> 16) + (tsval & 0xFFFF) + (tsecr >> 16)
                 + (tsecr & 0xFFFF) + psum)
        csum = (~fold(total)) & 0xFFFF
        header = _TCP_TS.pack(self.sport, self.dport, seq, ack, offset_flags, window, csum, 0, 0x0101, 0x080A,
                              tsval, tsecr)
        body = pieces_bytes(pieces, buf) if pieces else b""
        return self.ip_header(tcp_len) + header + body

    def tcp_options(self, seq: int, ack: int, flags: int, window: int, options: bytes) -> bytes:
        """A segment with custom options and no payload (SYN, SYN-ACK)."""
        hlen = 20 + len(options)
        raw = struct.pack("!HHIIHHHH", self.sport, self.dport, seq, ack, ((hlen // 4) << 12) | flags, window, 0, 0)
        total = self.pseudo_const + hlen + bytes_sum(raw) + bytes_sum(options)
        csum = (~fold(total)) & 0xFFFF
        return self.ip_header(hlen) + raw[:16] + struct.pack("!HH", csum, 0) + options

    def udp(self, pieces, buf: PayloadBuffer) -> bytes:
        psum, plen = pieces_sum(pieces, buf)
        length = 8 + plen
        total = self.pseudo_const + length + self.udp_const + length + psum
        csum = (~fold(total)) & 0xFFFF or 0xFFFF
        return self.ip_header(length) + _UDP.pack(self.sport, self.dport, length, csum) + pieces_bytes(pieces, buf)


class BulkUdp:
    """The hot path for protected QUIC packets: a fixed 12-byte short header (flags, 8-byte connection
    id, 3-byte packet number) then a slice of the payload buffer. Everything but the packet number,
    lengths, IP id and the slice is packed and summed once."""

    def __init__(self, direction: Direction, first_byte: int, dcid: bytes, buf: PayloadBuffer):
        d = self.d = direction
        self.buf = buf
        self.prefix = buf.prefix
        self.view = buf.view
        head = bytes([first_byte]) + dcid
        # header words without the packet number: (flags,c0)(c1,c2)(c3,c4)(c5,c6) and c7 as a high byte
        self.const = d.pseudo_const + d.udp_const + bytes_sum(head[:8]) + (head[8] << 8)
        ports = struct.pack("!HH", d.sport, d.dport)
        if d.v6:
            layout = struct.Struct("!18sH38sHH9sBH")
            self.before = d.eth_dst + d.eth_src + struct.pack("!HI", ETH_IPV6, 0x60000000)
            self.middle = struct.pack("!BB", d.proto, d.ttl) + d.src + d.dst + ports
        else:
            layout = struct.Struct("!16sHH4sH12sHH9sBH")
            self.before = d.eth_dst + d.eth_src + struct.pack("!HBB", ETH_IPV4, 0x45, 0)
            self.middle = struct.pack("!HBB", 0x4000, d.ttl, d.proto)
            self.addrs = d.src + d.dst + ports
        self.pack, self.pack_into = layout.pack, layout.pack_into
        self.head = head
        self.frame = self._frame_v6 if d.v6 else self._frame_v4
        self.overhead = (74 if d.v6 else 54)      # Ethernet + IP + UDP + short header, before the slice

    def pack_run(self, block: bytearray, origin: int, stamps: list[int], positions: list[int], pn: int,
                 ident: int, length: int) -> None:
        """Headers of packets with `length` bytes of payload, numbered from `pn + 1` with IPv4 ids from
        `ident + 1`, packed as pcap records into `block` at `positions`, with timestamps `stamps`. The
        payload is already in the block: the payload buffer's sequence, `block[k]` being its byte at
        `origin + k` (see Download). This loop is the whole cost of a video download, so each packet is
        one little-endian pack_into of what varies:

        - the big-endian fields go in byte-swapped: for a 16-bit value v, swap(v) = 256 v mod 0xFFFF, so
          a checksum comes out swapped by multiplying its sum by 256;
        - a folded one's complement sum of x > 0 is x mod 0xFFFF (0xFFFF for multiples), so the UDP
          checksum is 0xFFFF - x mod 0xFFFF (never 0) and the IPv4 one -x mod 0xFFFF; a 3-byte packet
          number adds as pn itself, since 65536 = 1 mod 0xFFFF;
        - the packet number's three bytes and the connection id's last byte are one 32-bit word per
          packet, byte-swapped by `array` in one go."""
        count = len(stamps)
        if not count:
            return
        if (origin | length) & 1:
            raise ValueError("download payloads start at even offsets and have even lengths")
        buf, d, head = self.buf, self.d, self.head
        prefix, period = buf.prefix, buf.period
        prefix_after = memoryview(prefix)[length >> 1:]      # prefix_after[h] - prefix[h]: sum of one payload
        origin += 16 + self.overhead            # the payload of the record at `pos` is at origin + pos
        udp_len = 20 + length
        total_base = self.const + udp_len + udp_len
        bases = range(total_base + pn + 1, total_base + pn + 1 + count)      # checksum sums before the payload
        sizes = struct.pack("<II", self.overhead + length, self.overhead + length)
        words = array("I", [head[8] << 24 | (pn + k) & 0xFFFFFF for k in range(1, count + 1)]
                      if pn + count >= 1 << 24 else range(head[8] << 24 | (pn + 1), head[8] << 24 | (pn + 1 + count)))
        words.byteswap()
        head8 = head[:8]
        if d.v6:
            pack_into = _V6_RECORD_INTO
            fixed = sizes + self.before + struct.pack("!H", udp_len) + self.middle + struct.pack("!H", udp_len)
            for ts, pos, base, word in zip(stamps, positions, bases, words, strict=True):
                half = ((origin + pos) % period) >> 1
                total = base + prefix_after[half] - prefix[half]
                pack_into(block, pos, ts // 1_000_000, ts % 1_000_000, fixed, 0xFFFF - (total << 8) % 0xFFFF,
                          head8, word)
            return
        pack_into = _V4_RECORD_INTO
        fixed_start = sizes + self.before + struct.pack("!H", udp_len + 20)
        fixed_end = self.addrs + struct.pack("!H", udp_len)
        ip_base = (d.ip_const + udp_len + 20) << 8
        idents = array("H", [(ident + k) & 0xFFFF for k in range(1, count + 1)])
        idents.byteswap()
        middle = self.middle
        for ts, pos, base, word, swapped_ident in zip(stamps, positions, bases, words, idents, strict=True):
            half = ((origin + pos) % period) >> 1
            total = base + prefix_after[half] - prefix[half]
            pack_into(block, pos, ts // 1_000_000, ts % 1_000_000, fixed_start, swapped_ident, middle,
                      -(ip_base + swapped_ident) % 0xFFFF, fixed_end, 0xFFFF - (total << 8) % 0xFFFF, head8, word)

    def pcap_record(self, ts: int, pn: int, start: int, length: int) -> bytes:
        """The frame already wrapped in its pcap record: saves a pass over a million frames."""
        n = self.overhead + length
        return _PCAP_REC(ts // 1_000_000, ts % 1_000_000, n, n) + self.frame(pn, start, length)

    def checksum(self, pn: int, start: int, length: int) -> int:
        """UDP checksum; two folds are enough because every sum here stays below 2**32."""
        udp_len = 20 + length
        half = start >> 1
        prefix = self.prefix
        total = self.const + udp_len + udp_len + (pn >> 16 & 0xFF) + (pn & 0xFFFF) \
            + prefix[half + (length >> 1)] - prefix[half]
        if length & 1:
            total += self.buf.data[start + length - 1] << 8
        total = (total & 0xFFFF) + (total >> 16)
        total = (total & 0xFFFF) + (total >> 16)
        return (~total) & 0xFFFF or 0xFFFF

    def _frame_v6(self, pn: int, start: int, length: int) -> bytes:
        """`start` must be even: the slice then sits at an even offset after the 12-byte header."""
        udp_len = 20 + length
        return self.pack(self.before, udp_len, self.middle, udp_len, self.checksum(pn, start, length), self.head,
                         pn >> 16 & 0xFF, pn & 0xFFFF) + self.view[start:start + length]

    def ip_checksum(self, udp_len: int, ident: int) -> int:
        ip_sum = self.d.ip_const + udp_len + 20 + ident
        ip_sum = (ip_sum & 0xFFFF) + (ip_sum >> 16)
        ip_sum = (ip_sum & 0xFFFF) + (ip_sum >> 16)
        return (~ip_sum) & 0xFFFF

    def _frame_v4(self, pn: int, start: int, length: int) -> bytes:
        d = self.d
        udp_len = 20 + length
        ident = d.ident = (d.ident + 1) & 0xFFFF
        return self.pack(self.before, udp_len + 20, ident, self.middle, self.ip_checksum(udp_len, ident), self.addrs,
                         udp_len, self.checksum(pn, start, length), self.head, pn >> 16 & 0xFF, pn & 0xFFFF) \
            + self.view[start:start + length]


def arp(eth_src: bytes, eth_dst: bytes, op: int, sender_mac: bytes, sender_ip: str, target_mac: bytes,
        target_ip: str) -> bytes:
    frame = (eth_dst + eth_src + struct.pack("!HHHBBH", ETH_ARP, 1, 0x0800, 6, 4, op) + sender_mac
             + ip_bytes(sender_ip) + target_mac + ip_bytes(target_ip))
    return frame + b"\0" * (60 - len(frame))     # Ethernet minimum frame size (without FCS)
