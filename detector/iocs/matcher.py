"""The loaded indicators and the one matcher every check asks (the network analysis, the device checks).

Every loader turns its format into the same `Indicator` records; `IndicatorSet` indexes them by kind and
answers `match_<kind>(observed)` with the hits. Domains match on label boundaries (`a.b.example` matches
`b.example`; `xb.example` does not), so a stalkerware server on a shared cloud is found whatever
allow-list a heuristic uses. Addresses match exactly or inside a listed network. Every indicator keeps its
role (c2, distribution, website, package, certificate, apk), because roles weigh differently: visiting a
vendor's website is not an infection.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass, field

from stalkerlab.detector.findings import IndicatorHit

# kind -> the table it is indexed in; kinds without a matcher are kept so that exports and `iocs show`
# carry everything a feed gave
KIND_TABLE = {
    "domain": "domains", "ipv4": "ips", "ipv6": "ips", "cidr": "networks",
    "cert_sha1": "certs", "cert_sha256": "certs", "cert_md5": "certs",
    "package": "packages",
    "apk_sha256": "apk_hashes", "apk_sha1": "apk_hashes", "apk_md5": "apk_hashes",
    "file_name": "other", "file_path": "other", "process_name": "other", "email": "other",
    "android_property": "other", "configuration_profile": "other",
}
ROLES = ("c2", "distribution", "website", "package", "certificate", "apk", "artefact")
FAMILY_TYPES = ("stalkerware", "watchware")


@dataclass(frozen=True)
class Indicator:
    value: str           # normalised: domains lower case, certificates upper hex, APK hashes lower hex
    kind: str            # a key of KIND_TABLE
    role: str            # one of ROLES
    family: str
    family_type: str     # stalkerware | watchware (or what the feed says)
    feed: str            # FeedInfo.name of the feed it came from


def normalise(kind: str, value: str) -> str:
    """The form a value is indexed and compared in; ValueError if it is not a valid value of that kind.
    No kind holds controls, format characters or lone surrogates: such a value is never a real indicator
    and would act on the terminal or the file it is written to."""
    value = value.strip()
    if not value.isprintable():
        raise ValueError(f"not printable: {value!r}")
    if kind == "domain":
        value = value.lower().rstrip(".")
        if not value or " " in value or "/" in value:
            raise ValueError(f"not a domain name: {value!r}")
        return value
    if kind in ("ipv4", "ipv6"):
        return str(ipaddress.ip_address(value))
    if kind == "cidr":
        return str(ipaddress.ip_network(value, strict=False))
    if kind.startswith("cert_"):
        value = value.replace(":", "").upper()
    elif kind.startswith("apk_"):
        value = value.lower()
    else:
        return value
    int(value, 16)       # raises ValueError for anything that is not hex
    return value


def address_indicator_kind(value: str) -> str:
    """ipv4, ipv6 or cidr for an address or network written in a feed (a /32 or /128 is an address)."""
    net = ipaddress.ip_network(value.strip(), strict=False)
    if net.num_addresses == 1:
        return f"ipv{net.version}"
    return "cidr"


@dataclass
class FeedInfo:
    """One loaded feed file, as the report's manifest and `stalkerlab iocs list` cite it."""

    name: str
    format: str
    source: str
    sha256: str
    indicators: int = 0
    apps: int = 0
    date: str | None = None        # when the feed was published or retrieved, when known
    commit: str | None = None      # the source repository's commit, when known
    skipped: int = 0               # entries the format allows but this detector cannot use
    kinds: dict[str, int] = field(default_factory=dict)
    origin: str | None = None      # where the feed was downloaded from, when known

    def as_dict(self) -> dict:
        return {"name": self.name, "format": self.format, "source": self.source, "sha256": self.sha256,
                "indicators": self.indicators, "apps": self.apps, "date": self.date, "commit": self.commit,
                "origin": self.origin, "skipped": self.skipped, "kinds": dict(sorted(self.kinds.items()))}


@dataclass
class IndicatorSet:
    feeds: list[FeedInfo] = field(default_factory=list)
    domains: dict[str, list[Indicator]] = field(default_factory=dict)
    ips: dict[str, list[Indicator]] = field(default_factory=dict)
    networks: dict[str, list[Indicator]] = field(default_factory=dict)
    certs: dict[str, list[Indicator]] = field(default_factory=dict)
    packages: dict[str, list[Indicator]] = field(default_factory=dict)
    apk_hashes: dict[str, list[Indicator]] = field(default_factory=dict)
    other: dict[str, list[Indicator]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)          # lower-case alias -> family name
    family_types: dict[str, str] = field(default_factory=dict)     # family name -> its type
    other_names: dict[str, set[str]] = field(default_factory=dict)  # family name -> its aliases as written
    # (version, prefix length) -> network address as int -> networks' indicators: one dict look-up per
    # prefix length instead of a scan of every network
    _network_index: dict[tuple[int, int], dict[int, list[Indicator]]] = field(default_factory=dict, repr=False)
    _seen: set[Indicator] = field(default_factory=set, repr=False)
    # what loading the feeds has spent, against the limits of iocs.loading (a load is bounded as a whole)
    files_read: int = field(default=0, repr=False)
    bytes_read: int = field(default=0, repr=False)
    values_read: int = field(default=0, repr=False)

    def add(self, ind: Indicator) -> bool:
        """Index one indicator; False if the same indicator of the same feed was already there."""
        if ind in self._seen:
            return False
        self._seen.add(ind)
        table: dict[str, list[Indicator]] = getattr(self, KIND_TABLE[ind.kind])
        table.setdefault(ind.value, []).append(ind)
        if ind.kind == "cidr":
            net = ipaddress.ip_network(ind.value)
            bucket = self._network_index.setdefault((net.version, net.prefixlen), {})
            bucket.setdefault(int(net.network_address), []).append(ind)
        self.family_types.setdefault(ind.family, ind.family_type)
        # every family can be looked up by its name, also those a format names for it (TinyCheck, host
        # lists, STIX without malware objects); as in add_family_names, a name wins over an alias
        self.aliases[ind.family.lower()] = ind.family
        return True

    def add_family_names(self, family: str, names) -> None:
        # a family's own name wins over another family's alias
        self.aliases[family.lower()] = family
        for alias in names:
            self.aliases.setdefault(str(alias).lower(), family)
            if str(alias).lower() != family.lower():
                self.other_names.setdefault(family, set()).add(str(alias))

    def match_domain(self, name: str) -> tuple[IndicatorHit, ...]:
        labels = name.lower().rstrip(".").split(".")
        hits = []
        for i in range(len(labels) - 1):
            for ind in self.domains.get(".".join(labels[i:]), ()):
                hits.append(_hit(ind, name))
        return tuple(hits)

    def match_ip(self, ip: str) -> tuple[IndicatorHit, ...]:
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return ()
        hits = [_hit(ind, ip) for ind in self.ips.get(str(addr), ())]
        number = int(addr)
        width = addr.max_prefixlen
        for (version, prefix), bucket in self._network_index.items():
            if version == addr.version:
                for ind in bucket.get(number >> (width - prefix) << (width - prefix), ()):
                    hits.append(_hit(ind, ip))
        return tuple(hits)

    def match_cert_sha1(self, sha1: str) -> tuple[IndicatorHit, ...]:
        # One table for certificate digests: a certificate is the same whether it signs an APK or a
        # TLS session, and digests of different lengths cannot collide.
        key = sha1.replace(":", "").upper()
        return tuple(_hit(ind, key) for ind in self.certs.get(key, ()))

    def match_package(self, name: str) -> tuple[IndicatorHit, ...]:
        return tuple(_hit(ind, name) for ind in self.packages.get(name, ()))

    def match_apk_hash(self, digest: str) -> tuple[IndicatorHit, ...]:
        """An APK file's SHA-256, SHA-1 or MD5 (hex, either case)."""
        key = digest.strip().lower()
        return tuple(_hit(ind, key) for ind in self.apk_hashes.get(key, ()))

    def counts(self) -> int:
        return len(self._seen)

    def all(self) -> list[Indicator]:
        """Every indicator, in a stable order (family, role, kind, value) for exports and listings."""
        return sorted(self._seen, key=lambda i: (i.family.lower(), i.family, ROLE_ORDER.get(i.role, 99), i.role,
                                                 i.kind, i.value, i.feed))

    def family(self, name: str) -> str | None:
        """The family a name or alias refers to (case-insensitive), or None."""
        return self.aliases.get(name.lower())

    def of_family(self, family: str) -> list[Indicator]:
        return [i for i in self.all() if i.family == family]


ROLE_ORDER = {role: n for n, role in enumerate(ROLES)}


def kind_counts(indicators) -> dict[str, int]:
    return dict(Counter(i.kind for i in indicators))


def _hit(ind: Indicator, observed: str) -> IndicatorHit:
    return IndicatorHit(value=ind.value, kind=ind.kind, role=ind.role, family=ind.family,
                        family_type=ind.family_type, feed=ind.feed, matched=observed)
