"""QUIC Initial packets, versions 1 (RFC 9001) and 2 (RFC 9369): a client's Initials are encrypted with keys
derived from its first destination connection id, public by design, so its ClientHello (SNI, ALPN, JA4 with
"q") can be read.

A ClientHello may span several Initial packets and datagrams (Chrome's post-quantum key share makes it
bigger than one), its CRYPTO frames may come in any order with PING and PADDING frames between them, and
a datagram may hold several packets: `QuicInitials` gathers the CRYPTO stream of one connection until the
ClientHello is whole.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from stalkerlab.detector.capture.events import TlsClientHello
from stalkerlab.detector.capture.protocols.tls import client_hello_fields


@dataclass(frozen=True)
class _Version:
    salt: bytes
    label: str           # prefix of the key derivation labels
    initial_type: int    # long-header packet types: Initial and Retry (a Retry has no length field)
    retry_type: int


VERSIONS = {
    0x00000001: _Version(bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a"), "quic", 0, 3),
    0x6B3343CF: _Version(bytes.fromhex("0dede3def700a6db819381be6e269dcbf9bd2ed9"), "quicv2", 1, 0),
}
MAX_CRYPTO = 64 * 1024          # a ClientHello is a few kilobytes; more is not a client's first flight
PADDING, PING, ACK, ACK_ECN, CRYPTO, CLOSE, CLOSE_APP = 0x00, 0x01, 0x02, 0x03, 0x06, 0x1C, 0x1D


def _expand(secret: bytes, label: str, length: int) -> bytes:
    full = b"tls13 " + label.encode()
    info = struct.pack("!HB", length, len(full)) + full + b"\x00"
    return hmac.new(secret, info + b"\x01", hashlib.sha256).digest()[:length]


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    first = data[pos]
    size = 1 << (first >> 6)
    if pos + size > len(data):
        raise IndexError("varint runs past the data")
    value = first & 0x3F
    for b in data[pos + 1:pos + size]:
        value = (value << 8) | b
    return value, pos + size


def looks_like_quic(datagram: bytes) -> bool:
    """A long-header packet of a version this module reads."""
    return (len(datagram) > 6 and datagram[0] & 0xC0 == 0xC0
            and int.from_bytes(datagram[1:5], "big") in VERSIONS)


class _Keys:
    def __init__(self, version: _Version, dcid: bytes):
        secret = _expand(hmac.new(version.salt, dcid, hashlib.sha256).digest(), "client in", 32)
        self.aead = AESGCM(_expand(secret, f"{version.label} key", 16))
        self.iv = _expand(secret, f"{version.label} iv", 12)
        self.hp = Cipher(algorithms.AES(_expand(secret, f"{version.label} hp", 16)), modes.ECB())

    def open(self, packet: bytes, pn_at: int, end: int) -> bytes:
        """The decrypted payload of the packet `packet[:end]` whose packet number starts at `pn_at`."""
        encryptor = self.hp.encryptor()
        # header protection masks come from AES *encryption* of the sample, on both sides
        mask = encryptor.update(packet[pn_at + 4:pn_at + 20]) + encryptor.finalize()
        first = packet[0] ^ (mask[0] & 0x0F)
        pn_len = (first & 0x03) + 1
        pn_bytes = bytes(b ^ m for b, m in zip(packet[pn_at:pn_at + pn_len], mask[1:1 + pn_len], strict=True))
        header = bytes([first]) + packet[1:pn_at] + pn_bytes
        nonce = (int.from_bytes(self.iv, "big") ^ int.from_bytes(pn_bytes, "big")).to_bytes(12, "big")
        return self.aead.decrypt(nonce, packet[pn_at + pn_len:end], header)


class QuicInitials:
    """The CRYPTO stream of a client's Initial packets, across datagrams, until its ClientHello is whole."""

    def __init__(self) -> None:
        self._keys: _Keys | None = None
        self._crypto: dict[int, bytes] = {}
        self.datagrams = 0

    def add(self, datagram: bytes) -> TlsClientHello | None:
        """The ClientHello once this datagram completes it, else None."""
        self.datagrams += 1
        try:
            for packet, pn_at, end, version in _initial_packets(datagram):
                if self._keys is None:                   # keys come from the first Initial's connection id
                    self._keys = _Keys(version, packet[6:6 + packet[5]])
                self._frames(self._keys.open(packet, pn_at, end))
        except Exception:  # noqa: BLE001 - anything malformed or undecryptable is simply not an Initial we can read
            pass
        return self._client_hello()

    def _frames(self, payload: bytes) -> None:
        i = 0
        while i < len(payload):
            frame = payload[i]
            if frame in (PADDING, PING):
                i += 1
            elif frame == CRYPTO:
                offset, i = _varint(payload, i + 1)
                size, i = _varint(payload, i)
                if offset + size <= MAX_CRYPTO and offset not in self._crypto:
                    self._crypto[offset] = payload[i:i + size]
                i += size
            elif frame in (ACK, ACK_ECN):
                _largest, i = _varint(payload, i + 1)
                _delay, i = _varint(payload, i)
                ranges, i = _varint(payload, i)
                for _ in range(1 + 2 * ranges + (3 if frame == ACK_ECN else 0)):    # first range, gaps, ECN
                    _value, i = _varint(payload, i)
            else:
                return                      # CONNECTION_CLOSE or a frame an Initial should not carry

    def _client_hello(self) -> TlsClientHello | None:
        data, expected = b"", 0
        for offset in sorted(self._crypto):
            if offset > expected:
                break
            data += self._crypto[offset][expected - offset:]
            expected = max(expected, offset + len(self._crypto[offset]))
        if len(data) < 4 or data[0] != 0x01:
            return None
        length = int.from_bytes(data[1:4], "big")
        return client_hello_fields(data[4:4 + length], quic=True) if len(data) >= 4 + length else None


def _initial_packets(datagram: bytes):
    """(datagram from the packet's start, packet number offset, packet end, version) of each Initial packet
    in a datagram (several long-header packets may be coalesced in one)."""
    pos = 0
    while pos + 7 <= len(datagram) and datagram[pos] & 0xC0 == 0xC0:
        version = VERSIONS.get(int.from_bytes(datagram[pos + 1:pos + 5], "big"))
        if version is None:
            return
        packet = datagram[pos:]
        at = 6 + packet[5]                                # after the destination connection id
        at += 1 + packet[at]                              # and the source connection id
        kind = (packet[0] >> 4) & 0x03
        if kind == version.retry_type:
            return
        if kind == version.initial_type:
            token_len, at = _varint(packet, at)
            at += token_len
        length, at = _varint(packet, at)
        if kind == version.initial_type:
            yield packet, at, at + length, version
        pos += at + length


def parse_quic_initial(datagram: bytes) -> TlsClientHello | None:
    """The ClientHello of a client's Initial datagram, when it holds all of it."""
    return QuicInitials().add(datagram)
