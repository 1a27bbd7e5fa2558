"""What every feed loader shares: reading the file once (bytes and SHA-256), and adding its entries to the
IndicatorSet with the counts the manifest cites."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from stalkerlab.detector.iocs.matcher import FeedInfo, Indicator, IndicatorSet, address_indicator_kind, normalise

from stalkerlab.common.errors import UserError


def read_feed(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a feed file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read the feed ({exc.strerror})") from None


def feed_text(path: Path, data: bytes) -> str:
    if b"\0" in data[:4096]:
        raise UserError(f"{path}: is a binary file, not an indicator feed")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: is not UTF-8 text (byte {exc.start}), not an indicator feed") from None


def feed_json(path: Path, data: bytes) -> object:
    """The parsed JSON of a feed file."""
    try:
        return json.loads(feed_text(path, data))
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}: is not valid JSON (line {exc.lineno}: {exc.msg})") from None


def open_json_feed(indicators: IndicatorSet, path: Path, data: bytes | None, fmt: str,
                   recognised: Callable[[object], bool], expected: str) -> tuple[FeedLoad, object]:
    """Starts loading a JSON feed (STIX, TinyCheck): its load and its parsed document, or a UserError
    saying what the file should have been (`expected`, e.g. 'a TinyCheck feed (no "iocs" list)')."""
    data = read_feed(path) if data is None else data
    doc = feed_json(path, data)
    if not recognised(doc):
        raise UserError(f"{path}: is not {expected}")
    return FeedLoad(indicators, path.stem, fmt, path, data), doc


def unnamed_family(feed_name: str) -> str:
    """The family of a feed whose format names none (TinyCheck, host lists)."""
    return f"unnamed ({feed_name})"


class FeedLoad:
    """One feed being loaded: adds normalised indicators and counts them (invalid values are skipped and
    counted, so one bad entry in a large feed does not hide the rest)."""

    def __init__(self, indicators: IndicatorSet, name: str, fmt: str, source: Path | str, data: bytes):
        self.indicators = indicators
        self.info = FeedInfo(name, fmt, str(source), hashlib.sha256(data).hexdigest())

    def add(self, value, kind: str, role: str, family: str, family_type: str) -> bool:
        try:
            if kind == "ip":
                kind = address_indicator_kind(str(value))
            ind = Indicator(normalise(kind, str(value)), kind, role, family, family_type, self.info.name)
        except ValueError:
            self.info.skipped += 1
            return False
        if not self.indicators.add(ind):
            return False
        self.info.indicators += 1
        self.info.kinds[kind] = self.info.kinds.get(kind, 0) + 1
        return True

    def finish(self) -> FeedInfo:
        self.indicators.feeds.append(self.info)
        return self.info
