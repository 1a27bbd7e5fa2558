"""One phone being built: the scenario instance, the random stream every step draws from in a fixed order,
and the records the steps add as they go (installation story, package changes, app-ops, files)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from stalkerlab.simulator.device.state import AppOp, FileRecord, PackageChange, StoryEvent
from stalkerlab.simulator.instance import FamilyInstance, Persona, ScenarioInstance

DAY = 86400.0


@dataclass
class Draft:
    instance: ScenarioInstance
    rng: random.Random
    setup_time: float = 0.0                  # first boot, before anything was installed
    boot_time: float = 0.0                   # last reboot, before the capture
    story: list[StoryEvent] = field(default_factory=list)
    changes: list[PackageChange] = field(default_factory=list)
    appops: list[AppOp] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)                  # packages whose component outlived them
    removed_installs: list[float] = field(default_factory=list)     # uids are never reused: removed apps took one
    installed_families: list[FamilyInstance] = field(default_factory=list)

    @property
    def persona(self) -> Persona:
        return self.instance.persona
