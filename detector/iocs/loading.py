"""What every feed loader shares: reading the file once (bytes and SHA-256) within the limits below, and
adding its entries to the IndicatorSet with the counts the manifest cites.

Feeds come from strangers, so each file is bounded before a parser sees it and while it is loaded, and
so is one load of many files (a folder of a thousand small files adds up). The limits sit far above real
feeds (Echap's folder: 460 KB and about 9,000 values; its largest file, a STIX bundle, about 4 MiB and
13,000 objects) and keep a load under a few seconds and a few hundred MB. A file beyond one is refused
with the reason.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path

from stalkerlab.detector.iocs.matcher import FeedInfo, Indicator, IndicatorSet, address_indicator_kind, normalise

from stalkerlab.common.errors import UserError

MAX_FEED_BYTES = 16 * 1024 * 1024   # one file, read whole: what parsing it may cost in memory
MAX_LOAD_BYTES = 32 * 1024 * 1024   # all the files of one load: what parsing them may cost in time
MAX_LOAD_FILES = 256                # files of one load, each with its own costs (Echap's folder has 3)
LOAD_FILES_REFUSED = f"more than {MAX_LOAD_FILES} feed files, more than this detector loads at once"
MAX_NESTING = 100                # levels of arrays/objects (JSON) or collections (YAML); Echap's use 4 or 5
MAX_JSON_VALUES = 1_000_000      # strings, arrays and objects in one JSON file: 50 to 250 bytes each once parsed
# values read by all the files of one load: YAML values, STIX objects, TinyCheck entries, CSV and host-list
# lines. Each costs 1 to 40 microseconds, and an indicator kept about 360 bytes.
MAX_LOAD_VALUES = 100_000
LOAD_VALUES_REFUSED = (f"brings the feeds loaded to more than {MAX_LOAD_VALUES:,} values (YAML values, objects, "
                       "entries or lines), more than this detector loads at once")

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def read_feed(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FEED_BYTES + 1)
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a feed file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read the feed ({exc.strerror})") from None
    if len(data) > MAX_FEED_BYTES:
        raise UserError(f"{path}: is larger than {MAX_FEED_BYTES // 2**20} MiB, more than an indicator feed "
                        "this detector loads (split it into several files)")
    return data


def spend_file(indicators: IndicatorSet, path: Path, data: bytes) -> None:
    """Counts a feed file read, and its bytes, into the load's budgets."""
    indicators.files_read += 1
    if indicators.files_read > MAX_LOAD_FILES:
        raise UserError(f"{path}: is one of {LOAD_FILES_REFUSED}")
    indicators.bytes_read += len(data)
    if indicators.bytes_read > MAX_LOAD_BYTES:
        raise UserError(f"{path}: brings the feeds loaded to more than {MAX_LOAD_BYTES // 2**20} MiB, more than "
                        "this detector loads at once")


def spend_values(indicators: IndicatorSet, path: Path | str, count: int = 1) -> None:
    """Counts values read (see MAX_LOAD_VALUES) into the load's budget, before they are used."""
    indicators.values_read += count
    if indicators.values_read > MAX_LOAD_VALUES:
        raise UserError(f"{path}: {LOAD_VALUES_REFUSED}")



def feed_text(path: Path, data: bytes) -> str:
    if b"\0" in data[:4096]:
        raise UserError(f"{path}: is a binary file, not an indicator feed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: is not UTF-8 text (byte {exc.start}), not an indicator feed") from None


def json_shape(text: str) -> tuple[int, int]:
    """(deepest nesting, number of strings, arrays and objects) of JSON text, found without parsing it: the
    standard parser recurses once per level and would fail with RecursionError on a deep file."""
    outside_strings, strings = _JSON_STRING.subn("", text)
    brackets = _NOT_BRACKET.sub("", outside_strings)
    depth = max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)
    return depth, strings + brackets.count("[") + brackets.count("{")


def feed_json(path: Path, data: bytes) -> object:
    """The parsed JSON of a feed file."""
    text = feed_text(path, data)
    depth, values = json_shape(text)
    if depth > MAX_NESTING:
        raise UserError(f"{path}: JSON nests deeper than {MAX_NESTING} levels, not an indicator feed")
    if values > MAX_JSON_VALUES:
        raise UserError(f"{path}: holds more than {MAX_JSON_VALUES:,} JSON strings, arrays and objects, more than "
                        "an indicator feed this detector loads (split it into several files)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except ValueError as exc:   # a number of more than 4,300 digits
        raise UserError(f"{path}: is not usable JSON ({str(exc).split(':')[0]})") from None


def open_json_feed(indicators: IndicatorSet, path: Path, data: bytes | None, doc: object | None, fmt: str,
                   recognised: Callable[[object], bool], expected: str) -> tuple[FeedLoad, object]:
    """Starts loading a JSON feed (STIX, TinyCheck): its load and its parsed document (`doc` when it was
    parsed already), or a UserError saying what the file should have been (`expected`, e.g. 'a TinyCheck
    feed (no "iocs" list)')."""
    data = read_feed(path) if data is None else data
    doc = feed_json(path, data) if doc is None else doc
    if not recognised(doc):
        raise UserError(f"{path}: is not {expected}")
    return FeedLoad(indicators, path.stem, fmt, path, data), doc


def unnamed_family(feed_name: str) -> str:
    """The family of a feed whose format names none (TinyCheck, host lists)."""
    return f"unnamed ({feed_name})"


def name_text(value) -> str:
    """A name from a feed (family, alias, type) as text that can always be written out: lone surrogates,
    from JSON escapes such as "\\ud800" or from undecodable file names, become U+FFFD."""
    text = str(value)
    return text if text.isascii() else _LONE_SURROGATE.sub("\ufffd", text)


class FeedLoad:
    """One feed being loaded: adds normalised indicators and counts them (invalid values are skipped and
    counted, so one bad entry in a large feed does not hide the rest)."""

    def __init__(self, indicators: IndicatorSet, name: str, fmt: str, source: Path | str, data: bytes):
        self.indicators = indicators
        self.info = FeedInfo(name_text(name), fmt, str(source), hashlib.sha256(data).hexdigest())
        self.entries = 0

    def add(self, value, kind: str, role: str, family: str, family_type: str) -> bool:
        self.entries += 1
        try:
            if kind == "ip":
                kind = address_indicator_kind(str(value))
            ind = Indicator(normalise(kind, str(value)), kind, role, name_text(family), name_text(family_type),
                            self.info.name)
        except ValueError:
            self.info.skipped += 1
            return False
        if not self.indicators.add(ind):
            return False
        self.info.indicators += 1
        self.info.kinds[kind] = self.info.kinds.get(kind, 0) + 1
        return True

    def skip(self) -> None:
        """An entry the format allows but this detector cannot use."""
        self.entries += 1
        self.info.skipped += 1

    def add_family(self, name, aliases=(), family_type=None) -> str:
        """Records a family's name and aliases (and its type, when the feed gives one); returns the name."""
        name = name_text(name)
        self.indicators.add_family_names(name, [name_text(a) for a in aliases])
        if family_type is not None:
            self.indicators.family_types.setdefault(name, name_text(family_type))
        return name

    def finish(self) -> FeedInfo:
        self.indicators.feeds.append(self.info)
        return self.info
