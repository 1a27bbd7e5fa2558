"""One seeded instance of a scenario: the persona, the clock, the family variants, the action times.

`instantiate(scenario, seed)` is the only place where the seed turns into choices that both the traffic
builder and the device builder must agree on (which package name, which C2 names, when it was installed).
Each builder then draws its own details from its own `random.Random`, derived from the seed and a label,
so adding a packet to the capture never changes the device folder.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime

from stalkerlab.simulator.world.model import Action, AppProfile, Family, Scenario, Variant


def derived_rng(seed: int, label: str) -> random.Random:
    """An independent, reproducible random stream per purpose (traffic, device, persona...)."""
    digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@dataclass(frozen=True)
class Persona:
    full_name: str
    first_name: str
    manufacturer: str
    model: str                 # marketing name, "Galaxy A54 5G"
    model_code: str            # ro.product.model, "SM-A546B"
    device: str                # ro.product.device, "a54x"
    android_version: int
    sdk: int
    security_patch: str        # "2026-02-01"
    build_id: str
    hostname: str              # DHCP hostname and ro.product name shown on the Wi-Fi
    serial: str
    locale: str
    timezone: str


@dataclass(frozen=True)
class FamilyInstance:
    family: Family
    variant: Variant
    installed_at: float        # epoch seconds, before the capture starts
    removed_at: float | None   # epoch seconds, when it was uninstalled (None: still installed)
    presence: str = "installed"  # installed | removed | website-only (never on the phone)

    @property
    def package(self) -> str:
        return self.variant.package

    @property
    def active(self) -> bool:
        """Still on the phone and talking during the capture."""
        return self.presence == "installed"


@dataclass(frozen=True)
class ScenarioInstance:
    scenario: Scenario
    seed: int
    start: float               # capture start, epoch seconds on the scenario clock
    end: float
    persona: Persona
    families: tuple[FamilyInstance, ...]
    apps: tuple[AppProfile, ...]
    actions: tuple[Action, ...]   # at_s relative to start, sorted

    @property
    def start_utc(self) -> datetime:
        return datetime.fromtimestamp(self.start, tz=UTC)
