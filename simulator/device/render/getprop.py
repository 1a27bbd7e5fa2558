"""getprop.txt: "[key]: [value]" lines, sorted by key."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.state import DeviceState


def lines(state: DeviceState) -> list[str]:
    """The lines alone (a bug report's SYSTEM PROPERTIES section holds the same)."""
    return [f"[{key}]: [{value}]" for key, value in state.properties]


def render(state: DeviceState) -> MarkedText:
    out = MarkedText()
    for (key, _value), line in zip(state.properties, lines(state), strict=True):
        out.add(line, ("device", key))
    return out
