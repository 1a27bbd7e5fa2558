"""AndroidQF settings_system/secure/global.txt: "key=value" lines (value may be empty or contain '=')."""

from __future__ import annotations

from stalkerlab.detector.device.formats.line_index import split_lines


def parse(text: str) -> dict[str, tuple[str, int]]:
    """{key: (value, line)}"""
    out: dict[str, tuple[str, int]] = {}
    for n, line in enumerate(split_lines(text), 1):
        key, sep, value = line.partition("=")
        key = key.strip()
        if sep and key and " " not in key:
            out[key] = (value.strip(), n)
    return out


def components(value: str) -> list[tuple[str, str]]:
    """A colon-separated ComponentName list (enabled_accessibility_services) -> [(package, class)]."""
    out = []
    for item in value.split(":"):
        pkg, sep, cls = item.strip().partition("/")
        if sep and pkg:
            out.append((pkg, pkg + cls if cls.startswith(".") else cls))
    return out
