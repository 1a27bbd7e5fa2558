"""`dumpsys batterystats` daily stats: "Package changes:" (Update = install or update, Uninstall) with
the day they fall in ("Daily from 2026-03-12-02-03-56 to 2026-03-13-02-03-56", or the current day)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stalkerlab.detector.device.formats.dumpsys import Section

_DAY = re.compile(r"^\s{2}Daily from ([\d-]+) to ([\d-]+):")
_CURRENT = re.compile(r"^\s{2}Current start time: ([\d-]+)")
_CHANGE = re.compile(r"^\s+(Update|Uninstall|Install) ([\w.]+)(?: vers=(\d+))?\s*$")


@dataclass(frozen=True)
class PackageChange:
    action: str            # Update | Uninstall | Install
    package: str
    version_code: int | None
    day_from: str          # batterystats stamp "2026-03-12-02-03-56"
    day_to: str            # "" for the current day
    line: int
    text: str
    file: str = ""


def parse(section: Section) -> list[PackageChange]:
    out: list[PackageChange] = []
    day_from, day_to, in_changes = "", "", False
    for i, line in enumerate(section.lines):
        m = _DAY.match(line)
        if m:
            day_from, day_to, in_changes = m.group(1), m.group(2), False
            continue
        m = _CURRENT.match(line)
        if m:
            day_from, day_to, in_changes = m.group(1), "", False
            continue
        if line.strip() == "Package changes:":
            in_changes = True
            continue
        if in_changes:
            m = _CHANGE.match(line)
            if m:
                vers = int(m.group(3)) if m.group(3) else None
                out.append(PackageChange(m.group(1), m.group(2), vers, day_from, day_to,
                                         section.first_line + i, line.strip(), section.file))
            elif line.strip():
                in_changes = False
    return out
