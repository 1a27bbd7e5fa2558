"""Text from the evidence or a feed shown as data, never obeyed: the one place every renderer takes it from
(the report's HTML and SVG through markup.py, report.pdf through that HTML, the terminal lines of every
command, and the feed exports, which must not let a name start a line of their own).

Evidence can hold characters that act instead of showing: bidi controls that turn the rest of a sentence
backwards, ESC sequences a terminal obeys (clearing the screen, then printing a fake verdict), NUL and the
other C0/C1 controls, line and paragraph separators, zero-width and other invisible format characters, and
lone surrogates. Each one is shown as a visible escape in Python's notation (\\x1b, \\n, \\u202e, \\ud800).

Long values are cut: a run of text without a space longer than LONG_RUN characters (a 40,000-character DNS
name costs WeasyPrint minutes, as it lays out one unbreakable string in quadratic time) and any value longer
than LONG_VALUE. The cut says how many characters are left out; report.json keeps every value whole.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

LONG_RUN = 500          # characters without a space; the longest on the catalogue's reports is 210
LONG_VALUE = 5000       # characters in one value; the longest on the catalogue's reports is 417
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})   # controls, format, surrogates, separators
# spaces a line may break at; a no-break space does not end a run
BREAKING_SPACES = frozenset(" \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000")
_PRINTABLE_ASCII = re.compile(r"[ -~]*")
_LONG_ASCII_RUN = re.compile(f"[!-~]{{{LONG_RUN + 1}}}")
_NEXT_BREAK = re.compile("[" + "".join(sorted(BREAKING_SPACES)) + "]")

TEXT, ESCAPE, CUT = "text", "escape", "cut"


class Piece(NamedTuple):
    kind: str           # TEXT (shown as it is), ESCAPE (a hidden character made visible) or CUT (what was left out)
    text: str


def data_pieces(value: object) -> list[Piece]:
    """`value` as text to show, in pieces so that a renderer can mark escapes and cuts apart from the evidence
    itself (the HTML does; the terminal and SVG show the plain text of `as_data`). None is empty."""
    text = "" if value is None else str(value)
    if (len(text) <= LONG_VALUE and _PRINTABLE_ASCII.fullmatch(text)
            and (len(text) <= LONG_RUN or not _LONG_ASCII_RUN.search(text))):
        return [Piece(TEXT, text)] if text else []     # nearly every value: nothing to escape or cut
    pieces: list[Piece] = []
    plain: list[str] = []
    shown = run = 0
    i, n = 0, len(text)

    def flush() -> None:
        if plain:
            pieces.append(Piece(TEXT, "".join(plain)))
            plain.clear()

    while i < n:
        if shown >= LONG_VALUE:
            flush()
            pieces.append(Piece(CUT, f"…[{n - i:,} more characters in report.json]"))
            break
        char = text[i]
        if char in BREAKING_SPACES:
            run = 0
        elif run >= LONG_RUN:
            # skip to the end of the run (a C-speed search: the run may be megabytes long)
            found = _NEXT_BREAK.search(text, i)
            end = found.start() if found else n
            flush()
            pieces.append(Piece(CUT, f"…[{end - i:,} more characters in report.json]"))
            i, run = end, 0
            continue
        if unicodedata.category(char) in HIDDEN_CATEGORIES:
            flush()
            escaped = _escape(char)
            pieces.append(Piece(ESCAPE, escaped))
            shown += len(escaped)
            run += len(escaped)
        else:
            plain.append(char)
            shown += 1
            run += 1
        i += 1
    flush()
    return pieces


def as_data(value: object) -> str:
    """`value` as plain text that shows every character and never acts: for the terminal, SVG text and HTML
    attributes."""
    return "".join(piece.text for piece in data_pieces(value))


def escape_hidden(value: object) -> str:
    """`value` with every hidden character shown as its escape, and nothing cut: for a line a terminal or a
    line-based file (a Suricata rule, a STIX string) must never act on, where the whole value matters."""
    text = str(value)
    if _PRINTABLE_ASCII.fullmatch(text):
        return text
    return "".join(_escape(c) if unicodedata.category(c) in HIDDEN_CATEGORIES else c for c in text)


def _escape(char: str) -> str:
    return char.encode("unicode_escape").decode("ascii")     # \x1b, \n, \u202e, \ud800, \U000e0001
