"""JA3 and JA4 of ClientHellos, checked against a fingerprint that a public TLS-inspection service
computed for a real Chrome 143 on Android (JA4 t13d1516h2_8daaf6152771_d8a2da3f94cd, JA3
98487aa16281980e7d1120d399efb6a4), and against tshark's own JA3/JA4 on the simulator's captures."""

from __future__ import annotations

import struct

import pytest
from stalkerlab.detector.capture.flows import analyse_packets
from stalkerlab.detector.capture.protocols import parse_tls_client_hello
from stalkerlab.simulator.simulate import prepare_scenario, simulate
from tshark_oracle import needs_tshark, tshark_has_field, tshark_rows

CHROME_CIPHERS = [0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013, 0xC014, 0x009C,
                  0x009D, 0x002F, 0x0035]
CHROME_EXTENSIONS = [0x002D, 0x0033, 0x0010, 0xFE0D, 0x0017, 0x44CD, 0x0000, 0x000B, 0x000A, 0x002B, 0xFF01, 0x0023,
                     0x0012, 0x0005, 0x000D, 0x001B]
CHROME_SIGALGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
CHROME_GROUPS = [4588, 29, 23, 24]


def _u16s(values: list[int]) -> bytes:
    return struct.pack(f"!{len(values)}H", *values)


def _extension_body(kind: int, name: str) -> bytes:
    if kind == 0x0000:
        host = name.encode()
        return struct.pack("!HBH", len(host) + 3, 0, len(host)) + host
    if kind == 0x0010:
        protocols = b"\x02h2\x08http/1.1"
        return struct.pack("!H", len(protocols)) + protocols
    if kind == 0x000A:
        return struct.pack("!H", 2 * len(CHROME_GROUPS)) + _u16s(CHROME_GROUPS)
    if kind == 0x000B:
        return b"\x01\x00"
    if kind == 0x000D:
        return struct.pack("!H", 2 * len(CHROME_SIGALGS)) + _u16s(CHROME_SIGALGS)
    if kind == 0x002B:
        return b"\x06" + _u16s([0x3A3A, 0x0304, 0x0303])      # with a GREASE version, as Chrome sends
    return b""


def chrome_client_hello(name: str = "video.example", grease: bool = True) -> bytes:
    """A TLS record holding Chrome's ClientHello, GREASE values included where Chrome puts them."""
    ciphers = ([0x4A4A] if grease else []) + CHROME_CIPHERS
    extensions = ([0x1A1A] if grease else []) + CHROME_EXTENSIONS + ([0x2A2A] if grease else [])
    ext_bytes = b"".join(struct.pack("!HH", k, len(b := _extension_body(k, name))) + b for k in extensions)
    body = (b"\x03\x03" + bytes(32) + b"\x20" + bytes(32) + struct.pack("!H", 2 * len(ciphers)) + _u16s(ciphers)
            + b"\x01\x00" + struct.pack("!H", len(ext_bytes)) + ext_bytes)
    handshake = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack("!H", len(handshake)) + handshake


@pytest.mark.parametrize("grease", [True, False])
def test_chrome_fingerprints_match_the_published_values(grease):
    hello = parse_tls_client_hello(chrome_client_hello(grease=grease))
    assert hello.ja4 == "t13d1516h2_8daaf6152771_d8a2da3f94cd"
    assert hello.ja3_md5 == "98487aa16281980e7d1120d399efb6a4"
    assert hello.sni == "video.example" and hello.alpn == ("h2", "http/1.1") and hello.version == "1.3"


def test_ja4_says_no_server_name_and_no_alpn():
    record = chrome_client_hello()
    hello = parse_tls_client_hello(record)
    without = parse_tls_client_hello(record.replace(b"\x02h2\x08http/1.1", b"\x02\x01\x02\x08http/1.1"))
    assert without.ja4.startswith("t13d1516") and without.ja4[8:10] == "02"   # hex of a non-alnum ALPN
    assert hello.ja4.split("_")[1:] == without.ja4.split("_")[1:]


@pytest.mark.slow
@needs_tshark
def test_fingerprints_equal_tsharks_on_a_simulated_capture(tmp_path):
    simulate(prepare_scenario("stalkerware-https-sni"), 3, tmp_path / "case", duration_min=5)
    pcap = tmp_path / "case" / "capture.pcap"
    fields = ["frame.number", "tls.handshake.ja3"] + (["tls.handshake.ja4"] if tshark_has_field(
        "tls.handshake.ja4") else [])
    theirs = {int(number[0]): [cell[0] for cell in rest]
              for number, *rest in tshark_rows(pcap, fields, "tls.handshake.type == 1")}
    facts = analyse_packets(pcap)
    ours = {f.hello_frame: f.hello for f in facts.flows if f.hello and f.proto == 6}
    assert ours and set(ours) == set(theirs)
    for frame, hello in ours.items():
        assert hello.ja3_md5 == theirs[frame][0]
        if len(theirs[frame]) > 1:
            assert hello.ja4 == theirs[frame][1]
