"""STIX 2.1 bundles (Echap, MVT, Amnesty): `malware` objects name the families, `indicator` objects carry
one pattern each, `indicates` relationships join them.

Loading reads the properties it uses (names, aliases, patterns, references) and checks each; an object
that fails is skipped, counted and the first one named. The export writes plain JSON in the stix2
library's layout. The library itself is kept for the tests, which check exports with it: its per-object
check costs 0.3 to 1.5 ms (Echap's 13,000-object bundle took 7 s to load and 10 s to export) and its
pattern parser recurses once per parenthesis, so 3,000 nested ones ended in RecursionError.

Accepted patterns are MVT's: a single equality comparison, e.g. [domain-name:value='x.example'] or
[file:hashes.'SHA-256'='...'], matched by one regular expression (a subset of the STIX pattern grammar, so
no pattern is ever parsed recursively). Anything else (OR/AND, other operators, other objects) is skipped
and counted. Indicators that no relationship links to a malware go to the bundle's only malware, or its
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

from stalkerlab.detector.iocs.loading import open_json_feed, spend_values
from stalkerlab.detector.iocs.matcher import ROLES, FeedInfo, IndicatorSet, address_indicator_kind

from stalkerlab.common.errors import UserError
from stalkerlab.common.shown_as_data import escape_hidden

_PATH_STEP = r"(?:[A-Za-z0-9_-]+|'[^'\\]*')"
_PATTERN = re.compile(rf"^\[\s*([a-z0-9-]+):({_PATH_STEP}(?:\.{_PATH_STEP})*)\s*=\s*'((?:[^'\\]|\\['\\])*)'\s*\]$")
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
_NON_ASCII = re.compile(r"[^\n -~]")
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


def load_stix_bundle(indicators: IndicatorSet, path: Path, data: bytes | None = None, doc=None) -> FeedInfo:
    load, doc = open_json_feed(indicators, path, data, doc, "stix2", looks_like_bundle,
                               'a STIX 2.1 bundle (no "objects" list)')
    spend_values(indicators, path, len(doc["objects"]))
    malware: dict[str, dict] = {}
    found: list[tuple[dict, tuple[str, str]]] = []
    targets: dict[str, str] = {}
    fallback_names: dict[str, list[str]] = {}
    first_problem = ""
    for raw in doc["objects"]:
        kind = raw.get("type") if isinstance(raw, dict) else None
        if kind not in ("malware", "indicator", "relationship"):
            if kind in FALLBACK_FAMILY_TYPES and isinstance(raw.get("name"), str):
                fallback_names.setdefault(kind, []).append(raw["name"])
            continue
        problem = _object_problem(raw, kind)
        if problem:
            # one malformed object should not hide a whole feed; it is counted and the first one named
            load.skip()
            first_problem = first_problem or problem
        elif kind == "malware":
            malware[raw["id"]] = raw
        elif kind == "indicator":
            parsed = parse_pattern(raw["pattern"]) if raw["pattern_type"] == "stix" else None
            if parsed is None:
                load.skip()
            else:
                found.append((raw, parsed))
        elif raw["relationship_type"] == "indicates":
            targets.setdefault(raw["source_ref"], raw["target_ref"])
    fallback = _fallback_family(malware, fallback_names, path)
    families = {}
    for m in malware.values():
        aliases = m.get("aliases") if isinstance(m.get("aliases"), list) else ()
        families[m["id"]] = load.add_family(m["name"], [a for a in aliases if isinstance(a, str)])
    named = set()
    for ind, (kind, value) in found:
        target = malware.get(targets.get(ind["id"], ""))
        family = families[target["id"]] if target is not None else fallback
        family_type = _text_property(target, "x_stalkerlab_family_type") or "stalkerware"
        role = _text_property(ind, "x_stalkerlab_role") or DEFAULT_ROLES.get(kind, "artefact")
        if load.add(value, kind, role if role in ROLES else "artefact", family, family_type):
            named.add(family)
    load.info.apps = len(named)
    if load.info.indicators == 0 and load.info.skipped:
        raise UserError(f"{path}: no usable indicator in this STIX bundle ({load.info.skipped} skipped"
                        + (f"; first: {first_problem}" if first_problem else "") + ")")
    return load.finish()


def _object_problem(raw: dict, kind: str) -> str:
    """What is wrong with a malware, indicator or relationship object for this loader, or ''."""
    ident = raw.get("id")
    if not isinstance(ident, str) or not ident.startswith(f"{kind}--"):
        return f"a {kind} without a valid id"
    wanted = {"malware": ("name",), "indicator": ("pattern", "pattern_type"),
              "relationship": ("relationship_type", "source_ref", "target_ref")}[kind]
    missing = [p for p in wanted if not isinstance(raw.get(p), str) or not raw[p]]
    if missing:
        return f"{escape_hidden(ident[:80])}: no {missing[0]} (text)"
    return ""


def _text_property(obj: dict | None, name: str) -> str | None:
    value = obj.get(name) if obj is not None else None
    return value if isinstance(value, str) else None


def _fallback_family(malware: dict, names: dict[str, list[str]], path: Path) -> str:
    if len(malware) == 1:
        return next(iter(malware.values()))["name"]
    for kind in FALLBACK_FAMILY_TYPES:
        if len(names.get(kind, ())) == 1:
            return names[kind][0]
    return path.stem


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _id(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(ID_NAMESPACE, chr(0).join(parts))}"


def export_stix_bundle(indicators: IndicatorSet, now: datetime | None = None) -> str:
    """The whole set as one STIX 2.1 bundle (JSON text): one malware per family, one indicator per value.

    The objects are written as the stix2 library would write them (the tests check the result with it),
    not built with it: its per-object check parses each pattern again, 1.5 ms an indicator."""
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def stix_object(kind: str, ident: str, **properties) -> dict:
        return {"type": kind, "spec_version": "2.1", "id": ident, "created": stamp, "modified": stamp, **properties}

    objects: list[dict] = []
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
            objects.append(stix_object("malware", families[ind.family], name=ind.family, is_family=True,
                                       **({"aliases": aliases} if aliases else {}),
                                       x_stalkerlab_family_type=ind.family_type))
        objects.append(stix_object("indicator", ind_id, name=f"{ind.family} {ind.role} {ind.kind}", pattern=pattern,
                                   pattern_type="stix", pattern_version="2.1",
                                   valid_from=now.strftime("%Y-%m-%dT%H:%M:%SZ"), x_stalkerlab_role=ind.role))
        objects.append(stix_object("relationship", _id("relationship", ind_id), relationship_type="indicates",
                                   source_ref=ind_id, target_ref=families[ind.family]))
    bundle = {"type": "bundle", "id": _id("bundle", *[o["id"] for o in objects]), "objects": objects}
    text = json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"
    # JSON escapes C0 controls itself; DEL, C1 controls and bidi or other format characters would reach a
    # terminal that shows the export raw. They can only be inside strings here, where \u escapes mean the same.
    return _NON_ASCII.sub(_json_escape_unprintable, text)


def _json_escape_unprintable(match: re.Match) -> str:
    char = match.group()
    if char.isprintable():
        return char
    return json.dumps(char)[1:-1] if ord(char) > 0xFFFF else f"\\u{ord(char):04x}"
