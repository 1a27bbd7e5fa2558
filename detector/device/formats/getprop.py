"""`getprop` output: "[key]: [value]" lines."""

from __future__ import annotations

import re

from stalkerlab.detector.device.formats.line_index import split_lines

_LINE = re.compile(r"^\[([^\]]+)\]:\s*\[(.*)\]\s*$")


def parse(text: str) -> dict[str, tuple[str, int]]:
    """{key: (value, line)}"""
    out: dict[str, tuple[str, int]] = {}
    for n, line in enumerate(split_lines(text), 1):
        m = _LINE.match(line)
        if m:
            out[m.group(1)] = (m.group(2), n)
    return out
