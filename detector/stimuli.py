"""stimuli.json: what the person did on the phone during the capture, and when.

Written by the simulator and by the detector's guided mode; read here so that uploads can be tied to
actions ("photo taken at 18:04:10, 2.1 MB sent to X at 18:04:19").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from stalkerlab.errors import UserError


@dataclass(frozen=True)
class Stimulus:
    time: float          # epoch seconds, UTC
    action: str
    note: str = ""


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def load_stimuli(path: Path) -> list[Stimulus]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{path}: cannot read the stimuli file ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: is not JSON ({exc})") from None
    actions = data.get("actions") if isinstance(data, dict) else None
    if not isinstance(actions, list):
        raise UserError(f"{path}: expected {{\"actions\": [{{\"time\": ..., \"action\": ...}}]}}")
    out = []
    for i, item in enumerate(actions):
        try:
            out.append(Stimulus(parse_time(str(item["time"])), str(item["action"]), str(item.get("note", ""))))
        except (KeyError, TypeError, ValueError):
            raise UserError(f"{path}: actions[{i}] needs a time (ISO 8601) and an action") from None
    return sorted(out, key=lambda s: s.time)
