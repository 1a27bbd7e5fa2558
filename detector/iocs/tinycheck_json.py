"""TinyCheck's IOC feeds: {"iocs": [{"type", "tag", "tlp", "value"}]}, as Echap publishes them in
generated/indicators-for-tinycheck.json.

The format names no family and no role: the tag is a category ("stalkerware"). Its domain list mixes C2
servers with vendor websites, so every domain and address is taken as C2 and the family is named after
the feed; prefer Echap's YAML when both are at hand. TinyCheck's heuristic lists (freedns zones, suspect
TLDs, name servers, Snort rules) are not indicators of a family and are skipped and counted.
"""

from __future__ import annotations

import json
from pathlib import Path

from stalkerlab.detector.iocs.loading import open_json_feed, spend_values, unnamed_family
from stalkerlab.detector.iocs.matcher import FAMILY_TYPES, FeedInfo, IndicatorSet

from stalkerlab.common.errors import UserError

# TinyCheck type -> (kind, role); "ip" is decided by the value
TYPE_KINDS = {"domain": ("domain", "c2"), "ip4addr": ("ip", "c2"), "ip6addr": ("ip", "c2"),
              "cidr": ("ip", "c2"), "sha1cert": ("cert_sha1", "certificate")}
EXPORT_TYPES = {"domain": "domain", "ipv4": "ip4addr", "ipv6": "ip6addr", "cidr": "cidr", "cert_sha1": "sha1cert"}


def looks_like_tinycheck(doc) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("iocs"), list)


def load_tinycheck_json(indicators: IndicatorSet, path: Path, data: bytes | None = None, doc=None) -> FeedInfo:
    load, doc = open_json_feed(indicators, path, data, doc, "tinycheck-json", looks_like_tinycheck,
                               'a TinyCheck feed (no "iocs" list)')
    spend_values(indicators, path, len(doc["iocs"]))
    family = unnamed_family(load.info.name)
    for n, entry in enumerate(doc["iocs"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
            raise UserError(f"{path}: iocs[{n}] is not an object with a \"value\" string")
        kind_role = TYPE_KINDS.get(str(entry.get("type", "")).lower())
        if kind_role is None:
            load.skip()
            continue
        tag = str(entry.get("tag", "")).lower()
        load.add(entry["value"], *kind_role, family, tag if tag in FAMILY_TYPES else "stalkerware")
    load.info.apps = 1 if load.info.indicators else 0
    return load.finish()


def export_tinycheck_json(indicators: IndicatorSet) -> str:
    """The network indicators TinyCheck can use; family and role are lost (the format has neither)."""
    iocs, seen = [], set()
    for ind in indicators.all():
        kind = EXPORT_TYPES.get(ind.kind)
        if kind is None or (kind, ind.value, ind.family_type) in seen:
            continue
        seen.add((kind, ind.value, ind.family_type))
        value = ind.value.lower() if kind == "sha1cert" else ind.value
        iocs.append({"type": kind, "tag": ind.family_type, "tlp": "white", "value": value})
    return json.dumps({"iocs": iocs}, indent=1) + "\n"
