"""AndroidQF's JSON lists: root_binaries.json, mounts.json (strings), files.json (records).

Each element's line is where that element (or its "path") starts in the text, so duplicates and escaped
characters point at their own line, and a list of 40,000 records takes one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from stalkerlab.detector.device.formats.json_document import JsonDocument, JsonTextError, NotAList

# files.json lists the files of shared storage and temporary folders: tens of thousands on a busy phone
MAX_ENTRIES = 500_000
MAX_ENTRY_CHARS = 64 * 1024


class JsonListError(ValueError):
    pass


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _elements(doc: JsonDocument, what: str, expected: str):
    if not doc.text or doc.text.isspace():
        return
    try:
        yield from doc.elements(what, MAX_ENTRIES, MAX_ENTRY_CHARS)
    except NotAList:
        raise JsonListError(expected) from None
    except JsonTextError as exc:
        raise JsonListError(str(exc)) from None


def parse_strings(text: str) -> list[tuple[str, int]]:
    """root_binaries.json / mounts.json: [(string, line)]"""
    doc = JsonDocument(text)
    return [(item, doc.line_at(pos)) for pos, item in _elements(doc, "entry", "expected a JSON list")
            if isinstance(item, str)]


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str
    size: int
    modified: float | None
    sha256: str
    line: int


def parse_files(text: str) -> list[FileEntry]:
    doc = JsonDocument(text)
    out = []
    for pos, item in _elements(doc, "file record", "expected a JSON list of file records"):
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            mtime, size = item.get("modified_time"), item.get("size")
            out.append(FileEntry(item["path"], size if _number(size) else 0,
                                 float(mtime) if _number(mtime) and mtime > 0 else None,
                                 item["sha256"] if isinstance(item.get("sha256"), str) else "",
                                 doc.line_at(doc.member_offsets(pos)["path"])))
    return out
