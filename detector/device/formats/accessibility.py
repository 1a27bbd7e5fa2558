"""`dumpsys accessibility`: enabled services, in both syntaxes.

Before Android 14 (and on Samsung): blocks "enabled services: {" ... "}" with "N : pkg/cls" lines.
Android 14+: one line "Enabled services:{{pkg/cls}, {pkg/cls}}".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stalkerlab.detector.device.formats.dumpsys import Section

_BRACED = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class A11yService:
    package: str
    cls: str
    line: int
    text: str
    file: str = ""


def _component(raw: str) -> tuple[str, str] | None:
    raw = raw.strip().split(" ", 1)[0]
    pkg, sep, cls = raw.partition("/")
    if not sep or not pkg or not cls:
        return None
    return pkg, pkg + cls if cls.startswith(".") else cls


def parse(section: Section, which: str = "enabled") -> list[A11yService]:
    """Services listed as `which` ("enabled" or "installed")."""
    out: list[A11yService] = []
    inside = False
    for i, line in enumerate(section.lines):
        n = section.first_line + i
        stripped = line.strip()
        low = stripped.lower()
        if inside:
            if stripped.startswith("}"):
                inside = False
                continue
            item = stripped.split(" : ", 1)[-1] if " : " in stripped else stripped
            comp = _component(item)
            if comp:
                out.append(A11yService(*comp, n, stripped, section.file))
            continue
        if low.startswith(f"{which} services:"):
            rest = stripped.split(":", 1)[1].strip()
            if rest == "{":
                inside = True
                continue
            for m in _BRACED.finditer(rest):
                comp = _component(m.group(1))
                if comp:
                    out.append(A11yService(*comp, n, stripped, section.file))
    return out
