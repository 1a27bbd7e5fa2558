"""AndroidQF's small JSON lists: root_binaries.json, mounts.json (strings), files.json (records)."""

from __future__ import annotations

import json
from dataclasses import dataclass


class JsonListError(ValueError):
    pass


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _load(text: str):
    if not text.strip():
        return []
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonListError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:        # [[[[... deeper than the JSON decoder can follow
        raise JsonListError("not valid JSON (nested too deeply)") from None


def _line_of(lines: list[str], value: str) -> int:
    needle = json.dumps(value)
    for n, line in enumerate(lines, 1):
        if needle in line:
            return n
    return 1


def parse_strings(text: str) -> list[tuple[str, int]]:
    """root_binaries.json / mounts.json: [(string, line)]"""
    data = _load(text)
    if not isinstance(data, list):
        raise JsonListError("expected a JSON list")
    lines = text.splitlines()
    return [(item, _line_of(lines, item)) for item in data if isinstance(item, str)]


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    modified: float | None
    sha256: str
    line: int


def parse_files(text: str) -> list[FileEntry]:
    data = _load(text)
    if not isinstance(data, list):
        raise JsonListError("expected a JSON list of file records")
    lines = text.splitlines()
    out = []
    for item in data:
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            mtime, size = item.get("modified_time"), item.get("size")
            out.append(FileEntry(item["path"], size if _number(size) else 0,
                                 float(mtime) if _number(mtime) and mtime > 0 else None,
                                 item["sha256"] if isinstance(item.get("sha256"), str) else "",
                                 _line_of(lines, item["path"])))
    return out
