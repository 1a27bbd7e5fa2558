"""One direction of a TCP connection put back in order, for the few kilobytes a handshake needs.

Segments are placed by sequence number: a retransmission adds nothing, a segment that arrives early waits
for the gap before it to be filled, and bytes the reader does not need (a request body) are skipped
without being kept. Memory per direction is bounded by `limit`.
"""

from __future__ import annotations

SEQ_MOD = 1 << 32


class ByteStream:
    __slots__ = ("next_seq", "data", "early", "skip", "limit", "taken")

    def __init__(self, limit: int):
        self.next_seq: int | None = None    # the sequence number of the next byte in order
        self.data = b""                     # in-order bytes not consumed yet
        self.early: dict[int, bytes] = {}   # segments past a gap, by sequence number
        self.skip = 0                       # bytes still to drop as they arrive (the rest of a body)
        self.limit = limit
        self.taken = 0                      # bytes kept so far, dropped ones excluded

    def add(self, seq: int, payload: bytes) -> bool:
        """Places a segment; True when new bytes are in order to be read."""
        if self.next_seq is None:
            self.next_seq = seq
        ahead = (seq - self.next_seq) % SEQ_MOD
        if ahead >= SEQ_MOD // 2:                           # starts before what we have: a retransmission
            payload = payload[SEQ_MOD - ahead:]
            ahead = 0
        if ahead:
            if self.taken + sum(map(len, self.early.values())) + len(payload) <= self.limit:
                self.early.setdefault(seq, payload)
            return False
        grew = self._append(payload)
        while self.early:
            ready = [s for s in self.early if not 0 < (s - self.next_seq) % SEQ_MOD < SEQ_MOD // 2]
            if not ready:
                break                                       # still a gap before each of them
            start = ready[0]
            piece = self.early.pop(start)
            behind = (self.next_seq - start) % SEQ_MOD       # its bytes already in place
            if behind < len(piece):
                grew |= self._append(piece[behind:])
        return grew

    def _append(self, payload: bytes) -> bool:
        self.next_seq = (self.next_seq + len(payload)) % SEQ_MOD
        if self.skip:
            dropped = min(self.skip, len(payload))
            self.skip -= dropped
            payload = payload[dropped:]
        if not payload or self.taken >= self.limit:
            return False
        payload = payload[:self.limit - self.taken]
        self.taken += len(payload)
        self.data += payload
        return True

    def consume(self, count: int) -> None:
        """Drops the first `count` bytes of what is to be read, and later ones when there are fewer yet."""
        self.skip += max(0, count - len(self.data))
        self.data = self.data[count:]

    @property
    def full(self) -> bool:
        return self.taken >= self.limit
