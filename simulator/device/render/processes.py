"""ps.txt and processes.txt: `ps -A` (USER PID PPID VSZ RSS WCHAN ADDR S NAME)."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.state import DeviceState


def render_ps(state: DeviceState) -> MarkedText:
    out = MarkedText()
    out.add(f"{'USER':<12} {'PID':>5} {'PPID':>5} {'VSZ':>7} {'RSS':>6} {'WCHAN':<16} {'ADDR':>4} S NAME")
    for p in state.processes:
        out.add(f"{p.user:<12} {p.pid:>5} {p.ppid:>5} {p.vsz:>7} {p.rss:>6} {p.wchan:<16} {0:>4} {p.state} {p.name}",
                (p.name, "process"))
    return out
