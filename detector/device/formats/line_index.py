"""Where each line of an artefact starts, found once: line N's text, and the line that holds a character.

Parsers and evidence both count lines here, so that an evidence line is always the line a parser saw. A
line ends at "\\n" (a "\\r" before it is dropped), as `grep -n`, `sed -n Np` and editors count them, so an
investigator finds the quoted line at the number given.

The index keeps the artefact as it came (bytes from a file, or a str) and one 8-byte offset per line; a
line is decoded only when it is read. Looking a line up by number or by offset never rescans the text,
which keeps every parser linear however the lines are laid out (100,000 blank lines, one giant line).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence

_NEWLINE = {bytes: re.compile(rb"\n"), str: re.compile(r"\n")}
_BLOCK_LINES = 1 << 14      # lines decoded together when a run of lines is iterated


def _line_starts(data: bytes | str, newline: bytes | str) -> array:
    """Offsets where lines start: 0 and one past each newline (none for empty data or after a final newline)."""
    starts = array("q", [0] if data else [])
    starts.extend(m.end() for m in _NEWLINE[type(data)].finditer(data))
    if data.endswith(newline):
        starts.pop()
    return starts


class TooManyLines(ValueError):
    """The text has more lines than the caller allows (a few megabytes of "\\n" are millions of lines)."""

    def __init__(self, count: int, limit: int):
        super().__init__(f"{count} lines, more than {limit}")
        self.count, self.limit = count, limit


class LineIndex:
    def __init__(self, data: bytes | str, max_lines: int | None = None):
        newline = "\n" if isinstance(data, str) else b"\n"
        if max_lines is not None:
            # counted before anything is built: str.count and bytes.count run at memory speed
            count = data.count(newline) + (1 if data and not data.endswith(newline) else 0)
            if count > max_lines:
                raise TooManyLines(count, max_lines)
        self.data = data
        self._starts = _line_starts(data, newline)
        self._last_end = len(data) - 1 if data.endswith(newline) else len(data)
        self._text = isinstance(data, str)

    def __len__(self) -> int:
        return len(self._starts)

    def _end(self, i: int) -> int:
        end = self._starts[i + 1] - 1 if i + 1 < len(self._starts) else self._last_end
        if end > self._starts[i] and self.data[end - 1:end] in ("\r", b"\r"):
            end -= 1                       # CRLF: the line is what comes before both
        return end

    def _get(self, i: int) -> str:
        piece = self.data[self._starts[i]:self._end(i)]
        return piece if self._text else piece.decode("utf-8", errors="replace")

    def line(self, number: int) -> str:
        """The text of 1-based line `number`, "" past the end."""
        return self._get(number - 1) if 0 < number <= len(self._starts) else ""

    def number_at(self, offset: int) -> int:
        """The 1-based line that holds character (or byte) `offset`."""
        return max(1, bisect_right(self._starts, offset))

    def lines(self, first: int = 1, last: int | None = None) -> Lines:
        """Lines `first` to `last` (1-based, inclusive), read on demand."""
        last = len(self._starts) if last is None else min(last, len(self._starts))
        return Lines(self, first - 1, max(first - 1, last))


class Lines(Sequence):
    """A run of an index's lines, as a read-only sequence of str (what dumpsys sections hold)."""

    __slots__ = ("_index", "_lo", "_hi")

    def __init__(self, index: LineIndex, lo: int, hi: int):
        self._index, self._lo, self._hi = index, lo, hi

    def __len__(self) -> int:
        return self._hi - self._lo

    def __getitem__(self, key):
        if isinstance(key, slice):
            lo, hi, step = key.indices(len(self))
            if step != 1:
                return tuple(self)[key]
            return Lines(self._index, self._lo + lo, self._lo + max(lo, hi))
        if key < 0:
            key += len(self)
        if not 0 <= key < len(self):
            raise IndexError("line index out of range")
        return self._index._get(self._lo + key)

    def __iter__(self) -> Iterator[str]:
        # a block of lines is decoded and split at once (the same text as line by line: "\n" is never inside
        # a UTF-8 sequence), which is what makes reading a million-line section take a second, not several
        index = self._index
        for lo in range(self._lo, self._hi, _BLOCK_LINES):
            hi = min(lo + _BLOCK_LINES, self._hi)
            end = index._starts[hi] - 1 if hi < len(index._starts) else index._last_end
            block = index.data[index._starts[lo]:end]
            text = block if index._text else block.decode("utf-8", errors="replace")
            lines = text.split("\n")
            if "\r" in text:
                lines = [line[:-1] if line.endswith("\r") else line for line in lines]
            yield from lines

    def __eq__(self, other) -> bool:
        if isinstance(other, (Lines, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"<lines {self._lo + 1} to {self._hi} of {len(self._index)}>"


def split_lines(text: str) -> Lines:
    """All lines of a text, counted as LineIndex counts them (for the parsers of small artefacts)."""
    return LineIndex(text).lines()
