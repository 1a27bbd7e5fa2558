"""The world's vocabulary: families, benign app profiles and scenarios, as frozen dataclasses.

Everything here is read from YAML (see `families/`, `apps/`, `scenarios/`); the builders turn it into
traffic and device state. Keys mirror Echap's ioc.yaml where they describe indicators, so a real Echap
entry can stand in for a fictional family (`real_family.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

FAMILY_TYPES = ("stalkerware", "watchware", "tracker-sdk", "vendor-site")
# How a family's app talks to its server. Each one defeats a different naive detector.
TRANSPORTS = (
    "https-sni",          # TLS 1.3 with the C2 name in SNI, like ordinary apps
    "tls12-self-signed",  # TLS 1.2, certificate visible and self-signed
    "http-port",          # plain HTTP on a non-standard port, JSON bodies in clear
    "raw-ip",             # TLS to a hard-coded IP: no DNS, no SNI
    "mqtt",               # MQTT over TLS (8883), server pushes commands
    "push",               # silent until a push message wakes it, then uploads
    "none",               # no network activity (vendor websites, removed apps)
)
# Endpoint transports for benign apps and family extras.
ENDPOINT_TRANSPORTS = ("tls13", "tls12", "quic", "http", "mqtt-tls", "tls12-self-signed")
ENDPOINT_ROLES = ("foreground", "download", "push", "background", "browse")
ACTIONS = ("photo", "sms", "call", "location", "reboot", "browse", "video", "message")
INSTALLERS_OFF_STORE = ("null", "com.android.chrome", "com.google.android.packageinstaller",
                        "com.android.packageinstaller", "com.sec.android.app.myfiles")


@dataclass(frozen=True)
class Beacon:
    period_s: float
    jitter: float                      # fraction of the period, uniform +-
    up_bytes: tuple[float, float]
    down_bytes: tuple[float, float]


@dataclass(frozen=True)
class Behaviour:
    transport: str
    port: int
    beacon: Beacon | None
    # bytes uploaded after each user action, and how long after the action it starts
    uploads: dict[str, tuple[float, float]]
    upload_delay_s: tuple[float, float]
    http_path: str
    user_agent: str
    alpn: tuple[str, ...]


@dataclass(frozen=True)
class Footprint:
    """What the app leaves on the phone, as AndroidQF and dumpsys would show it."""

    label: str
    installer: str
    version_name: str
    accessibility_service: str | None    # class name, relative to the package (".svc.Keys")
    device_admin: str | None
    notification_listener: str | None
    hidden_icon: bool
    usage_access: bool
    boot_receiver: bool
    play_protect_off: bool
    unknown_sources_to: str | None       # package granted "install unknown apps" (a browser)
    permissions: tuple[str, ...]
    system_like_name: bool = False


@dataclass(frozen=True)
class Variant:
    """One per-seed flavour of a family, so learners' answers differ."""

    package: str
    c2_domains: tuple[str, ...]
    c2_ips: tuple[str, ...]
    label: str | None


@dataclass(frozen=True)
class Signer:
    subject: str
    key_seed: str


@dataclass(frozen=True)
class Family:
    id: str
    name: str
    names: tuple[str, ...]
    type: str
    in_training_feed: bool
    packages: tuple[str, ...]
    certificates: tuple[str, ...]
    websites: tuple[str, ...]
    distribution: tuple[str, ...]
    c2_domains: tuple[str, ...]
    c2_ips: tuple[str, ...]
    behaviour: Behaviour
    footprint: Footprint | None
    variants: tuple[Variant, ...]
    signer: Signer | None
    description: str
    modelled_on: str
    source: str                          # file it came from, for error messages and provenance
    endpoints: tuple[Endpoint, ...] = ()  # extra traffic (tracker SDKs, vendor websites)


@dataclass(frozen=True)
class Endpoint:
    name: str | None                 # DNS name; None for a raw IP endpoint
    ip: str | None                   # fixed address; None means "resolved, chosen per seed"
    transport: str
    port: int
    role: str
    period_s: tuple[float, float] | None
    up_bytes: tuple[float, float]
    down_bytes: tuple[float, float]
    rate_kbps: tuple[float, float] | None   # for downloads (video)
    ipv6: bool
    alpn: tuple[str, ...]
    path: str = "/"                  # plain HTTP endpoints only


@dataclass(frozen=True)
class AppProfile:
    """A benign app: what it installs and how it talks."""

    id: str
    label: str
    package: str
    installer: str
    system: bool
    version_name: str
    category: str
    permissions: tuple[str, ...]
    accessibility_service: str | None
    notification_listener: str | None
    device_admin: str | None
    endpoints: tuple[Endpoint, ...]
    source: str


@dataclass(frozen=True)
class FamilyUse:
    family: Family
    removed_days_ago: float | None = None     # installed once, uninstalled before the capture
    presence: str = "installed"               # installed | removed | website-only (the person only
                                              # visited the vendor's sales site)


@dataclass(frozen=True)
class Action:
    at_s: float        # seconds after the capture starts
    kind: str
    note: str = ""


@dataclass(frozen=True)
class NetworkSetup:
    kind: str                      # shelter-wifi | home-wifi | hotspot
    ssid: str | None
    subnet: str                    # private IPv4 LAN, e.g. 192.168.40.0/24, at most SMALLEST_LAN_PREFIX long
    ipv6: bool


# A /30 is the smallest network with room for the access point, a phone and a broadcast address.
SMALLEST_LAN_PREFIX = 30


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    summary: str
    duration_s: float
    clock_start: datetime
    clock_jitter_s: float
    locale: str
    android_version: int | None
    accessibility_syntax: str      # "v14" or "legacy"
    network: NetworkSetup
    apps: tuple[AppProfile, ...]
    usage: str                     # busy | normal | light | idle
    families: tuple[FamilyUse, ...]
    private_dns: bool
    doh: bool
    vpn: bool
    actions: tuple[Action, ...]
    expected_verdict: str
    explanation: str
    source: str
    tags: tuple[str, ...] = field(default=())
