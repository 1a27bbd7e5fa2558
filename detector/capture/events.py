"""Typed events the protocol parsers emit (Zeek-style): what was seen, never what it means.

Parsers fill the protocol fields; the flow stage stamps each event with the packet number and time it
came from, so every finding built on an event points back to a packet an investigator can open.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DnsAnswer:
    rtype: str                       # A | AAAA | CNAME
    value: str
    ttl: int


@dataclass(frozen=True, slots=True)
class DnsMessage:
    """dns_request / dns_reply."""

    id: int
    response: bool
    rcode: int                       # 0 NOERROR, 3 NXDOMAIN, ...
    name: str                        # the question, lower case, without the final dot
    qtype: str                       # A | AAAA | HTTPS | ... (the number when unnamed)
    answers: tuple[DnsAnswer, ...] = ()
    time: float = 0.0
    frame: int = 0
    server: str = ""                 # the resolver's address
    questions: tuple[str, ...] = ()  # every question's name (`name` is the first)
    record_names: tuple[str, ...] = ()   # owner names of the records (read for mDNS and LLMNR)
    local: bool = False              # mDNS or LLMNR: names asked or announced on the local network


@dataclass(frozen=True, slots=True)
class DhcpMessage:
    message: str | None              # DISCOVER | REQUEST | ACK | ...
    client_mac: str
    hostname: str | None             # option 12: the name the phone gives itself
    vendor_class: str | None         # option 60, e.g. android-dhcp-14
    requested_ip: str | None
    time: float = 0.0
    frame: int = 0


@dataclass(frozen=True, slots=True)
class TlsClientHello:
    """tls_client_hello, over TCP or inside a QUIC Initial."""

    sni: str | None
    alpn: tuple[str, ...]
    version: str                     # the highest offered: 1.3 | 1.2 | 1.1 | 1.0 | 0x....
    ja3: str
    ja3_md5: str
    ja4: str
    quic: bool = False
    time: float = 0.0
    frame: int = 0


@dataclass(frozen=True, slots=True)
class TlsServerHello:
    version: str                     # what the server chose (supported_versions for TLS 1.3)
    cipher: int
    ja3s: str
    ja3s_md5: str
    time: float = 0.0
    frame: int = 0


@dataclass(frozen=True, slots=True)
class TlsCertificate:
    """One certificate of the chain a TLS 1.2 server sent (TLS 1.3 encrypts it)."""

    subject: str
    subject_cn: str
    issuer: str
    issuer_org: str
    self_signed: bool
    sans: tuple[str, ...]
    not_before: str                  # ISO 8601, UTC
    not_after: str
    sha1: str                        # upper-case hex, as feeds list certificate fingerprints
    sha256: str


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str                      # CONNECT opens a tunnel: its ClientHello is read afterwards
    path: str
    host: str                        # the Host header, port included when given
    user_agent: str
    body_size: int                   # Content-Length
    time: float = 0.0
    frame: int = 0
