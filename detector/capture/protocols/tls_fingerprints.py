"""TLS fingerprints from hello fields: JA3 and JA3S (Salesforce) and JA4 (FoxIO).

JA3 keeps the extension order, so browsers that shuffle extensions get a new JA3 on every connection;
JA4 sorts them and names the protocol, version, SNI and ALPN in clear, so one app keeps one JA4 and an
investigator can read part of it by eye (`t13d1516h2_...`: TLS over TCP, 1.3, a server name, 15
ciphers, 16 extensions, ALPN h2).
"""

from __future__ import annotations

import hashlib

GREASE = frozenset(0x0A0A + 0x1010 * i for i in range(16))
JA4_VERSIONS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3", 0x0002: "s2",
                0xFEFF: "d1", 0xFEFD: "d2", 0xFEFC: "d3"}
EXT_SERVER_NAME, EXT_ALPN = 0x0000, 0x0010


def ja3(version: int, ciphers: list[int], extensions: list[int], groups: list[int],
        point_formats: list[int]) -> tuple[str, str]:
    """(JA3 string, its MD5). Lists come in wire order with GREASE values already removed."""
    text = ",".join([str(version), "-".join(map(str, ciphers)), "-".join(map(str, extensions)),
                     "-".join(map(str, groups)), "-".join(map(str, point_formats))])
    return text, hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def ja3s(version: int, cipher: int, extensions: list[int]) -> tuple[str, str]:
    """(JA3S string, its MD5): the server's side, which pairs with JA3 to recognise one app's servers."""
    text = f"{version},{cipher},{'-'.join(map(str, extensions))}"
    return text, hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _hash12(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text else "000000000000"


def _alpn_chars(first_alpn: bytes | None) -> str:
    if not first_alpn:
        return "00"
    first, last = first_alpn[0], first_alpn[-1]
    if all(48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 for c in (first, last)):
        return chr(first) + chr(last)
    hexed = first_alpn.hex()
    return hexed[0] + hexed[-1]


def ja4(*, quic: bool, legacy_version: int, supported_versions: list[int], has_sni: bool, ciphers: list[int],
        extensions: list[int], first_alpn: bytes | None, signature_algorithms: list[int]) -> str:
    """JA4 of a ClientHello (lists without GREASE; extensions and signature algorithms in wire order)."""
    version = max(supported_versions) if supported_versions else legacy_version
    head = ("q" if quic else "t") + JA4_VERSIONS.get(version, "00") + ("d" if has_sni else "i") \
        + f"{min(len(ciphers), 99):02d}{min(len(extensions), 99):02d}" + _alpn_chars(first_alpn)
    cipher_text = ",".join(f"{c:04x}" for c in sorted(ciphers))
    ext_text = ",".join(f"{e:04x}" for e in sorted(extensions) if e not in (EXT_SERVER_NAME, EXT_ALPN))
    if signature_algorithms:
        ext_text += "_" + ",".join(f"{s:04x}" for s in signature_algorithms)
    return f"{head}_{_hash12(cipher_text)}_{_hash12(ext_text)}"
