"""Internet checksums (RFC 1071) in O(1) for slices of one random buffer, O(n) for literal bytes.

A payload is a list of pieces: literal `bytes`, or `(offset, length)` slices of the payload buffer. A
piece starting at an odd position inside the payload contributes its byte-swapped sum (RFC 1071's byte
order independence), so sums of pieces can be added without touching their bytes again.
"""

from __future__ import annotations

import sys
from array import array
from itertools import accumulate

_LITTLE = sys.byteorder == "little"


def fold(total: int) -> int:
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def swap16(value: int) -> int:
    value = fold(value)
    return ((value & 0xFF) << 8) | (value >> 8)


def bytes_sum(data: bytes) -> int:
    """Unfolded sum of big-endian 16-bit words (an odd last byte is padded with zero)."""
    if len(data) & 1:
        data = data + b"\0"
    words = array("H", data)
    if _LITTLE:
        words.byteswap()
    return sum(words)


class PayloadBuffer:
    """Random bytes standing for ciphertext, with prefix sums so any slice's checksum costs O(1).

    The buffer is circular: `data` is `period` random bytes followed by their first `wrap` bytes again,
    so a slice of up to `wrap` bytes may start anywhere in the period, and `fill` can lay the endless
    sequence into a block with a few large copies."""

    def __init__(self, base: bytes, wrap: int = 20000):
        if len(base) & 1:
            base = base[:-1]
        self.period = len(base)
        data = base + base[:wrap]
        self.data = data
        self.view = memoryview(data)
        words = array("H", data)
        if _LITTLE:
            words.byteswap()
        self.prefix = array("Q", [0])
        self.prefix.extend(accumulate(words))
        self.size = len(data)

    def fill(self, block: bytearray, size: int, origin: int) -> None:
        """block[k] = the sequence's byte at origin + k, for k < size."""
        pos, source = 0, origin % self.period
        while pos < size:
            take = min(size - pos, self.period - source)
            block[pos:pos + take] = self.view[source:source + take]
            pos, source = pos + take, 0

    def slice_sum(self, start: int, length: int) -> int:
        """Sum of buf[start:start+length] as if it started at an even position."""
        if start & 1:
            # words of buf[start-1:] pair our bytes as (low, high): swap back after removing buf[start-1]
            return swap16(self._even_sum(start - 1, length + 1) - (self.data[start - 1] << 8))
        return self._even_sum(start, length)

    def _even_sum(self, start: int, length: int) -> int:
        half = start >> 1
        total = self.prefix[half + (length >> 1)] - self.prefix[half]
        if length & 1:
            total += self.data[start + length - 1] << 8
        return total


def pieces_sum(pieces, buf: PayloadBuffer) -> tuple[int, int]:
    """(unfolded sum, total length) of a payload given as pieces."""
    total = 0
    position = 0
    for piece in pieces:
        if type(piece) is tuple:
            start, length = piece
            part = buf.slice_sum(start, length)
        else:
            length = len(piece)
            part = bytes_sum(piece)
        total += swap16(part) if position & 1 else part
        position += length
    return total, position


def pieces_bytes(pieces, buf: PayloadBuffer) -> bytes:
    view = buf.view
    return b"".join(view[p[0]:p[0] + p[1]] if type(p) is tuple else p for p in pieces)
