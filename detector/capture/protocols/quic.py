"""QUIC v1 Initial packets (RFC 9001): the client's first datagram is encrypted with keys derived from
its own connection id, public by design, so its ClientHello (SNI, ALPN, JA4 with "q") can be read."""

from __future__ import annotations

import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from stalkerlab.detector.capture.events import TlsClientHello
from stalkerlab.detector.capture.protocols.tls import client_hello_fields

_SALT_V1 = bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a")


def _expand(secret: bytes, label: str, length: int) -> bytes:
    full = b"tls13 " + label.encode()
    info = struct.pack("!HB", length, len(full)) + full + b"\x00"
    return hmac.new(secret, info + b"\x01", hashlib.sha256).digest()[:length]


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    first = data[pos]
    size = 1 << (first >> 6)
    value = first & 0x3F
    for b in data[pos + 1:pos + size]:
        value = (value << 8) | b
    return value, pos + size


def parse_quic_initial(datagram: bytes) -> TlsClientHello | None:
    """SNI and ALPN of a client's QUIC v1 Initial, decrypted with the public Initial keys."""
    try:
        if len(datagram) < 1200 or datagram[0] & 0xF0 != 0xC0 or datagram[1:5] != b"\0\0\0\x01":
            return None
        dcid_len = datagram[5]
        dcid = datagram[6:6 + dcid_len]
        pos = 6 + dcid_len
        pos += 1 + datagram[pos]
        token_len, pos = _varint(datagram, pos)
        pos += token_len
        length, pos = _varint(datagram, pos)
        secret = _expand(hmac.new(_SALT_V1, dcid, hashlib.sha256).digest(), "client in", 32)
        key, iv, hp = _expand(secret, "quic key", 16), _expand(secret, "quic iv", 12), _expand(secret, "quic hp", 16)
        sample = datagram[pos + 4:pos + 20]
        # header protection masks come from AES *encryption* of the sample, on both sides
        encryptor = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
        mask = encryptor.update(sample) + encryptor.finalize()
        first = datagram[0] ^ (mask[0] & 0x0F)
        pn_len = (first & 0x03) + 1
        pn_bytes = bytes(b ^ m for b, m in zip(datagram[pos:pos + pn_len], mask[1:1 + pn_len], strict=True))
        header = bytes([first]) + datagram[1:pos] + pn_bytes
        pn = int.from_bytes(pn_bytes, "big")
        nonce = (int.from_bytes(iv, "big") ^ pn).to_bytes(12, "big")
        payload = AESGCM(key).decrypt(nonce, datagram[pos + pn_len:pos + length], header)
    except Exception:      # noqa: BLE001 - anything malformed or undecryptable is simply not an Initial we can read
        return None
    crypto, i = {}, 0
    try:
        while i < len(payload):
            frame = payload[i]
            if frame == 0x00:
                i += 1
            elif frame == 0x06:
                offset, i = _varint(payload, i + 1)
                size, i = _varint(payload, i)
                crypto[offset] = payload[i:i + size]
                i += size
            else:
                break
    except IndexError:
        return None
    data, expected = b"", 0
    for offset in sorted(crypto):
        if offset != expected:
            break
        data += crypto[offset]
        expected += len(crypto[offset])
    if len(data) < 4 or data[0] != 0x01:
        return None
    return client_hello_fields(data[4:4 + struct.unpack("!I", b"\0" + data[1:4])[0]], quic=True)
