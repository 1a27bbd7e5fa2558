"""Echap's stalkerware-indicators: ioc.yaml / watchware.yaml (a list of apps) and samples.csv (APK
hashes per app), plus the project's own training feed, which uses the same app keys.

Quirks handled: two apps spell `c2.ip` (singular); `names` are aliases; certificates are the APK signer's
SHA-1 in upper hex; `websites` stay apart from C2 because visiting a vendor's site proves nothing.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from stalkerlab.detector.iocs.bounded_yaml import RefusedYaml, load_bounded_yaml
from stalkerlab.detector.iocs.loading import MAX_LOAD_VALUES, FeedLoad, feed_text, read_feed, spend_values
from stalkerlab.detector.iocs.matcher import FeedInfo, IndicatorSet

from stalkerlab.common.errors import UserError

TRAINING_FEED = Path(__file__).resolve().with_name("training-feed.yaml")  # generated from the simulator's world
ECHAP_FILES = ("ioc.yaml", "watchware.yaml")
SAMPLES_FILE = "samples.csv"
SAMPLES_HEADER = ("SHA256", "Package Name", "Certificate", "Version", "App")
# Echap key -> (kind, role); "ip" becomes ipv4, ipv6 or cidr by value
APP_KEYS = (
    (("c2", "domains"), "domain", "c2"),
    (("c2", "ips"), "ip", "c2"),
    (("c2", "ip"), "ip", "c2"),
    (("distribution",), "domain", "distribution"),
    (("websites",), "domain", "website"),
    (("packages",), "package", "package"),
    (("certificates",), "cert_sha1", "certificate"),
)


def _scalars(load: FeedLoad, value) -> list[str]:
    """The text values of a key that holds one value or a list; nested lists and mappings are skipped
    and counted (Echap's keys hold lists of text)."""
    if value is None:
        return []
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, (list, dict, set)):
            load.skip()
        else:
            out.append(str(item))
    return out


def add_app(load: FeedLoad, app: dict) -> None:
    if isinstance(app.get("name"), (list, dict, set)):
        load.skip()             # an app without a name cannot be reported; the others still load
        return
    ftype = str(app.get("type", "stalkerware"))
    name = load.add_family(app.get("name"), _scalars(load, app.get("names")), ftype)
    for keys, kind, role in APP_KEYS:
        where = app
        for key in keys[:-1]:
            where = where.get(key) or {}
        for value in _scalars(load, where.get(keys[-1]) if isinstance(where, dict) else None):
            load.add(value, kind, role, name, ftype)
    load.info.apps += 1


def load_training_feed(indicators: IndicatorSet, path: Path = TRAINING_FEED) -> FeedInfo:
    """The fictional families the detector is allowed to know (never the simulator's unknown one)."""
    data = read_feed(path)
    load = FeedLoad(indicators, "stalkerlab-training", "echap-yaml", "built-in", data)
    for app in parse_echap_yaml(indicators, path, data):
        add_app(load, app)
    return load.finish()


def parse_echap_yaml(indicators: IndicatorSet, path: Path, data: bytes) -> list[dict]:
    try:
        apps, values = load_bounded_yaml(feed_text(path, data), MAX_LOAD_VALUES - indicators.values_read)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        if isinstance(exc, RefusedYaml):
            raise UserError(f"{path}: {exc.reason}{where}") from None
        raise UserError(f"{path}: is not valid YAML{where}") from None
    except ValueError as exc:   # a tagged or implicit value that cannot be, such as the date 2024-13-45
        raise UserError(f"{path}: is not usable YAML ({str(exc).split(':')[0]})") from None
    spend_values(indicators, path, values)
    if not isinstance(apps, list) or not all(isinstance(a, dict) and "name" in a for a in apps):
        raise UserError(f"{path}: expected Echap's ioc.yaml format (a list of apps with names)")
    return apps


def load_echap_yaml(indicators: IndicatorSet, path: Path, data: bytes | None = None) -> FeedInfo:
    data = read_feed(path) if data is None else data
    apps = parse_echap_yaml(indicators, path, data)
    name = f"echap-{path.stem}" if path.name in ECHAP_FILES else path.stem
    load = FeedLoad(indicators, name, "echap-yaml", path, data)
    for app in apps:
        add_app(load, app)
    return load.finish()


def load_echap_samples(indicators: IndicatorSet, path: Path, data: bytes | None = None) -> FeedInfo:
    """samples.csv: one APK per row (SHA-256, package, signer, version, app). The hashes are what this adds;
    packages and signers are in ioc.yaml already. The family type comes from the apps loaded beside it."""
    data = read_feed(path) if data is None else data
    text = feed_text(path, data)
    spend_values(indicators, path, text.count("\n") + 1)
    rows = csv.reader(io.StringIO(text))
    load = FeedLoad(indicators, "echap-samples", "echap-samples-csv", path, data)
    apps = set()
    try:
        header = tuple(next(rows, ()))
        if header[:len(SAMPLES_HEADER)] != SAMPLES_HEADER:
            raise UserError(f"{path}: expected Echap's samples.csv header {','.join(SAMPLES_HEADER)}")
        for row in rows:
            if len(row) < len(SAMPLES_HEADER):
                load.skip()
                continue
            family = indicators.family(row[4]) or row[4]
            apps.add(family)
            load.add(row[0], "apk_sha256", "apk", family, indicators.family_types.get(family, "stalkerware"))
    except csv.Error as exc:    # a field over the csv module's 128 KiB limit
        raise UserError(f"{path}:{rows.line_num}: not a samples.csv row ({exc})") from None
    load.info.apps = len(apps)
    return load.finish()
