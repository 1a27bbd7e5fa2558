"""Reading YAML world files into plain values, with one-line errors that name the file and the key.

A tiny typed reader instead of a schema library: every world file is small, and an instructor who
mistypes a key must see `scenarios/x.yml: actions[2].at: '5 minutes' is not a duration like 5m or 90s`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from stalkerlab.common.errors import UserError
from stalkerlab.common.yaml_text import safe_load


def load_yaml_mapping(path: Path) -> dict:
    """Parse one YAML file that must hold a mapping at its top."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: is not UTF-8 text") from None
    try:
        data = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise UserError(f"{path}: invalid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping of keys at the top of the file")
    return data


class Reader:
    """Typed access to one mapping of a world file; every error names file and key path."""

    def __init__(self, data: dict, source: Path | str, path: str = ""):
        self.data = data
        self.source = source
        self.path = path
        self._used: set[str] = set()

    def fail(self, key: str | None, message: str) -> UserError:
        where = self._key(key) if key else (self.path or "top level")
        return UserError(f"{self.source}: {where}: {message}")

    def _key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, default: Any, required: bool) -> Any:
        self._used.add(key)
        if key not in self.data or self.data[key] is None:
            if required:
                raise self.fail(key, "is required")
            return default
        return self.data[key]

    def str(self, key: str, default: str | None = None, *, required: bool = False,
            choices: tuple[str, ...] | None = None) -> str | None:
        value = self._get(key, default, required)
        if value is None:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(key, f"expected text, got {type(value).__name__}")
        value = str(value)
        if choices and value not in choices:
            raise self.fail(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def int(self, key: str, default: int | None = None, *, required: bool = False,
            minimum: int | None = None) -> int | None:
        value = self._get(key, default, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, got {value!r}")
        if minimum is not None and value < minimum:
            raise self.fail(key, f"must be at least {minimum}, got {value}")
        return value

    def number(self, key: str, default: float | None = None, *, required: bool = False,
               minimum: float | None = None, maximum: float | None = None) -> float | None:
        value = self._get(key, default, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"expected a number, got {value!r}")
        if minimum is not None and value < minimum:
            raise self.fail(key, f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise self.fail(key, f"must be at most {maximum}, got {value}")
        return float(value)

    def bool(self, key: str, default: bool = False) -> bool:
        value = self._get(key, default, False)
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def str_list(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = self._get(key, [], required)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise self.fail(key, "expected a list of text values")
        return tuple(str(v) for v in value)

    def range(self, key: str, default: tuple[float, float] | None = None, *,
              required: bool = False) -> tuple[float, float] | None:
        """A `[low, high]` pair, or one number meaning exactly that value."""
        value = self._get(key, default, required)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (float(value), float(value))
        if (isinstance(value, list | tuple) and len(value) == 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
                and value[0] <= value[1]):
            return (float(value[0]), float(value[1]))
        raise self.fail(key, f"expected [low, high] with low <= high, got {value!r}")

    def mapping(self, key: str, *, required: bool = False) -> Reader:
        value = self._get(key, {}, required)
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping of keys")
        return Reader(value, self.source, self._key(key))

    def mappings(self, key: str, *, required: bool = False) -> list[Reader]:
        value = self._get(key, [], required)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "expected a list of mappings")
        return [Reader(v, self.source, f"{self._key(key)}[{i}]") for i, v in enumerate(value)]

    def raw(self, key: str, default: Any = None) -> Any:
        return self._get(key, default, False)

    def duration_s(self, key: str, default: float | None = None, *, required: bool = False) -> float | None:
        value = self._get(key, default, required)
        if value is None:
            return None
        seconds = parse_duration(value)
        if seconds is None:
            raise self.fail(key, f"{value!r} is not a duration like 90s, 5m, 1h30m, 6d or a number of seconds")
        return seconds

    def datetime_utc(self, key: str, *, required: bool = False) -> datetime | None:
        value = self._get(key, None, required)
        if value is None:
            return None
        if isinstance(value, datetime):
            parsed = value
        else:
            try:
                parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            except ValueError:
                raise self.fail(key, f"{value!r} is not an ISO 8601 time like 2026-03-14T18:00:00Z") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)

    def reject_unknown(self) -> None:
        """Unknown keys are almost always typos; say so instead of ignoring them."""
        unknown = sorted(set(self.data) - self._used)
        if unknown:
            raise self.fail(unknown[0], "is not a known key here (a typo?)")


_DURATION = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)d)?\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s)?\s*$"
)


def parse_duration(value: Any) -> float | None:
    """`90`, `90s`, `5m`, `1h30m`, `6d` -> seconds; None when it is not a duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    if not isinstance(value, str) or not value.strip():
        return None
    match = _DURATION.match(value)
    if not match or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return days * 86400 + hours * 3600 + minutes * 60 + seconds
