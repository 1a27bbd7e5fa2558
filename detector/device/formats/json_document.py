"""A JSON artefact (packages.json, files.json, stimuli.json ...) read one element at a time, with the offset
where each element and each member value starts, so that parsers can cite the line a value is on.

Why not `json.loads` of the whole text: a JSON value takes up to 25 times its size in memory ("[[],[],...]"),
so a 32 MB artefact could take gigabytes; here only one top-level element is decoded at a time, after its
extent has been checked without decoding it. Offsets come from the text itself (never from searching a value
again), which keeps the line lookups linear.

Text from evidence must reach a report that is written as UTF-8: a lone surrogate (a "\\ud800" escape with no
partner) cannot be, so every string decoded here shows it as the escape the file holds ("\\ud800"), which is
also what an investigator finds at the cited line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from json.decoder import scanstring

from stalkerlab.detector.device.formats.line_index import LineIndex

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
# JSON text with no bracket outside a string (whole strings, escapes included); possessive, so never backtracking
_BETWEEN_BRACKETS = re.compile(r'(?:[^"\[\]{}]++|"(?:[^"\\]++|\\.)*+")*+', re.S)
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.S)
# one member of an object holding no object or array: "key": value, (values: strings or scalars)
_FLAT_MEMBER = re.compile(r'[ \t\n\r]*"((?:[^"\\]++|\\.)*+)"[ \t\n\r]*:[ \t\n\r]*("(?:[^"\\]++|\\.)*+"|[^,]*+),?',
                          re.S)
_OTHER_SCALAR = re.compile(r"-?Infinity|NaN|true|false|null|[-+0-9.eE]++")


# A document that is not a list is decoded (to tell "not valid JSON" from "not a list") only when small.
_CHECKED_WHOLE = 2**20


class JsonTextError(ValueError):
    """The text is not the JSON expected; the message is one line ("not valid JSON (line 3: ...)")."""


class NotAList(JsonTextError):
    """Valid JSON (as far as was checked) that is not the list expected."""


def visible(text: str) -> str:
    """`text` with each lone surrogate written as its escape ("\\ud800"), so that it can be written as UTF-8.
    Surrogates come from JSON escapes and from undecodable bytes in file names (os.fsdecode)."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return text.encode("utf-8", errors="backslashreplace").decode("utf-8")


def visible_value(value):
    """A decoded JSON value with `visible` applied to every string and key (in place; no recursion, since a
    value may be nested as deep as the decoder allows)."""
    if isinstance(value, str):
        return visible(value)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, str):
                    node[i] = visible(item)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
        elif isinstance(node, dict):
            members = list(node.items())
            node.clear()
            for key, item in members:
                if isinstance(item, str):
                    item = visible(item)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
                node[visible(key)] = item
    return value


class JsonDocument:
    def __init__(self, text: str):
        self.text = text
        self._decoder = json.JSONDecoder()
        self._surrogates = _SURROGATE_ESCAPE.search(text) is not None
        self._lines: LineIndex | None = None

    # --- errors and offsets ----------------------------------------------------------------------------
    def _error(self, problem: str, pos: int) -> JsonTextError:
        return JsonTextError(f"not valid JSON (line {self.line_at(pos)}: {problem})")

    def line_at(self, offset: int) -> int:
        """The 1-based line holding `offset` (LineIndex counting, as evidence does)."""
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines.number_at(offset)

    def _skip(self, pos: int) -> int:
        return _WHITESPACE.match(self.text, pos).end()

    def _decode(self, pos: int) -> tuple[object, int]:
        try:
            value, end = self._decoder.raw_decode(self.text, pos)
        except json.JSONDecodeError as exc:
            raise self._error(exc.msg, exc.pos) from None
        except RecursionError:       # [[[[... deeper than the decoder can follow
            raise JsonTextError("not valid JSON (nested too deeply)") from None
        except ValueError:           # an integer of more than 4300 digits
            raise self._error("a number too long to read", pos) from None
        return (visible_value(value) if self._surrogates else value), end

    def _end_of_value(self, pos: int, limit: int | None = None) -> int | None:
        """Where the value at `pos` ends, found without decoding it; None when it runs past `pos + limit`.
        For text that is not valid JSON the answer is only a bound: decoding then says what is wrong."""
        text = self.text
        endpos = len(text) if limit is None else min(len(text), pos + limit)
        first = text[pos:pos + 1]
        if first not in ("[", "{"):
            if first != '"':
                m = _OTHER_SCALAR.match(text, pos, endpos)
                return m.end() if m else pos           # not a value: decoding says so
            m = _STRING.match(text, pos, endpos)
            if m:
                return m.end()
            return None if endpos < len(text) else len(text)
        depth, p = 0, pos
        while True:
            p = _BETWEEN_BRACKETS.match(text, p, endpos).end()
            if p >= endpos:
                return None if endpos < len(text) else len(text)
            ch = text[p]
            if ch == '"':            # a string that does not close before the limit (or ever)
                return None if endpos < len(text) else len(text)
            depth += 1 if ch in "[{" else -1
            p += 1
            if depth == 0:
                return p

    # --- reading ----------------------------------------------------------------------------------------
    def value(self):
        """The whole document (small artefacts only: it is decoded at once)."""
        value, end = self._decode(self._skip(0))
        if self._skip(end) != len(self.text):
            raise self._error("Extra data", self._skip(end))
        return value

    def elements(self, what: str = "element", max_items: int | None = None,
                 max_chars: int | None = None) -> Iterator[tuple[int, object]]:
        """(offset, value) of each element of the top-level array, in order. More than `max_items` elements, or
        one longer than `max_chars`, is a JsonTextError naming `what` ("package #12 ...")."""
        text = self.text
        pos = self._skip(0)
        if text[pos:pos + 1] != "[":
            if len(text) <= _CHECKED_WHOLE:
                self.value()         # invalid JSON is said so first
            raise NotAList("expected a JSON list")
        pos = self._skip(pos + 1)
        if text[pos:pos + 1] == "]":
            self._expect_end(pos + 1)
            return
        count = 0
        while True:
            count += 1
            if max_items is not None and count > max_items:
                raise JsonTextError(f"{what} #{count}: no more than {max_items} are read")
            if max_chars is not None and self._end_of_value(pos, max_chars) is None:
                raise JsonTextError(f"{what} #{count} (line {self.line_at(pos)}) is longer than "
                                    f"{max_chars / 2**20:g} MB: not read")
            value, end = self._decode(pos)
            yield pos, value
            pos = self._skip(end)
            ch = text[pos:pos + 1]
            if ch == "]":
                self._expect_end(pos + 1)
                return
            if ch != ",":
                raise self._error("Expecting ',' delimiter", pos)
            pos = self._skip(pos + 1)

    def _expect_end(self, pos: int) -> None:
        pos = self._skip(pos)
        if pos != len(self.text):
            raise self._error("Extra data", pos)

    def member_offsets(self, pos: int) -> dict[str, int]:
        """{key: offset of its value} of the object at `pos`, which has been decoded already (so is valid);
        a repeated key gives its last offset, as its value is the last one."""
        text, out = self.text, {}
        end = self._end_of_value(pos)
        if text.find("{", pos + 1, end) < 0 and text.find("[", pos + 1, end) < 0:
            # a flat object (most AndroidQF records): one regex pass, no Python step per character class
            for m in _FLAT_MEMBER.finditer(text, pos + 1, end - 1):
                key = m.group(1)
                if "\\" in key:
                    key = scanstring(text, m.start(1))[0]
                out[visible(key) if self._surrogates else key] = m.start(2)
            return out
        pos = self._skip(pos + 1)
        while text[pos:pos + 1] == '"':
            key, pos = scanstring(text, pos + 1)
            pos = self._skip(self._skip(pos) + 1)          # past ':'
            out[visible(key) if self._surrogates else key] = pos
            pos = self._skip(self._end_of_value(pos))
            if text[pos:pos + 1] != ",":
                break
            pos = self._skip(pos + 1)
        return out

    def element_offsets(self, pos: int) -> list[int]:
        """Offsets of the elements of the array at `pos`, which has been decoded already (so is valid)."""
        text, out = self.text, []
        pos = self._skip(pos + 1)
        while text[pos:pos + 1] not in ("]", ""):
            out.append(pos)
            pos = self._skip(self._end_of_value(pos))
            if text[pos:pos + 1] != ",":
                break
            pos = self._skip(pos + 1)
        return out
