"""Video downloads, the bulk of a busy capture, kept as numbers until the file is written.

What is random about a download (where its payload starts in the payload buffer) is drawn when the
session is rendered; the bytes are packed only when the writer reaches the download in time order,
into one reused block per download, so a million packets never exist as a million `bytes` objects and
the capture is never held in memory whole.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, repeat
from operator import add, mul

from stalkerlab.simulator.network.capture.frames import BulkUdp

NEVER = 1 << 62                 # a timestamp after any capture (microseconds)
PCAP_RECORD_HEADER = 16


class Burst:
    """`count` protected packets of one direction, every `step_us` from `ts_us`; all `length` bytes of
    payload but the last (`last`). Packet numbers and IPv4 ids follow on from `pn` and the direction's
    current id."""

    __slots__ = ("bulk", "stamps", "pn", "count", "length", "last", "ident", "record", "last_record")

    def __init__(self, bulk: BulkUdp, ts_us: float, step_us: float, pn: int, count: int, length: int, last: int):
        self.bulk, self.pn, self.count, self.length, self.last = bulk, pn, count, length, last
        # int(ts_us + i * step_us) for each i, evaluated in C
        self.stamps = list(map(int, map(add, repeat(ts_us), map(mul, range(count), repeat(step_us)))))
        direction = bulk.d
        self.ident = direction.ident
        if not direction.v6:                                     # these ids are this burst's from now on
            direction.ident = (direction.ident + count) & 0xFFFF
        self.record = PCAP_RECORD_HEADER + bulk.overhead + length
        self.last_record = PCAP_RECORD_HEADER + bulk.overhead + last

    def bytes_before(self, k: int) -> int:
        """Size of this burst's first `k` records."""
        if k < self.count:
            return k * self.record
        return (self.count - 1) * self.record + self.last_record if self.count else 0

    def pack(self, block: bytearray, origin: int, positions: list[int]) -> None:
        """Pack every record's headers into `block` at `positions`; the payload bytes are already there
        (the payload buffer's sequence from `origin`)."""
        head = self.count - 1                    # all but the last have `length` bytes of payload
        if head < 0:
            return
        self.bulk.pack_run(block, origin, self.stamps[:head], positions[:head], self.pn, self.ident, self.length)
        self.bulk.pack_run(block, origin, self.stamps[head:], positions[head:], self.pn + head, self.ident + head,
                           self.last)


class BlockPool:
    """Blocks handed back by finished downloads, for the next ones, so that memory stays small and
    warm (fresh memory costs a page fault every 4 KiB). Every byte of a block's used part is
    overwritten, so nothing needs clearing."""

    def __init__(self) -> None:
        self.free: list[bytearray] = []

    def take(self, size: int) -> bytearray:
        for k, block in enumerate(self.free):
            if len(block) >= size:
                return self.free.pop(k)
        return bytearray(-(-size * 5 // 4 // (1 << 20)) << 20)    # a little room, in whole MiB

    def give_back(self, block: bytearray) -> None:
        self.free.append(block)


class Download:
    """A download burst and the phone's ACKs for it, in one block in time order as a stable sort would
    put them (on equal timestamps the download's packet first: it was drawn first).

    `major` and `minor` place it among the other records of the capture for equal timestamps: it came
    after ordinary record number `major`, and it is download number `minor`. The block starts as the
    payload buffer's sequence from `origin`; the headers are then packed over it, so each packet's
    payload is what was under it, laid in with a few large copies instead of one per packet."""

    __slots__ = ("down", "acks", "major", "minor", "origin", "block", "written")

    def __init__(self, down: Burst, acks: Burst, major: int, minor: int, origin: int):
        if not down.count:
            raise ValueError("a download has at least one packet")
        self.down, self.acks = down, acks
        self.major, self.minor, self.origin = major, minor, origin
        self.block: memoryview | None = None
        self.written = (0, 0)                    # records of (down, acks) already handed out

    def next_ts(self) -> int:
        (i, j), down, acks = self.written, self.down, self.acks
        return min(down.stamps[i] if i < down.count else NEVER, acks.stamps[j] if j < acks.count else NEVER)

    def size(self) -> int:
        return self.down.bytes_before(self.down.count) + self.acks.bytes_before(self.acks.count)

    def build(self, pool: BlockPool) -> None:
        """Pack both bursts into a block from `pool`, each record straight at its place in time order."""
        down, acks = self.down, self.acks
        size = self.size()
        block = pool.take(size)
        down.bulk.buf.fill(block, size, self.origin)
        # downs before each ACK: on an equal timestamp the download's packet goes first
        downs_before = [bisect_right(down.stamps, ts) for ts in acks.stamps]
        # a download packet's place: the one before it, plus the ACKs in between
        steps = [down.record] * down.count
        for d in downs_before:
            steps[d - 1] += acks.record          # d = 0: ACKs before the first packet, counted below
        first = downs_before.count(0) * acks.record
        down.pack(block, self.origin, list(accumulate(steps[:-1], initial=first)))
        last_down = down.bytes_before(down.count)
        acks.pack(block, self.origin, [j * acks.record + (d * down.record if d < down.count else last_down)
                                       for j, d in enumerate(downs_before)])
        self.block = memoryview(block)[:size]

    def take_until(self, limit: int, pool: BlockPool) -> tuple[memoryview, int, int]:
        """The records with timestamps up to `limit` not yet handed out, how many they are and the
        timestamp of the last one (there is always at least one: the caller's limit is never before
        `next_ts()`). The chunk is valid until the next call with the same pool."""
        if self.block is None:
            self.build(pool)
        (i, j), down, acks = self.written, self.down, self.acks
        i2, j2 = bisect_right(down.stamps, limit, i), bisect_right(acks.stamps, limit, j)
        chunk = self.block[down.bytes_before(i) + acks.bytes_before(j):down.bytes_before(i2) + acks.bytes_before(j2)]
        self.written = (i2, j2)
        if i2 == down.count and j2 == acks.count:
            pool.give_back(self.block.obj)
            self.block = None
        last_ts = max(down.stamps[i2 - 1] if i2 > i else 0, acks.stamps[j2 - 1] if j2 > j else 0)
        return chunk, (i2 - i) + (j2 - j), last_ts
