"""Payload parsers that never decide anything: DNS, TLS ClientHello / Certificate, HTTP request head,
QUIC Initial. Each takes bytes and returns plain values or None; malformed input returns None (a lying
length or a compression loop never raises or hangs)."""

from __future__ import annotations

import hashlib
import hmac
import struct
import warnings

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

from detector.capture.tls_fingerprints import GREASE, ja3, ja4

QTYPE_NAMES = {1: "A", 28: "AAAA", 5: "CNAME", 65: "HTTPS", 12: "PTR", 16: "TXT", 33: "SRV", 6: "SOA"}


def _dns_name(data: bytes, pos: int) -> tuple[str, int]:
    labels, jumps, end = [], 0, None
    while True:
        if pos >= len(data):
            raise ValueError("name runs past the message")
        length = data[pos]
        if length & 0xC0 == 0xC0:
            if pos + 1 >= len(data):
                raise ValueError("cut pointer")
            jumps += 1
            if jumps > 20:
                raise ValueError("compression loop")
            if end is None:
                end = pos + 2
            pos = ((length & 0x3F) << 8) | data[pos + 1]
            continue
        if length == 0:
            return ".".join(labels).lower(), (end if end is not None else pos + 1)
        labels.append(data[pos + 1:pos + 1 + length].decode("ascii", "replace"))
        pos += 1 + length


def parse_dns(data: bytes) -> dict | None:
    """{id, response, rcode, name, qtype, answers: [(type, value, ttl)]} or None."""
    try:
        txid, flags, qd, an = struct.unpack("!HHHH", data[:8])
        if qd < 1:
            return None
        name, pos = _dns_name(data, 12)
        qtype = struct.unpack("!H", data[pos:pos + 2])[0]
        pos += 4
        answers = []
        for _ in range(min(an, 64)):
            _owner, pos = _dns_name(data, pos)
            rtype, _cls, ttl, rdlen = struct.unpack("!HHIH", data[pos:pos + 10])
            pos += 10
            rdata = data[pos:pos + rdlen]
            if rtype == 1 and rdlen == 4:
                answers.append(("A", ".".join(str(b) for b in rdata), ttl))
            elif rtype == 28 and rdlen == 16:
                import ipaddress
                answers.append(("AAAA", str(ipaddress.IPv6Address(rdata)), ttl))
            elif rtype == 5:
                answers.append(("CNAME", _dns_name(data, pos)[0], ttl))
            pos += rdlen
        return {"id": txid, "response": bool(flags & 0x8000), "rcode": flags & 0xF, "name": name,
                "qtype": QTYPE_NAMES.get(qtype, str(qtype)), "answers": answers}
    except (ValueError, struct.error, IndexError):
        return None


DHCP_MESSAGE_TYPES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK", 7: "RELEASE",
                      8: "INFORM"}


def parse_dhcp(data: bytes) -> dict | None:
    """{message, client_mac, hostname, vendor_class, requested_ip} of a BOOTP/DHCP message, or None. The
    hostname a phone sends is what links a capture to the phone being checked."""
    if len(data) < 240 or data[236:240] != b"\x63\x82\x53\x63" or data[1] != 1 or data[2] != 6:
        return None
    fields = {"message": None, "client_mac": ":".join(f"{b:02x}" for b in data[28:34]), "hostname": None,
              "vendor_class": None, "requested_ip": None}
    pos = 240
    while pos < len(data) and data[pos] != 255:
        code = data[pos]
        if code == 0:                                   # padding
            pos += 1
            continue
        if pos + 1 >= len(data):
            break
        value = data[pos + 2:pos + 2 + data[pos + 1]]
        pos += 2 + data[pos + 1]
        if code == 53 and value:
            fields["message"] = DHCP_MESSAGE_TYPES.get(value[0], str(value[0]))
        elif code == 12:
            fields["hostname"] = value.decode("ascii", "replace")
        elif code == 60:
            fields["vendor_class"] = value.decode("ascii", "replace")
        elif code == 50 and len(value) == 4:
            fields["requested_ip"] = ".".join(map(str, value))
    return fields


def _client_hello_fields(body: bytes, quic: bool = False) -> dict | None:
    """Fields of a ClientHello handshake body (after the 4-byte handshake header), with its JA3 and JA4."""
    try:
        version = struct.unpack("!H", body[:2])[0]
        pos = 34
        pos += 1 + body[pos]
        n = struct.unpack("!H", body[pos:pos + 2])[0]
        ciphers = [c for c in struct.unpack(f"!{n // 2}H", body[pos + 2:pos + 2 + n]) if c not in GREASE]
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
                versions = [v for v in struct.unpack(f"!{value[0] // 2}H", value[1:1 + value[0]]) if v not in GREASE]
            elif kind == 10 and len(value) > 2:
                count = (len(value) - 2) // 2
                groups = [g for g in struct.unpack(f"!{count}H", value[2:2 + 2 * count]) if g not in GREASE]
            elif kind == 11 and value:
                formats = list(value[1:1 + value[0]])
            elif kind == 13 and len(value) > 2:
                count = min(struct.unpack("!H", value[:2])[0], len(value) - 2) // 2
                sigalgs = list(struct.unpack(f"!{count}H", value[2:2 + 2 * count]))
        ja3_text, ja3_md5 = ja3(version, ciphers, exts, groups, formats)
        return {"sni": sni, "alpn": alpn, "version": "1.3" if 0x0304 in versions else {0x0303: "1.2",
                0x0302: "1.1", 0x0301: "1.0"}.get(version, hex(version)),
                "ja3": ja3_text, "ja3_md5": ja3_md5,
                "ja4": ja4(quic=quic, legacy_version=version, supported_versions=versions, has_sni=sni is not None,
                           ciphers=ciphers, extensions=exts, first_alpn=first_alpn, signature_algorithms=sigalgs)}
    except (struct.error, IndexError, ValueError):
        return None


def parse_tls_client_hello(stream: bytes) -> dict | None:
    """From the client's first bytes: a TLS record with a ClientHello (possibly over several segments)."""
    if len(stream) < 9 or stream[0] != 0x16 or stream[5] != 0x01:
        return None
    length = struct.unpack("!I", b"\0" + stream[6:9])[0]
    return _client_hello_fields(stream[9:9 + length])


def parse_tls_certificates(stream: bytes) -> list[bytes] | None:
    """DER certificates from the server's first handshake records (TLS 1.2), or None if not (yet) there."""
    pos, handshake = 0, b""
    while pos + 5 <= len(stream):
        ctype, _ver, length = struct.unpack("!BHH", stream[pos:pos + 5])
        if ctype != 0x16:
            break
        handshake += stream[pos + 5:pos + 5 + length]
        pos += 5 + length
    i = 0
    while i + 4 <= len(handshake):
        mtype = handshake[i]
        mlen = struct.unpack("!I", b"\0" + handshake[i + 1:i + 4])[0]
        if mtype == 11:
            body = handshake[i + 4:i + 4 + mlen]
            if len(body) < mlen:
                return None
            certs, j = [], 3
            while j + 3 <= len(body):
                clen = struct.unpack("!I", b"\0" + body[j:j + 3])[0]
                certs.append(body[j + 3:j + 3 + clen])
                j += 3 + clen
            return certs
        i += 4 + mlen
    return None


def describe_certificate(der: bytes) -> dict | None:
    """Names, validity and fingerprints of a DER certificate, or None when it cannot be read. `cryptography`
    parses names and extensions lazily, so a damaged one raises only when read, and not always ValueError
    (KeyError for an unknown string tag, InvalidVersion, DuplicateExtension): hence the broad except."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # a negative serial or odd attribute length would warn on stderr
        try:
            return _describe(x509.load_der_x509_certificate(der))
        except Exception:      # noqa: BLE001 - a certificate we cannot read is simply not described
            return None


def _describe(cert: x509.Certificate) -> dict:
    def attr(name: x509.Name, oid) -> str:
        values = name.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.DNSName)
    except x509.ExtensionNotFound:
        sans = []
    return {"subject": cert.subject.rfc4514_string(), "subject_cn": attr(cert.subject, NameOID.COMMON_NAME),
            "issuer": cert.issuer.rfc4514_string(), "issuer_org": attr(cert.issuer, NameOID.ORGANIZATION_NAME),
            "self_signed": cert.issuer == cert.subject, "sans": sans,
            "not_before": cert.not_valid_before_utc.isoformat(), "not_after": cert.not_valid_after_utc.isoformat(),
            "sha1": cert.fingerprint(hashes.SHA1()).hex().upper(),
            "sha256": cert.fingerprint(hashes.SHA256()).hex().upper()}


def parse_http_request(stream: bytes) -> dict | None:
    end = stream.find(b"\r\n\r\n")
    head = stream[:end if end >= 0 else 4096]
    first, _, rest = head.partition(b"\r\n")
    parts = first.split(b" ")
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1.") or parts[0] not in (
            b"GET", b"POST", b"PUT", b"HEAD", b"DELETE", b"PATCH", b"OPTIONS", b"CONNECT"):
        return None
    headers = {}
    for line in rest.split(b"\r\n"):
        key, sep, value = line.partition(b":")
        if sep:
            headers[key.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    try:
        body = int(headers.get("content-length", "0") or 0)
    except ValueError:
        body = 0
    return {"method": parts[0].decode(), "path": parts[1].decode("latin-1"), "host": headers.get("host", ""),
            "user_agent": headers.get("user-agent", ""), "body_size": body}


# --- QUIC v1 Initial (RFC 9001): keys come from the client's DCID, public by design -----------------

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


def parse_quic_initial(datagram: bytes) -> dict | None:
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
    return _client_hello_fields(data[4:4 + struct.unpack("!I", b"\0" + data[1:4])[0]], quic=True)
