"""Text that remembers where its key lines are, so the answer key can cite "dumpsys.txt:1234".

Also the two ways Android prints time: local wall-clock ("2026-03-14 18:02:11") and relative
durations ("-1d4h22m19s762ms", TimeUtils.formatDuration).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


class MarkedText:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.marks: dict[tuple[str, str], int] = {}     # (package, label) -> 1-based line number

    def add(self, line: str = "", mark: tuple[str, str] | None = None) -> None:
        if mark is not None:
            self.marks.setdefault(mark, len(self.lines) + 1)
        self.lines.append(line)

    def extend(self, other: MarkedText) -> None:
        offset = len(self.lines)
        for key, number in other.marks.items():
            self.marks.setdefault(key, number + offset)
        self.lines.extend(other.lines)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class Clock:
    """Formats scenario times the way the phone (in its own time zone) prints them."""

    def __init__(self, timezone: str) -> None:
        self.tz = ZoneInfo(timezone)

    def local(self, t: float) -> datetime:
        return datetime.fromtimestamp(t, tz=self.tz)

    def stamp(self, t: float) -> str:
        """dumpsys package / section trailers: "2026-03-14 18:02:11"."""
        return self.local(t).strftime("%Y-%m-%d %H:%M:%S")

    def stamp_ms(self, t: float) -> str:
        """appops access times: "2026-03-14 18:02:11.315"."""
        local = self.local(t)
        return local.strftime("%Y-%m-%d %H:%M:%S") + f".{local.microsecond // 1000:03d}"

    def daily(self, t: float) -> str:
        """batterystats daily boundaries: "2026-03-14-02-03-56"."""
        return self.local(t).strftime("%Y-%m-%d-%H-%M-%S")


def format_duration(seconds: float) -> str:
    """Android's TimeUtils.formatDuration: "-22d4h22m19s762ms"; once a unit is printed, the smaller
    ones are printed even when zero."""
    ms = int(round(seconds * 1000))
    sign = "-" if ms < 0 else "+"
    ms = abs(ms)
    if ms == 0:
        return "0"
    days, ms = divmod(ms, 86_400_000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    out, printed = [sign], False
    for value, unit in ((days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")):
        if value or printed:
            out.append(f"{value}{unit}")
            printed = True
    out.append(f"{ms}ms")
    return "".join(out)
