"""A full `dumpsys` (AndroidQF dumpsys.txt, a bugreport's dumpstate) cut into its services.

Each service starts with "DUMP OF SERVICE name:" and ends with the "--------- 0.004s was the duration of
dumpsys name" trailer or a line of dashes. A loose file holding one service's output without the header
(MVT's dumpsys_packages.txt) is one section of the name the caller gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER = re.compile(r"^DUMP OF SERVICE (?:CRITICAL |HIGH )?([\w.\-/]+):\s*$")
_TRAILER = re.compile(r"^-{9} [\d.]+s was the duration of dumpsys ")


@dataclass(frozen=True)
class Section:
    name: str
    file: str
    first_line: int                 # 1-based line number of lines[0] in `file`
    lines: tuple[str, ...]

    def ref(self, index: int) -> tuple[str, int]:
        """(file, 1-based line) of lines[index]."""
        return self.file, self.first_line + index


def split_sections(text: str, file: str) -> dict[str, list[Section]]:
    """{service name: [sections]} (a service may be dumped more than once)."""
    lines = text.splitlines()
    out: dict[str, list[Section]] = {}
    name, start = None, 0

    def close(end: int) -> None:
        if name is None:
            return
        body = lines[start:end]
        while body and (not body[-1].strip() or set(body[-1].strip()) == {"-"} or _TRAILER.match(body[-1])):
            body = body[:-1]
        out.setdefault(name, []).append(Section(name, file, start + 1, tuple(body)))

    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m:
            close(i)
            name, start = m.group(1), i + 1
    close(len(lines))
    return out


def whole_file(text: str, file: str, name: str) -> Section:
    return Section(name, file, 1, tuple(text.splitlines()))


def looks_binary(text: str) -> bool:
    """Mostly control characters or undecodable bytes: not dumpsys text."""
    sample = text[:65536]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\r\n"))
    return bad / len(sample) > 0.1
