"""Loading indicator feeds and matching observations against them.

Domains match on label boundaries (`a.b.example` matches `b.example`; `xb.example` does not), so a
stalkerware server on a shared cloud is found whatever allow-list a heuristic uses. Every indicator keeps
its role (c2, distribution, website, package, certificate), because roles weigh differently: visiting a
vendor's website is not an infection.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from detector.findings import IndicatorHit
from stalkerlab.errors import UserError

TRAINING_FEED_DIR = Path(__file__).resolve().parents[2] / "simulator" / "world" / "families"
FEED_TYPES = ("stalkerware", "watchware")


@dataclass(frozen=True)
class Indicator:
    value: str
    kind: str            # domain | ip | cert_sha1 | package
    role: str            # c2 | distribution | website | package | certificate
    family: str
    family_type: str
    feed: str


@dataclass
class FeedInfo:
    name: str
    format: str
    source: str
    sha256: str
    indicators: int = 0
    apps: int = 0

    def as_dict(self) -> dict:
        return {"name": self.name, "format": self.format, "source": self.source, "sha256": self.sha256,
                "indicators": self.indicators, "apps": self.apps}


@dataclass
class IndicatorSet:
    feeds: list[FeedInfo] = field(default_factory=list)
    domains: dict[str, list[Indicator]] = field(default_factory=dict)
    ips: dict[str, list[Indicator]] = field(default_factory=dict)
    certs: dict[str, list[Indicator]] = field(default_factory=dict)
    packages: dict[str, list[Indicator]] = field(default_factory=dict)

    def add(self, ind: Indicator) -> None:
        table = {"domain": self.domains, "ip": self.ips, "cert_sha1": self.certs, "package": self.packages}[ind.kind]
        table.setdefault(ind.value, []).append(ind)

    def match_domain(self, name: str) -> tuple[IndicatorHit, ...]:
        labels = name.lower().rstrip(".").split(".")
        hits = []
        for i in range(len(labels) - 1):
            for ind in self.domains.get(".".join(labels[i:]), ()):
                hits.append(_hit(ind, name))
        return tuple(hits)

    def match_ip(self, ip: str) -> tuple[IndicatorHit, ...]:
        return tuple(_hit(ind, ip) for ind in self.ips.get(ip, ()))

    def match_cert_sha1(self, sha1: str) -> tuple[IndicatorHit, ...]:
        key = sha1.replace(":", "").upper()
        return tuple(_hit(ind, key) for ind in self.certs.get(key, ()))

    def match_package(self, name: str) -> tuple[IndicatorHit, ...]:
        return tuple(_hit(ind, name) for ind in self.packages.get(name, ()))

    def match_apk_hash(self, digest: str) -> tuple[IndicatorHit, ...]:
        return ()

    def counts(self) -> int:
        return sum(len(v) for t in (self.domains, self.ips, self.certs, self.packages) for v in t.values())


def _hit(ind: Indicator, observed: str) -> IndicatorHit:
    return IndicatorHit(value=ind.value, kind=ind.kind, role=ind.role, family=ind.family,
                        family_type=ind.family_type, feed=ind.feed, matched=observed)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _add_app(indicators: IndicatorSet, app: dict, feed: str) -> int:
    name, ftype = str(app.get("name", "?")), str(app.get("type", "stalkerware"))
    before = indicators.counts()
    c2 = app.get("c2") or {}
    for d in _as_list(c2.get("domains")):
        indicators.add(Indicator(d.lower(), "domain", "c2", name, ftype, feed))
    for ip in _as_list(c2.get("ips")) + _as_list(c2.get("ip")):     # two Echap entries spell it `c2.ip`
        try:
            indicators.add(Indicator(str(ipaddress.ip_address(ip)), "ip", "c2", name, ftype, feed))
        except ValueError:
            continue
    for d in _as_list(app.get("distribution")):
        indicators.add(Indicator(d.lower(), "domain", "distribution", name, ftype, feed))
    for d in _as_list(app.get("websites")):
        indicators.add(Indicator(d.lower(), "domain", "website", name, ftype, feed))
    for p in _as_list(app.get("packages")):
        indicators.add(Indicator(p, "package", "package", name, ftype, feed))
    for c in _as_list(app.get("certificates")):
        indicators.add(Indicator(c.replace(":", "").upper(), "cert_sha1", "certificate", name, ftype, feed))
    return indicators.counts() - before


def load_training_feed(indicators: IndicatorSet, folder: Path = TRAINING_FEED_DIR) -> None:
    """The fictional families the detector is allowed to know (never the simulator's unknown one)."""
    digest = hashlib.sha256()
    info = FeedInfo("stalkerlab-training", "stalkerlab-families", "built-in", "")
    for path in sorted(folder.glob("*.yml")):
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data)
        app = yaml.safe_load(data)
        if not app.get("in_training_feed", True) or app.get("type") not in FEED_TYPES:
            continue
        info.indicators += _add_app(indicators, app, info.name)
        info.apps += 1
    info.sha256 = digest.hexdigest()
    indicators.feeds.append(info)


def load_echap_yaml(indicators: IndicatorSet, path: Path) -> None:
    try:
        data = path.read_bytes()
        apps = yaml.safe_load(data)
    except OSError as exc:
        raise UserError(f"{path}: cannot read the feed ({exc.strerror})") from None
    except yaml.YAMLError:
        raise UserError(f"{path}: is not a YAML indicator feed") from None
    if not isinstance(apps, list) or not all(isinstance(a, dict) and "name" in a for a in apps):
        raise UserError(f"{path}: expected Echap's ioc.yaml format (a list of apps with names)")
    info = FeedInfo(path.stem if path.stem not in ("ioc", "watchware") else f"echap-{path.stem}", "echap-yaml",
                    str(path), hashlib.sha256(data).hexdigest())
    for app in apps:
        info.indicators += _add_app(indicators, app, info.name)
        info.apps += 1
    indicators.feeds.append(info)


def load_feeds(paths: list[Path] | None = None, *, training: bool = True) -> IndicatorSet:
    indicators = IndicatorSet()
    if training:
        load_training_feed(indicators)
    for path in paths or ():
        path = Path(path)
        if path.is_dir():
            found = [p for p in (path / "ioc.yaml", path / "watchware.yaml") if p.is_file()]
            if not found:
                raise UserError(f"{path}: no ioc.yaml or watchware.yaml in this folder")
            for p in found:
                load_echap_yaml(indicators, p)
        else:
            load_echap_yaml(indicators, path)
    return indicators
