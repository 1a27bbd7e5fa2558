"""A sliding-window limit on guessing: join codes, instructor passwords, answers. Kept per portal process (in
the app's extensions, not at module level); with several processes each keeps its own window, which still
bounds guessing to a few times the limit."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from flask import abort, current_app

LIMITS = {"join": (20, 60.0), "login": (10, 60.0), "answer": (30, 60.0), "hint": (30, 60.0)}


class RateLimiter:
    def __init__(self):
        self._events: dict[tuple, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, kind: str, who: object, now: float | None = None) -> bool:
        limit, window = LIMITS[kind]
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events[(kind, who)]
            while events and events[0] <= now - window:
                events.popleft()
            if len(events) >= limit:
                return False
            events.append(now)
            return True


def limit(kind: str, who: object) -> None:
    """Abort with 429 when `who` has tried `kind` too often in the last window."""
    limiter = current_app.extensions.setdefault("stalkerlab_rate_limiter", RateLimiter())
    if not limiter.allow(kind, who):
        abort(429)
