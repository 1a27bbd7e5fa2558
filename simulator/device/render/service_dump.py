"""What every `dumpsys` service's renderer needs: the phone's state, its clock, its packages by name and the
time the service is dumped (dumpsys runs services one after the other, so each has its own "now")."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from stalkerlab.simulator.device.marked_text import Clock
from stalkerlab.simulator.device.state import DeviceState, InstalledPackage


@dataclass(frozen=True)
class ServiceDump:
    state: DeviceState
    now: float                                  # when this service is dumped, on the scenario clock
    clock: Clock = field(init=False)
    by_name: dict[str, InstalledPackage] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "clock", Clock(self.state.timezone))
        object.__setattr__(self, "by_name", {p.name: p for p in self.state.packages})

    def pid(self, name: str) -> int:
        for p in self.state.processes:
            if p.name == name:
                return p.pid
        return 1


def object_id(*parts: object) -> str:
    """The identity hash codes Java prints ("Package{4be8eeb ...}"): stable per name."""
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:7].lstrip("0") or "1"


def uid_name(uid: int) -> str:
    """An app uid as dumpsys prints it (u0a123), a system uid as its number."""
    return f"u0a{uid - 10000}" if uid >= 10000 else str(uid)
