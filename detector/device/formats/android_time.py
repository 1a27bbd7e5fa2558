"""Android's local-time stamps ("2026-03-12 19:57:12", batterystats "2026-03-12-02-03-56") as UTC epochs.

dumpsys prints wall-clock time in the phone's zone (getprop persist.sys.timezone); without it we read the
stamps as UTC and say so.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T-](\d{2})[:-](\d{2})[:-](\d{2})(?:\.(\d{1,6}))?")


def zone(name: str | None):
    if not name:
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def local_epoch(stamp: str, tz=timezone.utc) -> float | None:
    """Epoch seconds of a local stamp, None when it is not one (or is Android's "never": 1970)."""
    m = _STAMP.search(stamp or "")
    if not m:
        return None
    y, mo, d, h, mi, s, frac = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s),
                      int((frac or "0").ljust(6, "0")), tzinfo=tz)
    except ValueError:
        return None
    epoch = dt.timestamp()
    return epoch if epoch > 86400 else None
