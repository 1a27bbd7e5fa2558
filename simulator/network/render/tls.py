"""TLS handshake messages as bytes: ClientHello, ServerHello, Certificate, records.

ClientHellos follow the client profiles of network/data/tls_clients.yml: Chrome (GREASE, h2, many
extensions), OkHttp on Android (no GREASE) and a minimal custom stack (what some stalkerware ships).
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass

from stalkerlab.simulator.tables import table

_CLIENTS = table("network", "tls_clients")
GREASE = tuple(_CLIENTS["grease"])
SIG_ALGS = tuple(_CLIENTS["signature_algorithms"])
QUIC_CIPHERS = tuple(_CLIENTS["quic_ciphers"])


@dataclass(frozen=True)
class ClientProfile:
    grease: bool
    session_ticket: bool
    ciphers: tuple[int, ...]
    groups: tuple[int, ...]


PROFILES = {name: ClientProfile(p["grease"], p["session_ticket"], tuple(p["ciphers"]), tuple(p["groups"]))
            for name, p in _CLIENTS["profiles"].items()}
DEFAULT_PROFILE = PROFILES[_CLIENTS["default_profile"]]

HANDSHAKE, CCS, APPDATA, ALERT = 22, 20, 23, 21


def _u8(b: bytes) -> bytes:
    return struct.pack("!B", len(b)) + b


def _u16(b: bytes) -> bytes:
    return struct.pack("!H", len(b)) + b


def _u24(b: bytes) -> bytes:
    return struct.pack("!I", len(b))[1:] + b


def ext(kind: int, body: bytes) -> bytes:
    return struct.pack("!HH", kind, len(body)) + body


def record(content_type: int, body: bytes, version: int = 0x0303) -> bytes:
    return struct.pack("!BHH", content_type, version, len(body)) + body


def handshake(msg_type: int, body: bytes) -> bytes:
    return struct.pack("!B", msg_type) + _u24(body)


def client_hello_body(sni: str | None, alpn: tuple[str, ...], profile: str, tls13: bool, rng: random.Random,
                      quic_params: bytes | None = None) -> bytes:
    """The ClientHello handshake message (type 1) that `profile` sends."""
    client = PROFILES.get(profile, DEFAULT_PROFILE)
    grease = client.grease
    g = rng.choice(GREASE)               # drawn for every profile: the draws that follow stay in step
    ciphers = client.ciphers
    if not tls13:
        ciphers = tuple(c for c in ciphers if c >> 8 != 0x13)
    if quic_params is not None:
        ciphers = QUIC_CIPHERS
    suites = ((g,) if grease else ()) + ciphers
    exts = []
    if grease:
        exts.append(ext(g, b""))
    if sni:
        name = sni.encode("idna") if not sni.isascii() else sni.encode()
        exts.append(ext(0, _u16(b"\x00" + _u16(name))))
    exts.append(ext(23, b""))                                         # extended_master_secret
    exts.append(ext(0xFF01, b"\x00"))                                 # renegotiation_info
    groups = ((g,) if grease else ()) + client.groups
    exts.append(ext(10, _u16(b"".join(struct.pack("!H", x) for x in groups))))
    exts.append(ext(11, _u8(b"\x00")))                                # ec_point_formats
    if client.session_ticket:
        exts.append(ext(35, b""))                                     # session_ticket
    if alpn:
        exts.append(ext(16, _u16(b"".join(_u8(p.encode()) for p in alpn))))
    exts.append(ext(5, b"\x01\x00\x00\x00\x00"))                      # status_request
    exts.append(ext(13, _u16(b"".join(struct.pack("!H", s) for s in SIG_ALGS))))
    if tls13:
        share = struct.pack("!HH", 0x001D, 32) + rng.randbytes(32)
        if grease:
            share = struct.pack("!HH", g, 1) + b"\x00" + share
        exts.append(ext(51, _u16(share)))                             # key_share
        exts.append(ext(45, _u8(b"\x01")))                            # psk_key_exchange_modes
        versions = ((g,) if grease else ()) + (0x0304, 0x0303)
        exts.append(ext(43, _u8(b"".join(struct.pack("!H", v) for v in versions))))
    if quic_params is not None:
        exts.append(ext(0x39, quic_params))                           # quic_transport_parameters
    if grease:
        exts.append(ext(rng.choice(GREASE), b"\x00"))
    body = b"".join(exts)
    session_id = rng.randbytes(32) if (tls13 and quic_params is None) else b""
    hello = (struct.pack("!H", 0x0303) + rng.randbytes(32) + _u8(session_id)
             + _u16(b"".join(struct.pack("!H", c) for c in suites)) + _u8(b"\x00") + _u16(body))
    return handshake(1, hello)


def server_hello_body(tls13: bool, rng: random.Random, session_id: bytes = b"") -> bytes:
    if tls13:
        exts = ext(43, b"\x03\x04") + ext(51, struct.pack("!HH", 0x001D, 32) + rng.randbytes(32))
        suite = 0x1301
    else:
        exts = ext(0xFF01, b"\x00") + ext(23, b"") + ext(11, _u8(b"\x00"))
        suite = 0xC02F
    body = (struct.pack("!H", 0x0303) + rng.randbytes(32) + _u8(session_id) + struct.pack("!HB", suite, 0)
            + _u16(exts))
    return handshake(2, body)


def certificate_body(chain_der: list[bytes]) -> bytes:
    return handshake(11, _u24(b"".join(_u24(c) for c in chain_der)))


def server_hello_done() -> bytes:
    return handshake(14, b"")


def client_key_exchange(rng: random.Random) -> bytes:
    return handshake(16, _u8(b"\x04" + rng.randbytes(64)))       # uncompressed P-256 point


def client_hello_record(body: bytes) -> bytes:
    return record(HANDSHAKE, body, 0x0301)


def appdata_overhead(tls13: bool) -> int:
    """Per-record bytes on the wire beyond the plaintext: header + AEAD tag (+ content type in 1.3)."""
    return 5 + 16 + (1 if tls13 else 8)
