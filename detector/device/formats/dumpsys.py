"""A full `dumpsys` (AndroidQF dumpsys.txt, a bugreport's dumpstate) cut into its services.

Each service starts with "DUMP OF SERVICE name:" and ends with the "--------- 0.004s was the duration of
dumpsys name" trailer or a line of dashes. A loose file holding one service's output without the header
(MVT's dumpsys_packages.txt) is one section of the name the caller gives.

Sections are runs of lines of the file's LineIndex, read on demand: a 60 MB dumpsys is held once, as the
bytes of the file, not again as a million line objects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from stalkerlab.detector.device.formats.line_index import LineIndex

# No "^": a pattern that starts with its literal is searched for at memory speed (then checked to start a line)
_HEADER = r"DUMP OF SERVICE (?:CRITICAL |HIGH )?([\w.\-/]+):[^\S\n]*$"
_HEADERS = {str: re.compile(_HEADER, re.M | re.A), bytes: re.compile(_HEADER.encode(), re.M)}
_TRAILER = re.compile(r"^-{9} [\d.]+s was the duration of dumpsys ")


@dataclass(frozen=True)
class Section:
    name: str
    file: str
    first_line: int                 # 1-based line number of lines[0] in `file`
    lines: Sequence[str]

    def ref(self, index: int) -> tuple[str, int]:
        """(file, 1-based line) of lines[index]."""
        return self.file, self.first_line + index


def _index(text: str | LineIndex) -> LineIndex:
    return text if isinstance(text, LineIndex) else LineIndex(text)


def split_sections(text: str | LineIndex, file: str) -> dict[str, list[Section]]:
    """{service name: [sections]} (a service may be dumped more than once)."""
    index = _index(text)
    out: dict[str, list[Section]] = {}
    # the headers are found by one search of the whole text, not line by line
    data = index.data
    headers = [(index.number_at(m.start()), m.group(1)) for m in _HEADERS[type(data)].finditer(data)
               if m.start() == 0 or data[m.start() - 1:m.start()] in ("\n", b"\n")]
    for k, (header_line, name) in enumerate(headers):
        end = headers[k + 1][0] - 1 if k + 1 < len(headers) else len(index)
        body = index.lines(header_line + 1, end)
        while body and (not body[-1].strip() or set(body[-1].strip()) == {"-"} or _TRAILER.match(body[-1])):
            body = body[:-1]
        name = name if isinstance(name, str) else name.decode("ascii", errors="replace")
        out.setdefault(name, []).append(Section(name, file, header_line + 1, body))
    return out


def whole_file(text: str | LineIndex, file: str, name: str) -> Section:
    return Section(name, file, 1, _index(text).lines())


def looks_binary(text: str | LineIndex) -> bool:
    """Mostly control characters or undecodable bytes: not dumpsys text."""
    sample = text.data[:65536] if isinstance(text, LineIndex) else text[:65536]
    if isinstance(sample, bytes):
        sample = sample.decode("utf-8", errors="replace")
    if not sample:
        return False
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\r\n"))
    return bad / len(sample) > 0.1
