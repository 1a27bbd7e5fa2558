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
from stalkerlab.simulator.world.providers.persona import Persona, make_persona


def derived_rng(seed: int, label: str) -> random.Random:
    """An independent, reproducible random stream per purpose (traffic, device, persona...)."""
    digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


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


DAY = 86400.0


def instantiate(scenario: Scenario, seed: int, duration_s: float | None = None) -> ScenarioInstance:
    rng = derived_rng(seed, "instance")
    duration = float(duration_s or scenario.duration_s)
    # Start on a whole second plus random microseconds: different seeds give different times.
    start = scenario.clock_start.timestamp() + int(rng.uniform(0, scenario.clock_jitter_s))
    start += rng.randrange(0, 1_000_000) / 1e6
    families = []
    for use in scenario.families:
        family = use.family
        variant = rng.choice(family.variants) if family.variants else Variant("", (), (), None)
        removed_at = None
        if use.presence == "removed":
            removed_at = start - (use.removed_days_ago or 7) * DAY + rng.uniform(-4, 4) * 3600
            installed_at = removed_at - rng.uniform(9, 40) * DAY
        else:
            # Installed within the last days (so the phone's 10-day package history still shows it),
            # in the evening, when an abuser has the phone to hand.
            day = start - rng.randint(2, 9) * DAY
            installed_at = day - (day % DAY) + rng.uniform(18.5, 23.0) * 3600
        families.append(FamilyInstance(family, variant, round(installed_at, 3),
                                       round(removed_at, 3) if removed_at else None, use.presence))
    # People never act on the exact minute the instructions say; keep each action inside the capture.
    actions = []
    for action in scenario.actions:
        if action.at_s >= duration:
            continue
        at = action.at_s + rng.uniform(-40, 40)
        actions.append(Action(round(min(max(at, 20.0), max(duration - 30, 20.0)), 3), action.kind, action.note))
    actions.sort(key=lambda a: a.at_s)
    return ScenarioInstance(
        scenario=scenario,
        seed=seed,
        start=start,
        end=start + duration,
        persona=make_persona(seed, scenario.locale, scenario.android_version),
        families=tuple(families),
        apps=scenario.apps,
        actions=tuple(actions),
    )
