"""`dumpsys notification`: the notification listeners enabled for the current profiles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stalkerlab.detector.device.formats.dumpsys import Section

_COMPONENT = re.compile(r"ComponentInfo\{([\w.]+)/([\w.$]+)\}")


@dataclass(frozen=True)
class Listener:
    package: str
    cls: str
    line: int
    text: str
    file: str = ""


def parse(section: Section) -> list[Listener]:
    out: list[Listener] = []
    seen: set[tuple[str, str]] = set()
    inside = False
    for i, line in enumerate(section.lines):
        stripped = line.strip()
        if stripped.startswith("All notification listeners") or stripped.startswith("Live notification listeners"):
            inside = True
            continue
        if inside and stripped.endswith(":") or (inside and stripped.startswith(("Snoozed", "Allowed"))):
            inside = False
        if not inside:
            continue
        m = _COMPONENT.search(stripped)
        if m:
            pkg, cls = m.groups()
            cls = pkg + cls if cls.startswith(".") else cls
            if (pkg, cls) not in seen:
                seen.add((pkg, cls))
                out.append(Listener(pkg, cls, section.first_line + i, stripped, section.file))
    return out
