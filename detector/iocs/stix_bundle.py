"""STIX 2.1 bundles (Echap, MVT, Amnesty): `malware` objects name the families, `indicator` objects carry
one pattern each, `indicates` relationships join them. Objects are checked with the stix2 library.

Accepted patterns are MVT's: a single equality comparison, e.g. [domain-name:value='x.example'] or
[file:hashes.'SHA-256'='...']. Anything else (OR/AND, other operators, other objects) is skipped and
counted. Indicators that no relationship links to a malware go to the bundle's only malware, or its
threat actor, or its report, or the file name: MVT drops them, but Amnesty's bundles have no malware objects.

The export writes roles and family types as custom properties (`x_stalkerlab_role`,
`x_stalkerlab_family_type`), so a bundle written here loads back unchanged; plain bundles get the
default role of each kind.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import stix2
from stalkerlab.detector.iocs.loading import open_json_feed
from stalkerlab.detector.iocs.matcher import ROLES, FeedInfo, IndicatorSet, address_indicator_kind
from stix2.exceptions import STIXError

from stalkerlab.common.errors import UserError

_PATTERN = re.compile(r"^\[\s*([a-z0-9-]+):([A-Za-z0-9_.'-]+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]$")
# (object type, property path with quotes and dashes removed) -> kind; "ip" is decided by the value
PATTERN_KINDS = {
    ("domain-name", "value"): "domain",
    ("ipv4-addr", "value"): "ip",
    ("ipv6-addr", "value"): "ip",
    ("url", "value"): "url",
    ("app", "id"): "package",
    ("app", "cert.sha1"): "cert_sha1",
    ("app", "cert.sha256"): "cert_sha256",
    ("app", "cert.md5"): "cert_md5",
    ("x509-certificate", "hashes.sha1"): "cert_sha1",
    ("x509-certificate", "hashes.sha256"): "cert_sha256",
    ("file", "hashes.sha256"): "apk_sha256",
    ("file", "hashes.sha1"): "apk_sha1",
    ("file", "hashes.md5"): "apk_md5",
    ("file", "name"): "file_name",
    ("file", "path"): "file_path",
    ("process", "name"): "process_name",
    ("email-addr", "value"): "email",
    ("android-property", "name"): "android_property",
    ("configuration-profile", "id"): "configuration_profile",
}
# what each kind is written as on export (MVT's spellings, which PATTERN_KINDS reads back)
EXPORT_PATTERNS = {
    "domain": "domain-name:value", "ipv4": "ipv4-addr:value", "ipv6": "ipv6-addr:value",
    "package": "app:id", "cert_sha1": "app:cert.sha1", "cert_sha256": "app:cert.sha256", "cert_md5": "app:cert.md5",
    "apk_sha256": "file:hashes.sha256", "apk_sha1": "file:hashes.sha1", "apk_md5": "file:hashes.md5",
    "file_name": "file:name", "file_path": "file:path", "process_name": "process:name", "email": "email-addr:value",
    "android_property": "android-property:name", "configuration_profile": "configuration-profile:id",
}
DEFAULT_ROLES = {"domain": "c2", "ip": "c2", "url": "c2", "package": "package", "cert_sha1": "certificate",
                 "cert_sha256": "certificate", "cert_md5": "certificate", "apk_sha256": "apk", "apk_sha1": "apk",
                 "apk_md5": "apk"}
FALLBACK_FAMILY_TYPES = ("threat-actor", "intrusion-set", "campaign", "report")
# fixed namespace: the same indicator always gets the same id, so two exports of one feed diff cleanly
ID_NAMESPACE = uuid.UUID("6f1c9d3e-5b0a-4c7e-9a51-2d8e4f0b7c13")


def looks_like_bundle(doc) -> bool:
    return isinstance(doc, dict) and (doc.get("type") == "bundle" or isinstance(doc.get("objects"), list))


def parse_pattern(pattern: str) -> tuple[str, str] | None:
    """(kind, value) of a single-comparison pattern this detector uses, or None."""
    m = _PATTERN.match(pattern.strip())
    if not m:
        return None
    obj, path, value = m.group(1), m.group(2).replace("'", "").replace("-", "").lower(), m.group(3)
    kind = PATTERN_KINDS.get((obj, path))
    if kind is None:
        return None
    value = re.sub(r"\\(.)", r"\1", value)
    if kind == "url":
        host = urlsplit(value if "//" in value else f"//{value}").hostname
        if not host:
            return None
        try:
            return address_indicator_kind(host), host
        except ValueError:
            return "domain", host
    return kind, value


def load_stix_bundle(indicators: IndicatorSet, path: Path, data: bytes | None = None) -> FeedInfo:
    load, doc = open_json_feed(indicators, path, data, "stix2", looks_like_bundle,
                               'a STIX 2.1 bundle (no "objects" list)')
    malware: dict[str, stix2.v21.Malware] = {}
    found: list[stix2.v21.Indicator] = []
    targets: dict[str, str] = {}
    fallback_names: dict[str, list[str]] = {}
    first_problem = ""
    for raw in doc["objects"]:
        kind = raw.get("type") if isinstance(raw, dict) else None
        if kind not in ("malware", "indicator", "relationship"):
            if kind in FALLBACK_FAMILY_TYPES and raw.get("name"):
                fallback_names.setdefault(kind, []).append(str(raw["name"]))
            continue
        try:
            obj = stix2.parse(raw, allow_custom=True, version="2.1")
        except (STIXError, ValueError, TypeError) as exc:
            # one malformed object should not hide a whole feed; it is counted and the first one named
            load.info.skipped += 1
            first_problem = first_problem or f"{raw.get('id', kind)}: {str(exc).splitlines()[0]}"
            continue
        if kind == "malware":
            malware[obj.id] = obj
        elif kind == "indicator":
            found.append(obj)
        elif obj.relationship_type == "indicates":
            targets.setdefault(obj.source_ref, obj.target_ref)
    fallback = _fallback_family(malware, fallback_names, path)
    for m in malware.values():
        indicators.add_family_names(m.name, getattr(m, "aliases", None) or ())
    for ind in found:
        parsed = parse_pattern(ind.pattern) if ind.pattern_type == "stix" else None
        if parsed is None:
            load.info.skipped += 1
            continue
        kind, value = parsed
        target = malware.get(targets.get(ind.id, ""))
        family = target.name if target is not None else fallback
        family_type = str(_custom(target, "x_stalkerlab_family_type") or "stalkerware")
        role = str(_custom(ind, "x_stalkerlab_role") or DEFAULT_ROLES.get(kind, "artefact"))
        load.add(value, kind, role if role in ROLES else "artefact", family, family_type)
    load.info.apps = len({i.family for i in indicators.all() if i.feed == load.info.name})
    if load.info.indicators == 0 and load.info.skipped:
        raise UserError(f"{path}: no usable indicator in this STIX bundle ({load.info.skipped} skipped"
                        + (f"; first: {first_problem}" if first_problem else "") + ")")
    return load.finish()


def _custom(obj, name: str):
    return obj.get(name) if obj is not None else None


def _fallback_family(malware: dict, names: dict[str, list[str]], path: Path) -> str:
    if len(malware) == 1:
        return next(iter(malware.values())).name
    for kind in FALLBACK_FAMILY_TYPES:
        if len(names.get(kind, ())) == 1:
            return names[kind][0]
    return path.stem


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _id(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(ID_NAMESPACE, chr(0).join(parts))}"


def export_stix_bundle(indicators: IndicatorSet, now: datetime | None = None) -> str:
    """The whole set as one STIX 2.1 bundle (JSON text): one malware per family, one indicator per value."""
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    objects: list = []
    families: dict[str, str] = {}
    written: set[str] = set()
    for ind in indicators.all():
        ind_id = _id("indicator", ind.family, ind.role, ind.kind, ind.value)
        if ind_id in written:        # the same entry from two feeds
            continue
        written.add(ind_id)
        if ind.kind == "cidr":
            pattern = f"[ipv{6 if ':' in ind.value else 4}-addr:value = {_quote(ind.value)}]"
        else:
            pattern = f"[{EXPORT_PATTERNS[ind.kind]} = {_quote(ind.value)}]"
        if ind.family not in families:
            families[ind.family] = _id("malware", ind.family)
            aliases = sorted(indicators.other_names.get(ind.family, ()))
            objects.append(stix2.v21.Malware(
                id=families[ind.family], name=ind.family, is_family=True, created=now, modified=now,
                aliases=aliases or None, x_stalkerlab_family_type=ind.family_type, allow_custom=True))
        objects.append(stix2.v21.Indicator(
            id=ind_id, pattern=pattern, pattern_type="stix", valid_from=now, created=now, modified=now,
            name=f"{ind.family} {ind.role} {ind.kind}", x_stalkerlab_role=ind.role, allow_custom=True))
        objects.append(stix2.v21.Relationship(
            id=_id("relationship", ind_id), relationship_type="indicates", source_ref=ind_id,
            target_ref=families[ind.family], created=now, modified=now))
    bundle = stix2.v21.Bundle(objects=objects, id=_id("bundle", *[o.id for o in objects]), allow_custom=True)
    # stix2's own pretty printing is quadratic in the bundle size; the library still checks every object
    return json.dumps(json.loads(bundle.serialize()), indent=1, ensure_ascii=False) + "\n"
