"""TLS handshake records: the ClientHello (SNI, ALPN, offered versions, JA3, JA4), the ServerHello
(chosen version and cipher, JA3S) and the TLS 1.2 Certificate message. Records may span segments and
messages records: the caller passes the bytes of a direction joined so far, and gets None until the message
is complete."""

from __future__ import annotations

import struct

from stalkerlab.detector.capture.events import TlsClientHello, TlsServerHello
from stalkerlab.detector.capture.protocols.tls_fingerprints import GREASE, ja3, ja3s, ja4

VERSION_NAMES = {0x0304: "1.3", 0x0303: "1.2", 0x0302: "1.1", 0x0301: "1.0"}
HANDSHAKE, CLIENT_HELLO, SERVER_HELLO, CERTIFICATE = 0x16, 0x01, 0x02, 0x0B


def _u16s(data: bytes) -> list[int]:
    return list(struct.unpack(f"!{len(data) // 2}H", data[:len(data) // 2 * 2]))


def client_hello_fields(body: bytes, quic: bool = False) -> TlsClientHello | None:
    """A ClientHello handshake body (after the 4-byte handshake header)."""
    try:
        version = struct.unpack("!H", body[:2])[0]
        pos = 34
        pos += 1 + body[pos]
        n = struct.unpack("!H", body[pos:pos + 2])[0]
        ciphers = [c for c in _u16s(body[pos + 2:pos + 2 + n]) if c not in GREASE]
        pos += 2 + n
        pos += 1 + body[pos]
        ext_end = pos + 2 + struct.unpack("!H", body[pos:pos + 2])[0]
        pos += 2
        sni, alpn, versions, groups, formats, exts, sigalgs = None, [], [], [], [], [], []
        first_alpn = None
        while pos + 4 <= min(ext_end, len(body)):
            kind, length = struct.unpack("!HH", body[pos:pos + 4])
            value = body[pos + 4:pos + 4 + length]
            pos += 4 + length
            if kind not in GREASE:
                exts.append(kind)
            if kind == 0 and len(value) > 5:
                name_len = struct.unpack("!H", value[3:5])[0]
                sni = value[5:5 + name_len].decode("ascii", "replace").lower()
            elif kind == 16 and len(value) > 2:
                i = 2
                while i < len(value):
                    protocol = value[i + 1:i + 1 + value[i]]
                    first_alpn = protocol if first_alpn is None else first_alpn
                    alpn.append(protocol.decode("ascii", "replace"))
                    i += 1 + value[i]
            elif kind == 43 and value:
                versions = [v for v in _u16s(value[1:1 + value[0]]) if v not in GREASE]
            elif kind == 10 and len(value) > 2:
                groups = [g for g in _u16s(value[2:]) if g not in GREASE]
            elif kind == 11 and value:
                formats = list(value[1:1 + value[0]])
            elif kind == 13 and len(value) > 2:
                sigalgs = _u16s(value[2:2 + struct.unpack("!H", value[:2])[0]])
        ja3_text, ja3_md5 = ja3(version, ciphers, exts, groups, formats)
        offered = "1.3" if 0x0304 in versions else VERSION_NAMES.get(version, f"0x{version:04x}")
        return TlsClientHello(sni, tuple(alpn), offered, ja3_text, ja3_md5,
                              ja4(quic=quic, legacy_version=version, supported_versions=versions,
                                  has_sni=sni is not None, ciphers=ciphers, extensions=exts, first_alpn=first_alpn,
                                  signature_algorithms=sigalgs), quic)
    except (struct.error, IndexError, ValueError):
        return None


def _handshake_bytes(stream: bytes) -> bytes:
    """The handshake layer: the payloads of the leading handshake records joined (a message may span
    several records, and a record several segments)."""
    pos, parts = 0, []
    while pos + 5 <= len(stream) and stream[pos] == HANDSHAKE:
        length = struct.unpack("!H", stream[pos + 3:pos + 5])[0]
        parts.append(stream[pos + 5:pos + 5 + length])
        pos += 5 + length
    return b"".join(parts)


def _handshake_messages(stream: bytes):
    """(type, body) of each complete handshake message in the leading handshake records."""
    handshake = _handshake_bytes(stream)
    i = 0
    while i + 4 <= len(handshake):
        mlen = struct.unpack("!I", b"\0" + handshake[i + 1:i + 4])[0]
        body = handshake[i + 4:i + 4 + mlen]
        if len(body) < mlen:
            return
        yield handshake[i], body
        i += 4 + mlen


def parse_tls_client_hello(stream: bytes) -> TlsClientHello | None:
    """None until the whole ClientHello has arrived (a post-quantum key share makes it span segments, and
    some clients split it over several records)."""
    if len(stream) < 9 or stream[0] != HANDSHAKE or stream[5] != CLIENT_HELLO:
        return None
    for mtype, body in _handshake_messages(stream):
        return client_hello_fields(body) if mtype == CLIENT_HELLO else None
    return None


def parse_tls_server_hello(stream: bytes) -> TlsServerHello | None:
    """The server's first handshake message, with the version it chose (TLS 1.3 says so in an extension)."""
    try:
        for mtype, body in _handshake_messages(stream):
            if mtype != SERVER_HELLO:
                return None
            version = struct.unpack("!H", body[:2])[0]
            pos = 34
            pos += 1 + body[pos]
            cipher = struct.unpack("!H", body[pos:pos + 2])[0]
            pos += 3
            exts, chosen = [], version
            if pos + 2 <= len(body):
                ext_end = pos + 2 + struct.unpack("!H", body[pos:pos + 2])[0]
                pos += 2
                while pos + 4 <= min(ext_end, len(body)):
                    kind, length = struct.unpack("!HH", body[pos:pos + 4])
                    if kind == 43 and length == 2:
                        chosen = struct.unpack("!H", body[pos + 4:pos + 6])[0]
                    exts.append(kind)
                    pos += 4 + length
            return TlsServerHello(VERSION_NAMES.get(chosen, f"0x{chosen:04x}"), cipher, *ja3s(version, cipher, exts))
    except (struct.error, IndexError, ValueError):
        return None
    return None


def parse_tls_certificates(stream: bytes) -> list[bytes] | None:
    """DER certificates from the server's first handshake records (TLS 1.2), or None if not (yet) there."""
    for mtype, body in _handshake_messages(stream):
        if mtype == CERTIFICATE:
            certs, j = [], 3
            while j + 3 <= len(body):
                clen = struct.unpack("!I", b"\0" + body[j:j + 3])[0]
                certs.append(body[j + 3:j + 3 + clen])
                j += 3 + clen
            return certs
    return None
