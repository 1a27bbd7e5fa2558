"""QUIC v1 Initial packets with real Initial protection (RFC 9001 section 5), so that tshark and the
detector can decrypt the client's ClientHello and read its server name, as they can on a real capture."""

from __future__ import annotations

import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

INITIAL_SALT_V1 = bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a")
VERSION_1 = 0x00000001


def varint(value: int) -> bytes:
    if value < 0x40:
        return struct.pack("!B", value)
    if value < 0x4000:
        return struct.pack("!H", 0x4000 | value)
    if value < 0x40000000:
        return struct.pack("!I", 0x80000000 | value)
    return struct.pack("!Q", 0xC000000000000000 | value)


def hkdf_expand_label(secret: bytes, label: str, length: int) -> bytes:
    full = b"tls13 " + label.encode()
    info = struct.pack("!HB", length, len(full)) + full + b"\x00"
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def initial_keys(dcid: bytes, side: str) -> tuple[bytes, bytes, bytes]:
    """(key, iv, hp) for `side` "client" or "server", from the client's first destination CID."""
    initial = hmac.new(INITIAL_SALT_V1, dcid, hashlib.sha256).digest()
    secret = hkdf_expand_label(initial, f"{side} in", 32)
    return (hkdf_expand_label(secret, "quic key", 16), hkdf_expand_label(secret, "quic iv", 12),
            hkdf_expand_label(secret, "quic hp", 16))


def crypto_frame(data: bytes, offset: int = 0) -> bytes:
    return b"\x06" + varint(offset) + varint(len(data)) + data


def ack_frame(largest: int) -> bytes:
    return b"\x02" + varint(largest) + varint(0) + varint(0) + varint(0)


def initial_packet(keys_dcid: bytes, side: str, dcid: bytes, scid: bytes, pn: int, frames: bytes,
                   pad_to: int = 0) -> bytes:
    """One protected Initial packet. `keys_dcid` is the client's original DCID (keys come from it)."""
    key, iv, hp = initial_keys(keys_dcid, side)
    pn_len = 2
    header_wo_len = (struct.pack("!BI", 0xC0 | (pn_len - 1), VERSION_1) + bytes([len(dcid)]) + dcid
                     + bytes([len(scid)]) + scid + varint(0))
    payload = frames
    if pad_to:
        # length field (2 bytes) + pn + payload + tag must fill the datagram to pad_to
        missing = pad_to - (len(header_wo_len) + 2 + pn_len + len(payload) + 16)
        payload += b"\x00" * max(missing, 0)
    length = pn_len + len(payload) + 16
    header = header_wo_len + struct.pack("!H", 0x4000 | length) + struct.pack("!H", pn)
    nonce = (int.from_bytes(iv, "big") ^ pn).to_bytes(12, "big")
    sealed = AESGCM(key).encrypt(nonce, payload, header)
    pn_offset = len(header) - pn_len
    sample = sealed[4 - pn_len:4 - pn_len + 16]
    encryptor = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
    mask = encryptor.update(sample) + encryptor.finalize()
    first = bytes([header[0] ^ (mask[0] & 0x0F)])
    protected_pn = bytes(b ^ m for b, m in zip(header[pn_offset:], mask[1:1 + pn_len], strict=True))
    return first + header[1:pn_offset] + protected_pn + sealed


def transport_parameters(scid: bytes) -> bytes:
    """A plausible client parameter set (max idle timeout, max UDP payload, initial source CID...)."""
    def param(pid: int, value: bytes) -> bytes:
        return varint(pid) + varint(len(value)) + value
    return (param(0x01, varint(30000)) + param(0x03, varint(1472)) + param(0x04, varint(15728640))
            + param(0x05, varint(6291456)) + param(0x06, varint(6291456)) + param(0x07, varint(6291456))
            + param(0x08, varint(100)) + param(0x09, varint(103)) + param(0x0F, scid))


def short_header(dcid: bytes, pn: int) -> bytes:
    """1-RTT header bytes (the payload after it is random: keys never leave the endpoints)."""
    return struct.pack("!B", 0x41) + dcid + struct.pack("!H", pn & 0xFFFF)
