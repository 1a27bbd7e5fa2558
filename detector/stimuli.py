"""stimuli.json: what the person did on the phone during the capture, and when.

Written by the simulator and by the detector's guided mode; read here so that uploads can be tied to
actions ("photo taken at 18:04:10, 2.1 MB sent to X at 18:04:19").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stalkerlab.detector.device.formats.json_document import JsonDocument, JsonTextError

from stalkerlab.common.errors import UserError
from stalkerlab.common.utc_time import epoch, iso

# A session's actions are a few kB; more than this is not a stimuli file (and would be held whole in memory).
MAX_STIMULI_BYTES = 2 * 2**20
MAX_ACTIONS = 10_000


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
    """Actions sorted by time; text from the file reaches the report as `visible` text (a lone surrogate
    escape stays "\\ud800"). A file that is not one is a UserError naming it."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_STIMULI_BYTES + 1)
    except OSError as exc:
        raise UserError(f"{path}: cannot read the stimuli file ({exc.strerror})") from None
    if len(data) > MAX_STIMULI_BYTES:
        raise UserError(f"{path}: larger than {MAX_STIMULI_BYTES // 2**20} MB, not a stimuli file")
    try:
        data = JsonDocument(data.decode("utf-8")).value()
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: is not JSON ({exc})") from None
    except JsonTextError as exc:
        raise UserError(f"{path}: {exc}") from None
    actions = data.get("actions") if isinstance(data, dict) else None
    if not isinstance(actions, list):
        raise UserError(f"{path}: expected {{\"actions\": [{{\"time\": ..., \"action\": ...}}]}}")
    if len(actions) > MAX_ACTIONS:
        raise UserError(f"{path}: more than {MAX_ACTIONS} actions, not a stimuli file")
    out = []
    for i, item in enumerate(actions):
        try:
            out.append(Stimulus(parse_time(str(item["time"])), str(item["action"]),
                                str(item.get("note") or "")))
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            raise UserError(f"{path}: actions[{i}] needs a time (ISO 8601, years 1 to 9999 in UTC) and an action"
                            ) from None
    return sorted(out, key=lambda s: s.time)
