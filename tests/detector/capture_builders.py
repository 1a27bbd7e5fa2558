"""Capture files built by hand for the fuzz and bad-input tests: struct-packed IPv4/IPv6, TCP/UDP, every
link type the reader knows, pcap and pcapng with a chosen byte order, and valid payloads to mutate.

Framing is written here rather than taken from the simulator's fast writer so that the reader is tested
against an independent encoder (and so that tests can make lengths lie on purpose). The payload seeds do
come from the simulator's message builders: they are the real DNS/TLS/QUIC shapes the detector meets.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable, Iterable

from hypothesis import strategies as st
from stalkerlab.simulator.network.plan import CertSpec
from stalkerlab.simulator.network.render import dns, http, quic, tls
from stalkerlab.simulator.network.render.certificates import chain_der

PHONE_V4, SERVER_V4 = bytes([192, 168, 1, 23]), bytes([203, 0, 113, 9])
PHONE_V6, SERVER_V6 = bytes.fromhex("fd00" + "00" * 12 + "0017"), bytes.fromhex("20010db8" + "00" * 10 + "0009")
LINKTYPE = {"ethernet": 1, "vlan": 1, "qinq": 1, "raw": 101, "sll": 113, "sll2": 276, "ipv4": 228, "ipv6": 229}


# --- network and transport layers -------------------------------------------------------------------------

def ipv4(proto: int, payload: bytes, src: bytes = PHONE_V4, dst: bytes = SERVER_V4,
         total_length: int | None = None) -> bytes:
    """An IPv4 header (no options) and payload; `total_length` lets the header lie about the size."""
    length = 20 + len(payload) if total_length is None else total_length
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, length & 0xFFFF, 1, 0x4000, 64, proto, 0, src, dst) + payload


def ipv6(proto: int, payload: bytes, src: bytes = PHONE_V6, dst: bytes = SERVER_V6,
         payload_length: int | None = None) -> bytes:
    length = len(payload) if payload_length is None else payload_length
    return struct.pack("!IHBB16s16s", 0x60000000, length & 0xFFFF, proto, 64, src, dst) + payload


def tcp(sport: int, dport: int, payload: bytes, seq: int = 1000, flags: int = 0x18) -> bytes:
    """A TCP header without options (checksum left zero: the detector does not verify it)."""
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 1, 5 << 4, flags, 65535, 0, 0) + payload


def udp(sport: int, dport: int, payload: bytes) -> bytes:
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ip_packet(family: int, proto: int, transport: bytes, outbound: bool = True) -> bytes:
    src, dst = (PHONE_V4, SERVER_V4) if family == 4 else (PHONE_V6, SERVER_V6)
    if not outbound:
        src, dst = dst, src
    return ipv4(proto, transport, src, dst) if family == 4 else ipv6(proto, transport, src, dst)


# --- link layers ------------------------------------------------------------------------------------------

def _ethertype(ip: bytes) -> bytes:
    return b"\x86\xdd" if ip[:1] and ip[0] >> 4 == 6 else b"\x08\x00"


def _ethernet(ip: bytes, tags: int = 0) -> bytes:
    vlan = b"".join((b"\x88\xa8" if i == 0 and tags > 1 else b"\x81\x00") + struct.pack("!H", 10 + i)
                    for i in range(tags))
    return b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + vlan + _ethertype(ip) + ip


def _sll(ip: bytes) -> bytes:
    return struct.pack("!HHH8s", 0, 1, 6, b"\x02\x00\x00\x00\x00\x01\x00\x00") + _ethertype(ip) + ip


def _sll2(ip: bytes) -> bytes:
    return _ethertype(ip) + struct.pack("!HIHBB8s", 0, 2, 1, 0, 6, b"\x02\x00\x00\x00\x00\x01\x00\x00") + ip


LINK_WRAP: dict[str, Callable[[bytes], bytes]] = {
    "ethernet": _ethernet,
    "vlan": lambda ip: _ethernet(ip, 1),
    "qinq": lambda ip: _ethernet(ip, 2),
    "raw": lambda ip: ip,
    "sll": _sll,
    "sll2": _sll2,
    "ipv4": lambda ip: ip,
    "ipv6": lambda ip: ip,
}


def links_for(family: int) -> list[str]:
    """Link types that can carry this IP version (LINKTYPE_IPV4/IPV6 carry one version only)."""
    return [name for name in LINK_WRAP if name != ("ipv6" if family == 4 else "ipv4")]


# --- capture files ----------------------------------------------------------------------------------------

def pcap(frames: Iterable[bytes], link: str = "ethernet", *, big_endian: bool = False, nano: bool = False,
         start: int = 1_773_300_000) -> bytes:
    """A classic pcap of these link-layer frames, one per 10 ms."""
    order = ">" if big_endian else "<"
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 262144, LINKTYPE[link])]
    for i, frame in enumerate(frames):
        usec = i * 10_000
        sec, frac = start + usec // 1_000_000, usec % 1_000_000 * (1000 if nano else 1)
        out.append(struct.pack(order + "IIII", sec, frac, len(frame), len(frame)) + frame)
    return b"".join(out)


def pcapng_block(block_type: int, body: bytes, order: str = "<", total: int | None = None) -> bytes:
    """One pcapng block; `total` lets the length fields lie (both copies say the same lie)."""
    body += b"\x00" * (-len(body) % 4)
    length = 12 + len(body) if total is None else total
    return struct.pack(order + "II", block_type, length) + body + struct.pack(order + "I", length)


def pcapng_option(code: int, value: bytes, order: str = "<") -> bytes:
    return struct.pack(order + "HH", code, len(value)) + value + b"\x00" * (-len(value) % 4)


def pcapng_section(order: str = "<") -> bytes:
    return pcapng_block(0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1), order)


def pcapng_interface(link: str = "ethernet", order: str = "<", options: bytes | None = None) -> bytes:
    if options is None:
        options = pcapng_option(9, b"\x06", order) + pcapng_option(0, b"", order)    # if_tsresol: microseconds
    return pcapng_block(1, struct.pack(order + "HHI", LINKTYPE[link], 0, 262144) + options, order)


def pcapng_packet(frame: bytes, ts_us: int, order: str = "<", interface: int = 0,
                  caplen: int | None = None) -> bytes:
    """An enhanced packet block; `caplen` lets the captured length lie."""
    length = len(frame) if caplen is None else caplen
    return pcapng_block(6, struct.pack(order + "IIIII", interface, ts_us >> 32, ts_us & 0xFFFFFFFF,
                                       length, len(frame)) + frame, order)


def pcapng(frames: Iterable[bytes], link: str = "ethernet", *, big_endian: bool = False,
           start_us: int = 1_773_300_000_000_000) -> bytes:
    order = ">" if big_endian else "<"
    return (pcapng_section(order) + pcapng_interface(link, order)
            + b"".join(pcapng_packet(f, start_us + i * 10_000, order) for i, f in enumerate(frames)))


# --- payloads the detector parses -------------------------------------------------------------------------

def dns_query(name: str = "c2.stalker.example", txid: int = 0x1234) -> bytes:
    return dns.dns_query(txid, name, "A")


def dns_response(name: str = "c2.stalker.example", txid: int = 0x1234) -> bytes:
    return dns.dns_response(txid, name, "A", ("203.0.113.9",), 300, 0, "cdn.stalker.example")


def client_hello(sni: str = "c2.stalker.example", tls13: bool = False) -> bytes:
    """A ClientHello record as a client's first bytes on a TLS connection."""
    body = tls.client_hello_body(sni, ("h2", "http/1.1"), "okhttp", tls13, random.Random(7))
    return tls.client_hello_record(body)


def certificate_chain() -> tuple[bytes, ...]:
    return chain_der(CertSpec("c2.stalker.example", ("c2.stalker.example",), "letsencrypt",
                              1_770_000_000, 1_780_000_000, "fuzz-seed"))


def server_flight() -> bytes:
    """ServerHello + Certificate + ServerHelloDone in one record, as a TLS 1.2 server sends them."""
    body = (tls.server_hello_body(False, random.Random(8)) + tls.certificate_body(list(certificate_chain()))
            + tls.server_hello_done())
    return tls.record(tls.HANDSHAKE, body)


def http_request(host: str = "c2.stalker.example") -> bytes:
    return http.http_request_head("POST", host, "/upload", (("User-Agent", "okhttp/4.12"),), 2048)


def quic_initial(sni: str = "c2.stalker.example") -> bytes:
    """A client's QUIC v1 Initial with real Initial protection, padded to 1200 bytes."""
    dcid, scid = bytes(range(8)), bytes(range(8, 16))
    hello = tls.client_hello_body(sni, ("h3",), "okhttp", True, random.Random(9), quic.transport_parameters(scid))
    return quic.initial_packet(dcid, "client", dcid, scid, 0, quic.crypto_frame(hello), pad_to=1200)


# --- whole conversations ----------------------------------------------------------------------------------

def split(data: bytes, cut: int) -> list[bytes]:
    """`data` in `cut`-byte pieces (whole when cut is 0)."""
    return [data[i:i + cut] for i in range(0, len(data), cut)] if cut else [data]


def tcp_conversation(client: list[bytes], server: list[bytes], family: int = 4, dport: int = 443) -> list[bytes]:
    """IP packets of one TCP conversation: the client's segments, then the server's."""
    packets, seq = [], 1000
    for piece in client:
        packets.append(ip_packet(family, 6, tcp(40001, dport, piece, seq)))
        seq += len(piece)
    seq = 5000
    for piece in server:
        packets.append(ip_packet(family, 6, tcp(dport, 40001, piece, seq), outbound=False))
        seq += len(piece)
    return packets


def tcp_segments(client: bytes, server: bytes, family: int = 4, cut: int = 0, dport: int = 443) -> list[bytes]:
    """The client's bytes cut into `cut`-byte segments (whole when cut is 0), then the server's answer."""
    return tcp_conversation(split(client, cut), [server] if server else [], family, dport)


def dns_exchange(query: bytes, response: bytes, family: int = 4) -> list[bytes]:
    return [ip_packet(family, 17, udp(53001, 53, query)), ip_packet(family, 17, udp(53, 53001, response), False)]


def quic_datagram(datagram: bytes, family: int = 4) -> list[bytes]:
    return [ip_packet(family, 17, udp(50001, 443, datagram))]


def seed_packets(family: int = 4) -> list[bytes]:
    """One of everything the detector reads, as IP packets: DNS, TLS 1.2 with a certificate, HTTP, QUIC."""
    return (dns_exchange(dns_query(), dns_response(), family)
            + tcp_segments(client_hello(), server_flight(), family)
            + tcp_segments(http_request(), b"HTTP/1.1 200 OK\r\n\r\n", family, dport=80)
            + quic_datagram(quic_initial(), family))


def seed_capture(fmt: str = "pcap", link: str = "ethernet", family: int = 4) -> bytes:
    frames = [LINK_WRAP[link](p) for p in seed_packets(family)]
    return pcap(frames, link) if fmt == "pcap" else pcapng(frames, link)


# --- mutations of valid bytes (hypothesis strategies) -------------------------------------------------

def _apply(seed: bytes, edits) -> bytes:
    data = bytearray(seed)
    for kind, at, value in edits:
        at = at % (len(data) + 1)
        if kind == "byte" and at < len(data):
            data[at] = value & 0xFF
        elif kind == "length16":          # a 16-bit length field that lies
            data[at:at + 2] = struct.pack("!H", value & 0xFFFF)
        elif kind == "length24":          # TLS handshake and certificate lengths are 24-bit
            data[at:at + 3] = struct.pack("!I", value & 0xFFFFFF)[1:]
        elif kind == "pointer":           # a DNS compression pointer to anywhere, loops included
            data[at:at + 2] = struct.pack("!H", 0xC000 | (value & 0x3FFF))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = bytes([value & 0xFF]) * (1 + value % 7)
    return bytes(data)


def mutated(seed: bytes, kinds=("byte", "length16", "length24", "cut", "insert"), max_edits: int = 5):
    edit = st.tuples(st.sampled_from(kinds), st.integers(0, len(seed)), st.integers(0, 2**24 - 1))
    return st.lists(edit, min_size=1, max_size=max_edits).map(lambda edits: _apply(seed, edits))
