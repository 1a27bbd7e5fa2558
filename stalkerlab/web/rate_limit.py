"""A sliding-window limit on guessing: join codes, instructor passwords, answers. Kept per portal process (in
the app's extensions, not at module level); with several processes each keeps its own window, which still
bounds guessing to a few times the limit."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from flask import abort, current_app

# join and login count failures only: a class of 30 behind one school NAT must all be able to join at once
LIMITS = {"join-failure": (20, 60.0), "login-failure": (10, 60.0), "answer": (30, 60.0), "hint": (30, 60.0)}


class RateLimiter:
    def __init__(self):
        self._events: dict[tuple, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, kind: str, who: object, now: float) -> deque:
        events = self._events[(kind, who)]
        while events and events[0] <= now - LIMITS[kind][1]:
            events.popleft()
        return events

    def allow(self, kind: str, who: object, now: float | None = None) -> bool:
        """Count one more event of `kind` for `who`, unless the window is full already."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._recent(kind, who, now)
            if len(events) >= LIMITS[kind][0]:
                return False
            events.append(now)
            return True

    def exceeded(self, kind: str, who: object, now: float | None = None) -> bool:
        """Whether `who` has used up the window of `kind` (without counting anything)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return len(self._recent(kind, who, now)) >= LIMITS[kind][0]


def _limiter() -> RateLimiter:
    return current_app.extensions.setdefault("stalkerlab_rate_limiter", RateLimiter())


def limit(kind: str, who: object) -> None:
    """Abort with 429 when `who` has done `kind` too often in the last window (and count this time)."""
    if not _limiter().allow(kind, who):
        abort(429)


def refuse_after_failures(kind: str, who: object) -> None:
    """Abort with 429 while `who` has failed `kind` too often in the last window (guessing)."""
    if _limiter().exceeded(f"{kind}-failure", who):
        abort(429)


def count_failure(kind: str, who: object) -> None:
    _limiter().allow(f"{kind}-failure", who)
