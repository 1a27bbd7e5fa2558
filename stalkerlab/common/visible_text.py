"""Text from evidence or a feed, made safe to print on a terminal or to write into a line-based file.

Every character that is not printable in Python's sense (str.isprintable: C0 and C1 controls such as ESC
and DEL, format characters such as bidi overrides and zero-width joiners, line and paragraph separators,
spaces other than " ", lone surrogates, unassigned code points) is replaced by its escape, e.g. "\\n",
"\\x1b" or "\\u202e", so that a terminal or a text layout never acts on it. Letters of any script are kept
as written.
"""

from __future__ import annotations

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text) -> str:
    """`text` (or str() of it) with every non-printable character shown as its escape."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)
