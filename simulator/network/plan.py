"""The capture plan: what happened on the wire, as sessions, before any byte is written.

The traffic builder (`simulator/network/build/`) decides *what* the phone does: which names it looks up,
which servers it connects to and how many bytes go each way, and when. The capture writer
(`simulator/network/capture/`, with the protocol messages of `network/render/`) decides *how* that looks as
frames: handshakes, segmentation, sequence numbers, checksums. This module is the contract between them: plain
frozen dataclasses, no behaviour.

Times are float seconds since the Unix epoch (UTC), on the scenario clock, never the wall clock.
Addresses are text (IPv4 dotted or IPv6). "Internet" hosts are always in documentation or benchmark
ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 198.18.0.0/15, 2001:db8::/32).

`tag` fields name key events for the answer key: the writer reports the packet number (1-based, as
Wireshark counts) of the first packet of each tagged item in `CaptureIndex.key_packets`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lan:
    """The Wi-Fi network as the access point sees it."""

    phone_mac: str               # "aa:bb:cc:dd:ee:ff"
    phone_ip: str                # private IPv4 given by DHCP
    phone_ipv6: str | None       # global IPv6 (2001:db8::/32) or None when the network has no IPv6
    phone_hostname: str          # sent in DHCP option 12, e.g. "Galaxy-A54-de-Marie"
    gateway_mac: str
    gateway_ip: str              # also the DNS resolver and DHCP server
    gateway_ipv6: str | None     # link-local or global address of the router
    subnet_prefix: int           # 24
    ssid: str | None
    dhcp_lease_s: int = 86400


@dataclass(frozen=True)
class CertSpec:
    """A server certificate chain to build with `cryptography` (TLS 1.2 shows it on the wire)."""

    subject_cn: str
    sans: tuple[str, ...]                 # DNS names (or IP addresses) in subjectAltName
    issuer: str                           # "letsencrypt" | "public-ca" | "self-signed"
    not_before: float                     # epoch seconds
    not_after: float
    key_seed: str                         # deterministic key material: same seed -> same key and cert


@dataclass(frozen=True)
class Tls:
    version: str                          # "1.2" | "1.3"
    sni: str | None                       # None: no server_name extension (raw-IP C2)
    alpn: tuple[str, ...] = ()            # ("h2", "http/1.1"), ("mqtt",), ...
    client: str = "okhttp"                # ClientHello profile: "chrome" | "okhttp" | "custom"
    cert: CertSpec | None = None          # sent in clear for TLS 1.2 only


@dataclass(frozen=True)
class HttpExchange:
    """One plain HTTP/1.1 request and its response, in clear text."""

    at: float
    method: str
    host: str                             # Host header (a name, or ip:port)
    path: str
    headers: tuple[tuple[str, str], ...]  # extra request headers, after Host, in order
    body: bytes                           # request body (Content-Length is added by the writer)
    status: int = 200
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: bytes = b""
    tag: str | None = None


@dataclass(frozen=True)
class Exchange:
    """Application data inside an established connection: `up` bytes from the phone at `at`, then
    `down` bytes back. TLS wraps them in records; the writer segments them to the MSS."""

    at: float
    up: int
    down: int
    tag: str | None = None


@dataclass(frozen=True)
class DnsLookup:
    at: float
    name: str
    qtype: str                            # "A" | "AAAA" | "HTTPS"
    answers: tuple[str, ...]              # addresses; empty with rcode 0 means NODATA
    ttl: int = 300
    rcode: int = 0                        # 0 NOERROR, 3 NXDOMAIN, 2 SERVFAIL
    rtt: float = 0.02                     # seconds until the response
    cname: str | None = None              # answer through one CNAME (CDNs)
    tag: str | None = None


@dataclass(frozen=True)
class TcpSession:
    start: float                          # SYN time
    dst_ip: str
    dst_port: int
    src_port: int
    rtt: float                            # round-trip time, shapes handshake and ACK timing
    tls: Tls | None = None                # None: plain TCP (HTTP or a raw protocol)
    http: tuple[HttpExchange, ...] = ()   # plain HTTP requests, when tls is None
    exchanges: tuple[Exchange, ...] = ()  # application bytes (inside TLS when tls is set)
    end: float | None = None              # close time; None: still open when the capture ends
    close: str = "fin"                    # "fin" | "rst"
    tag: str | None = None                # first packet (SYN), and TLS ClientHello as `tag + ":hello"`


@dataclass(frozen=True)
class UdpSession:
    start: float
    dst_ip: str
    dst_port: int
    src_port: int
    kind: str                             # "quic" | "ntp" | "wireguard" | "generic"
    rtt: float
    sni: str | None = None                # QUIC: name in the Initial's ClientHello
    alpn: tuple[str, ...] = ()
    exchanges: tuple[Exchange, ...] = ()
    end: float | None = None
    tag: str | None = None


@dataclass(frozen=True)
class Mdns:
    at: float
    name: str                             # "_googlecast._tcp.local"


@dataclass(frozen=True)
class Dhcp:
    at: float                             # DISCOVER time; OFFER/REQUEST/ACK follow
    vendor_class: str = "android-dhcp-14"  # option 60, as Android sends it: android-dhcp-<version>


@dataclass(frozen=True)
class Arp:
    at: float
    target_ip: str                        # who-has target (usually the gateway)


Session = TcpSession | UdpSession | DnsLookup | Mdns | Dhcp | Arp


@dataclass(frozen=True)
class CapturePlan:
    lan: Lan
    start: float                          # capture start (first packet at or after this)
    end: float                            # capture end: nothing is written after it
    sessions: tuple[Session, ...]
    payload_seed: int                     # seeds the bytes that stand for encrypted data
    comment: str = "Stalkerware Lab synthetic training data: not a real capture"


@dataclass
class CaptureIndex:
    """What the writer reports back: enough for truth.json and the benchmarks."""

    packets: int = 0
    bytes: int = 0
    first_ts: float | None = None
    last_ts: float | None = None
    key_packets: dict[str, int] = field(default_factory=dict)
