"""Loading indicator feeds: which format a file is, what a feed folder holds, and where a feed came from.

Formats are told apart by name and content, never by trust in the extension alone: Echap YAML (a list of
apps), Echap samples.csv, STIX 2.1 bundles, TinyCheck JSON, plain host lists. A file that is none of
them is a UserError naming the file and the problem.

Provenance: a folder written by `stalkerlab iocs update` holds provenance.json (source URL, retrieval
date, commit, SHA-256 per file); a copy of Echap's repository may hold PROVENANCE.txt with the commit.
Each feed loaded from such a folder carries the date and commit, but only if its SHA-256 is the one
recorded: a file edited since is cited by its hash alone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from stalkerlab.detector.iocs.echap_yaml import (
    ECHAP_FILES,
    SAMPLES_FILE,
    SAMPLES_HEADER,
    load_echap_samples,
    load_echap_yaml,
    load_training_feed,
)
from stalkerlab.detector.iocs.host_list import load_host_list
from stalkerlab.detector.iocs.loading import (
    LOAD_FILES_REFUSED,
    MAX_LOAD_FILES,
    feed_json,
    feed_text,
    read_feed,
    spend_file,
)
from stalkerlab.detector.iocs.matcher import FeedInfo, IndicatorSet
from stalkerlab.detector.iocs.stix_bundle import load_stix_bundle, looks_like_bundle
from stalkerlab.detector.iocs.tinycheck_json import load_tinycheck_json, looks_like_tinycheck

from stalkerlab.common.errors import UserError

PROVENANCE_FILE = "provenance.json"
# files of a folder that may be feeds (others, like README.md or LICENSE, are ignored)
FEED_SUFFIXES = (".json", ".stix2", ".stix", ".yaml", ".yml", ".txt", ".hosts", ".csv")
LOADERS: dict[str, Callable[[IndicatorSet, Path, bytes], FeedInfo]] = {
    "echap-yaml": load_echap_yaml,
    "echap-samples-csv": load_echap_samples,
    "stix2": load_stix_bundle,
    "tinycheck-json": load_tinycheck_json,
    "host-list": load_host_list,
}
_PROVENANCE_TXT = re.compile(r"commit\s+([0-9a-f]{40})\s*\((\d{4}-\d{2}-\d{2})\)")


def detect_format(path: Path, data: bytes) -> tuple[str, object]:
    """The loader name for a feed file (a key of LOADERS), and its parsed JSON when it had to be parsed to
    tell (None otherwise)."""
    suffix = path.suffix.lower()
    text = feed_text(path, data)
    if suffix == ".csv":
        if tuple(text.split("\n", 1)[0].strip().split(","))[:len(SAMPLES_HEADER)] == SAMPLES_HEADER:
            return "echap-samples-csv", None
        raise UserError(f"{path}: is a CSV file but not Echap's samples.csv (header {','.join(SAMPLES_HEADER)})")
    if suffix in (".yaml", ".yml"):
        return "echap-yaml", None
    head = text.lstrip()[:1]
    if head in ("{", "[") or suffix in (".json", ".stix2", ".stix"):
        doc = feed_json(path, data)
        if looks_like_bundle(doc):
            return "stix2", doc
        if looks_like_tinycheck(doc):
            return "tinycheck-json", doc
        raise UserError(f"{path}: is JSON but neither a STIX 2.1 bundle nor a TinyCheck feed")
    if text.lstrip().startswith(("- ", "---")):
        return "echap-yaml", None
    return "host-list", None


def load_feed_file(indicators: IndicatorSet, path: Path) -> FeedInfo:
    data = read_feed(path)
    spend_file(indicators, path, data)
    fmt, doc = detect_format(path, data)
    if doc is None:
        return LOADERS[fmt](indicators, path, data)
    return LOADERS[fmt](indicators, path, data, doc=doc)


def feed_files(folder: Path) -> list[Path]:
    """The files of a feed folder, in load order (Echap's YAML before samples.csv, which needs its types)."""
    echap = [folder / n for n in ECHAP_FILES if (folder / n).is_file()]
    if echap:
        return echap + [p for p in (folder / SAMPLES_FILE,) if p.is_file()]
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            path = Path(entry.path)
            if (entry.is_file() and not entry.name.startswith(".") and entry.name != PROVENANCE_FILE
                    and (path.suffix.lower() in FEED_SUFFIXES or entry.name == "hosts")):
                found.append(path)
                if len(found) > MAX_LOAD_FILES:     # stop listing: a folder may hold millions
                    raise UserError(f"{folder}: {LOAD_FILES_REFUSED}")
    if not found:
        raise UserError(f"{folder}: no feed files in this folder (ioc.yaml, watchware.yaml, STIX, TinyCheck "
                        "or host lists)")
    return sorted(found)


def read_provenance(folder: Path) -> dict:
    """{"source", "retrieved", "commit", "files": {name: sha256}} for a folder, or {} when unknown. Only
    text values are kept: the record is as untrusted as the feed beside it."""
    path = folder / PROVENANCE_FILE
    if path.is_file():
        doc = feed_json(path, read_feed(path))
        if not isinstance(doc, dict):
            return {}
        files = doc.get("files")
        return {**{k: v for k, v in doc.items() if isinstance(v, str)},
                "files": {k: v for k, v in files.items() if isinstance(v, str)} if isinstance(files, dict) else None}
    text_path = folder / "PROVENANCE.txt"
    if text_path.is_file():
        with open(text_path, "rb") as f:
            m = _PROVENANCE_TXT.search(f.read(64 * 1024).decode("utf-8", errors="replace"))
        if m:
            return {"source": None, "retrieved": None, "commit": m.group(1), "date": m.group(2), "files": None}
    return {}


def _apply_provenance(info: FeedInfo, path: Path, provenance: dict) -> None:
    recorded = provenance.get("files")
    if recorded is not None and recorded.get(path.name) != info.sha256:
        return
    info.commit = provenance.get("commit")
    info.date = provenance.get("date") or provenance.get("retrieved")
    if provenance.get("source"):
        info.origin = provenance["source"]


def load_feeds(paths: list[Path] | None = None, *, training: bool = True) -> IndicatorSet:
    """The training feed (unless training=False) plus each feed file or folder given, in order."""
    indicators = IndicatorSet()
    if training:
        load_training_feed(indicators)
    for path in paths or ():
        path = Path(path).expanduser()
        if path.is_dir():
            provenance = read_provenance(path)
            for p in feed_files(path):
                _apply_provenance(load_feed_file(indicators, p), p, provenance)
        elif not path.exists():
            raise UserError(f"{path}: no such feed file or folder")
        else:
            load_feed_file(indicators, path)
    return indicators
