"""Turning a scenario and a seed into one concrete instance (see `simulator.instance`)."""

from __future__ import annotations

from stalkerlab.simulator.instance import FamilyInstance, ScenarioInstance, derived_rng
from stalkerlab.simulator.world.model import Action, Scenario, Variant
from stalkerlab.simulator.world.providers.persona import make_persona

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
