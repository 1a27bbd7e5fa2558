"""The capture reader and payload parsers on hostile input: only CaptureError (a one-line message) or a
result, never another exception and never a hang."""

from __future__ import annotations

import struct

from hypothesis import given, settings
from hypothesis import strategies as st
from stalkerlab.detector.capture.flows import analyse_packets
from stalkerlab.detector.capture.protocols import (
    parse_dns,
    parse_http_request,
    parse_quic_initial,
    parse_tls_certificates,
    parse_tls_client_hello,
)
from stalkerlab.detector.capture.reader import CaptureError

PCAP_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)


def _analyse(tmp_path, data: bytes) -> None:
    path = tmp_path / "f.pcap"
    path.write_bytes(data)
    try:
        analyse_packets(path)
    except CaptureError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_random_files(tmp_path_factory, data):
    _analyse(tmp_path_factory.mktemp("r"), data)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.binary(max_size=200)), max_size=8))
def test_random_records_after_a_valid_header(tmp_path_factory, records):
    body = b"".join(struct.pack("<IIII", 1, 2, len(d) if n % 3 else n, len(d)) + d for n, d in records)
    _analyse(tmp_path_factory.mktemp("r"), PCAP_HEADER + body)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=1400))
def test_payload_parsers_never_raise(data):
    for parser in (parse_dns, parse_tls_client_hello, parse_tls_certificates, parse_http_request, parse_quic_initial):
        parser(data)


def test_dns_compression_loop_is_refused():
    looping = struct.pack("!HHHHHH", 1, 0x8180, 1, 0, 0, 0) + b"\xc0\x0c" + b"\x00\x01\x00\x01"
    assert parse_dns(looping) is None


def test_tls_lengths_that_lie():
    lie = b"\x16\x03\x01\xff\xff\x01\xff\xff\xff" + b"\x03\x03" + b"\x00" * 20
    assert parse_tls_client_hello(lie) is None
