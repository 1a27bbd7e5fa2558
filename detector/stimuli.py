"""stimuli.json: what the person did on the phone during the capture, and when.

Written by the simulator and by the detector's guided mode; read here so that uploads can be tied to
actions ("photo taken at 18:04:10, 2.1 MB sent to X at 18:04:19").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from stalkerlab.common.errors import UserError
from stalkerlab.common.utc_time import epoch, iso


@dataclass(frozen=True)
class Stimulus:
    time: float          # epoch seconds, UTC
    action: str
    note: str = ""


def parse_time(text: str) -> float:
    ts = epoch(text)
    # the report writes every time back as a UTC date: "0001-01-01T00:00+14:00" is year 0 there
    iso(ts)
    return ts


def load_stimuli(path: Path) -> list[Stimulus]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{path}: cannot read the stimuli file ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: is not JSON ({exc})") from None
    except RecursionError:
        raise UserError(f"{path}: is not JSON (nested too deeply)") from None
    actions = data.get("actions") if isinstance(data, dict) else None
    if not isinstance(actions, list):
        raise UserError(f"{path}: expected {{\"actions\": [{{\"time\": ..., \"action\": ...}}]}}")
    out = []
    for i, item in enumerate(actions):
        try:
            out.append(Stimulus(parse_time(str(item["time"])), str(item["action"]),
                                str(item.get("note") or "")))
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            raise UserError(f"{path}: actions[{i}] needs a time (ISO 8601, years 1 to 9999 in UTC) and an action"
                            ) from None
    return sorted(out, key=lambda s: s.time)
