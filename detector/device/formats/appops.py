"""`dumpsys appops`: per package, each op's mode and its last recorded access time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stalkerlab.detector.device.formats.dumpsys import Section

_UID = re.compile(r"^\s{2}Uid ([\w]+):")
_PACKAGE = re.compile(r"^\s{4}Package ([\w.]+):")
_OP = re.compile(r"^\s{6}([A-Z_0-9]+) \((\w+)(?: / switch \w+)?\):")
_ACCESS = re.compile(r"^\s+Access: \[[\w-]+\]\s*(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?)")


@dataclass
class AppOpRecord:
    uid: str
    package: str
    op: str
    mode: str
    line: int
    text: str
    last_access: str = ""          # local time stamp of the newest "Access:" line
    access_line: int = 0
    file: str = ""


def parse(section: Section) -> list[AppOpRecord]:
    out: list[AppOpRecord] = []
    uid, package, op = "", None, None
    for i, line in enumerate(section.lines):
        n = section.first_line + i
        m = _UID.match(line)
        if m:
            uid, package, op = m.group(1), None, None
            continue
        m = _PACKAGE.match(line)
        if m:
            package, op = m.group(1), None
            continue
        if package is None:
            continue
        m = _OP.match(line)
        if m:
            op = AppOpRecord(uid, package, m.group(1), m.group(2), n, line.strip(), file=section.file)
            out.append(op)
            continue
        m = _ACCESS.match(line)
        if m and op is not None and m.group(1) > op.last_access:
            op.last_access, op.access_line = m.group(1), n
    return out
