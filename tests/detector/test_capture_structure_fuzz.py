"""Structure-aware fuzzing of the capture side through run_detection: valid pcap/pcapng files on every link
type, whose payloads are DNS messages with lying counts and compression pointers, TLS ClientHellos and
certificate messages with lying lengths (split over TCP segments), HTTP heads and QUIC Initials with
mutated contents. The bar (issue 3): a finished analysis or a one-line error naming the file, never
another exception, never a hang (the hypothesis deadline catches a slow example).
"""

from __future__ import annotations

import random
import struct
from datetime import timedelta
from functools import cache

from capture_builders import (
    LINK_WRAP,
    certificate_chain,
    client_hello,
    dns_exchange,
    dns_query,
    dns_response,
    http_request,
    links_for,
    mutated,
    pcap,
    pcapng,
    pcapng_block,
    pcapng_interface,
    pcapng_option,
    pcapng_packet,
    pcapng_section,
    quic_datagram,
    quic_initial,
    seed_packets,
    server_flight,
    split,
    tcp_conversation,
    tcp_segments,
)
from fuzz_regressions.targets import capture, payloads
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stalkerlab.simulator.network.render import quic, tls

FUZZ = settings(max_examples=60, deadline=timedelta(milliseconds=2000),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# --- containers: every link type, both file formats and byte orders -------------------------------------------

containers = st.tuples(st.sampled_from((4, 6)), st.sampled_from(("pcap", "pcapng")), st.booleans(),
                       st.integers(0, len(LINK_WRAP) - 1))


def capture_file(packets_for_family, container) -> bytes:
    family, fmt, big_endian, link_index = container
    links = links_for(family)
    link = links[link_index % len(links)]
    frames = [LINK_WRAP[link](p) for p in packets_for_family(family)]
    return (pcap if fmt == "pcap" else pcapng)(frames, link, big_endian=big_endian)


# --- DNS ----------------------------------------------------------------------------------------------------

@st.composite
def dns_messages(draw) -> bytes:
    """A DNS header with counts that may lie, then labels, pointers (forward, backward, to themselves) and
    records whose types and rdata lengths are drawn freely."""
    counts = draw(st.tuples(*[st.integers(0, 0xFFFF)] * 4))
    body = b""
    for _ in range(draw(st.integers(1, 6))):
        part = draw(st.sampled_from(("label", "pointer", "end", "record", "raw")))
        if part == "label":
            text = draw(st.binary(max_size=20))
            body += bytes([draw(st.sampled_from((len(text), draw(st.integers(0, 255)))))]) + text
        elif part == "pointer":
            body += struct.pack("!H", 0xC000 | draw(st.integers(0, 12 + len(body) + 4)))
        elif part == "end":
            body += b"\x00" + struct.pack("!HH", draw(st.sampled_from((1, 5, 28, 65, 255))), 1)
        elif part == "record":
            rdata = draw(st.binary(max_size=20))
            rtype = draw(st.sampled_from((1, 5, 28, 12, 0xFFFF)))
            rdlen = draw(st.sampled_from((len(rdata), draw(st.integers(0, 0xFFFF)))))
            body += b"\xc0\x0c" + struct.pack("!HHIH", rtype, 1, draw(st.integers(0, 2**32 - 1)), rdlen) + rdata
        else:
            body += draw(st.binary(max_size=16))
    flags = draw(st.sampled_from((0x0100, 0x8180, 0x8183)))
    return struct.pack("!HHHHHH", 0x1234, flags, *counts) + body


@FUZZ
@given(dns_messages(), containers)
def test_dns_messages_with_lying_counts_and_pointers(tmp_path, message, container):
    capture(capture_file(lambda f: dns_exchange(dns_query(), message, f), container), tmp_path)


@FUZZ
@given(mutated(dns_response(), kinds=("byte", "length16", "pointer", "cut", "insert")), containers)
def test_mutated_dns_responses(tmp_path, message, container):
    capture(capture_file(lambda f: dns_exchange(dns_query(), message, f), container), tmp_path)


# --- TLS ----------------------------------------------------------------------------------------------------

def _u16(value: int) -> bytes:
    return struct.pack("!H", value & 0xFFFF)


def _u24(value: int) -> bytes:
    return struct.pack("!I", value & 0xFFFFFF)[1:]


def lies(draw, true_length: int) -> int:
    """Usually the truth, often a lie: zero, one off either way, or anything."""
    return draw(st.sampled_from((true_length, true_length, 0, true_length + 1, max(true_length - 1, 0),
                                 draw(st.integers(0, 0xFFFFFF)))))


@st.composite
def lying_client_hellos(draw) -> bytes:
    """A ClientHello assembled field by field, every length drawn from `lies`: record, handshake,
    session id, cipher suites, compression, extensions block and each extension (SNI, ALPN,
    supported_versions, groups, point formats or unknown)."""
    extensions = b""
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from((0, 16, 43, 10, 11, 0x0A0A, draw(st.integers(0, 0xFFFF)))))
        if kind == 0:
            name = draw(st.binary(max_size=40))
            value = _u16(lies(draw, len(name) + 3)) + b"\x00" + _u16(lies(draw, len(name))) + name
        elif kind == 16:
            protos = draw(st.lists(st.binary(max_size=10), max_size=3))
            inner = b"".join(bytes([lies(draw, len(p)) & 0xFF]) + p for p in protos)
            value = _u16(lies(draw, len(inner))) + inner
        elif kind == 43:
            versions = draw(st.binary(max_size=8))
            value = bytes([lies(draw, len(versions)) & 0xFF]) + versions
        else:
            value = draw(st.binary(max_size=24))
        extensions += _u16(kind) + _u16(lies(draw, len(value))) + value
    session = draw(st.binary(max_size=32))
    suites = draw(st.binary(max_size=12))
    body = (b"\x03\x03" + bytes(32) + bytes([lies(draw, len(session)) & 0xFF]) + session
            + _u16(lies(draw, len(suites))) + suites + b"\x01\x00" + _u16(lies(draw, len(extensions))) + extensions)
    handshake = b"\x01" + _u24(lies(draw, len(body))) + body
    return b"\x16\x03\x01" + _u16(lies(draw, len(handshake))) + handshake


@st.composite
def lying_certificate_flights(draw) -> bytes:
    """The server's first records: a Certificate message whose record, handshake, list and entry lengths
    may lie, with valid, mutated or random DER in the entries, optionally after a ServerHello."""
    chain = certificate_chain()
    entries = b""
    for _ in range(draw(st.integers(0, 3))):
        der = draw(st.one_of(st.sampled_from(chain), mutated(chain[0], kinds=("byte", "cut")), st.binary(max_size=40)))
        entries += _u24(lies(draw, len(der))) + der
    message = b"\x0b" + _u24(lies(draw, len(entries) + 3)) + _u24(lies(draw, len(entries))) + entries
    records = [message]
    if draw(st.booleans()):               # the Certificate message split over two records
        cut = draw(st.integers(0, len(message)))
        records = [message[:cut], message[cut:]]
    flight = b"".join(b"\x16\x03\x03" + _u16(lies(draw, len(r))) + r for r in records)
    prefix = tls.record(tls.HANDSHAKE, tls.server_hello_body(False, random.Random(1)))
    return (prefix if draw(st.booleans()) else b"") + flight


segment_sizes = st.sampled_from((0, 1, 5, 9, 64, 700))


@FUZZ
@given(lying_client_hellos(), segment_sizes, containers)
def test_client_hellos_with_lying_lengths_over_tcp_segments(tmp_path, hello, cut, container):
    capture(capture_file(lambda f: tcp_segments(hello, server_flight(), f, cut), container), tmp_path)


@FUZZ
@given(mutated(client_hello()), segment_sizes, containers)
def test_mutated_client_hellos(tmp_path, hello, cut, container):
    capture(capture_file(lambda f: tcp_segments(hello, b"", f, cut), container), tmp_path)


@FUZZ
@given(lying_certificate_flights(), segment_sizes, containers)
def test_certificate_messages_with_lying_lengths(tmp_path, flight, cut, container):
    # the server answers a valid ClientHello so that the detector reads its certificate records
    capture(capture_file(lambda f: tcp_conversation([client_hello()], split(flight, cut), f), container), tmp_path)


@settings(FUZZ, max_examples=300)
@given(mutated(certificate_chain()[0], kinds=("byte", "length16", "cut", "insert"), max_edits=3))
def test_mutated_certificates_are_described_or_skipped(der):
    # about one mutation in forty makes `cryptography` raise something other than ValueError lazily
    payloads(der)
    payloads(tls.record(tls.HANDSHAKE, tls.certificate_body([der])))


# --- HTTP and QUIC ------------------------------------------------------------------------------------------------

@st.composite
def http_heads(draw) -> bytes:
    method = draw(st.sampled_from((b"GET", b"POST", b"CONNECT", b"BREW", b"")))
    version = draw(st.sampled_from((b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2", b"")))
    lines = [method + b" " + draw(st.binary(max_size=30)) + b" " + version]
    for _ in range(draw(st.integers(0, 4))):
        key = draw(st.sampled_from((b"Host", b"Content-Length", b"User-Agent", b"X")))
        value = draw(st.one_of(st.binary(max_size=30), st.sampled_from((b"-1", b"9" * 5000, b"0x10", b"1_0")),
                               st.integers(-(2**70), 2**70).map(lambda n: str(n).encode())))
        lines.append(key + draw(st.sampled_from((b": ", b":", b""))) + value)
    return b"\r\n".join(lines) + draw(st.sampled_from((b"\r\n\r\n", b"\r\n", b"")))


@FUZZ
@given(st.one_of(http_heads(), mutated(http_request())), segment_sizes, containers)
def test_http_heads(tmp_path, head, cut, container):
    capture(capture_file(lambda f: tcp_segments(head, b"", f, cut, dport=80), container), tmp_path)


@cache
def _quic_hello() -> bytes:
    return tls.client_hello_body("c2.stalker.example", ("h3",), "okhttp", True, random.Random(2),
                                 quic.transport_parameters(bytes(8)))


@st.composite
def quic_initials_with_mutated_crypto(draw) -> bytes:
    """Initials that decrypt, carrying CRYPTO frames with drawn offsets and lengths around a mutated
    ClientHello: the plaintext parser is reached, unlike with random ciphertext."""
    hello = draw(mutated(_quic_hello()))
    frames = b""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(("crypto", "padding", "other")))
        if kind == "crypto":
            offset, size = draw(st.integers(0, 70)), draw(st.integers(0, len(hello) + 8))
            frames += b"\x06" + quic.varint(offset) + quic.varint(size) + hello
        elif kind == "padding":
            frames += b"\x00" * draw(st.integers(1, 4))
        else:
            frames += draw(st.binary(min_size=1, max_size=8))
    dcid = draw(st.binary(min_size=0, max_size=20))
    return quic.initial_packet(dcid, "client", dcid, b"\x01" * 8, 0, frames, pad_to=1200)


@FUZZ
@given(st.one_of(quic_initials_with_mutated_crypto(), mutated(quic_initial())), containers)
def test_quic_datagrams(tmp_path, datagram, container):
    capture(capture_file(lambda f: quic_datagram(datagram, f), container), tmp_path)


# --- the containers themselves: records and blocks whose lengths lie ---------------------------------------------

@st.composite
def pcap_with_lying_records(draw) -> bytes:
    """Valid frames of every kind, then records whose captured length says more, less or far more than the
    bytes that follow, and frames cut anywhere in their headers."""
    family, link = draw(st.sampled_from((4, 6))), draw(st.sampled_from(list(LINK_WRAP)))
    link = link if link in links_for(family) else "raw"
    big_endian = draw(st.booleans())
    order = ">" if big_endian else "<"
    body = pcap([LINK_WRAP[link](p) for p in seed_packets(family)[:2]], link, big_endian=big_endian)
    for packet in draw(st.lists(st.sampled_from(seed_packets(family)), max_size=4)):
        frame = LINK_WRAP[link](packet)[:draw(st.integers(0, 80))]
        caplen = lies(draw, len(frame)) if draw(st.booleans()) else len(frame)
        body += struct.pack(order + "IIII", 1_773_300_000, 0, caplen, len(frame)) + frame
    return body


@FUZZ
@given(pcap_with_lying_records())
def test_pcap_records_with_lying_lengths_and_cut_frames(tmp_path, data):
    capture(data, tmp_path)


@st.composite
def pcapng_with_lying_blocks(draw) -> bytes:
    """Sections, interfaces with odd options (if_tsresol of any value, options that overrun), packets on
    interfaces that were never described, and blocks whose lengths lie."""
    order = draw(st.sampled_from(("<", ">")))
    blocks = [pcapng_section(order)]
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(("interface", "packet", "simple", "unknown", "lying")))
        if kind == "interface":
            options = b"".join(pcapng_option(draw(st.sampled_from((0, 2, 9, 14, 0xFFFF))), draw(st.binary(max_size=9)),
                                             order) for _ in range(draw(st.integers(0, 3))))
            blocks.append(pcapng_interface(draw(st.sampled_from(list(LINK_WRAP))), order, options))
        elif kind == "packet":
            frame = LINK_WRAP["ethernet"](draw(st.sampled_from(seed_packets())))[:draw(st.integers(0, 120))]
            blocks.append(pcapng_packet(frame, draw(st.integers(0, 2**64 - 1)), order, draw(st.integers(0, 3)),
                                        lies(draw, len(frame))))
        elif kind == "simple":
            frame = draw(st.binary(max_size=40))
            blocks.append(pcapng_block(3, struct.pack(order + "I", lies(draw, len(frame))) + frame, order))
        elif kind == "unknown":
            blocks.append(pcapng_block(draw(st.integers(0, 2**32 - 1)), draw(st.binary(max_size=40)), order))
        else:
            body = draw(st.binary(max_size=40))
            blocks.append(pcapng_block(draw(st.sampled_from((1, 3, 6))), body, order,
                                       total=lies(draw, 12 + len(body) + (-len(body) % 4))))
    return b"".join(blocks)


@FUZZ
@given(pcapng_with_lying_blocks())
def test_pcapng_blocks_with_lying_lengths_unknown_interfaces_and_bad_options(tmp_path, data):
    capture(data, tmp_path)
