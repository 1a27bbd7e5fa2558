"""The one time format of every file the project writes and reads: ISO 8601 in UTC with milliseconds
and a Z (`2026-03-15T09:05:00.000Z`). A time read without a zone is UTC, never the machine's local zone,
so the same files give the same results on every machine."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch(text: str) -> float:
    """Epoch seconds of an ISO 8601 date or time; ValueError when it is not one."""
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
