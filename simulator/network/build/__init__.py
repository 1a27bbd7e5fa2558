"""Scenario instance -> `CapturePlan`: what the phone does on the network during the capture.

The phone joins the network, the families talk (beacons, uploads after the person's actions), the ordinary
apps follow the person's use of the phone and their own timers, and blinding options (Private DNS, DNS
over HTTPS, VPN) are applied last. Every step draws from one random stream in this fixed order; each is a
module of its own, and the tables they read are data (network/data/*.yml).
"""

from __future__ import annotations

from stalkerlab.simulator.instance import ScenarioInstance, derived_rng
from stalkerlab.simulator.network.build.apps import ordinary_apps
from stalkerlab.simulator.network.build.blinding import blind
from stalkerlab.simulator.network.build.draft import Draft
from stalkerlab.simulator.network.build.facts import TrafficFacts
from stalkerlab.simulator.network.build.families import family_traffic, known_indicator_ips
from stalkerlab.simulator.network.build.joining import join_network
from stalkerlab.simulator.network.plan import CapturePlan, Session

__all__ = ["TrafficFacts", "build_traffic"]


def build_traffic(inst: ScenarioInstance) -> tuple[CapturePlan, TrafficFacts]:
    draft = Draft(inst, known_indicator_ips(inst))
    join_network(draft)
    family_traffic(draft)
    ordinary_apps(draft)
    blind(draft)
    sessions = sorted((s for s in draft.sessions if _session_time(s) < draft.end), key=_session_time)
    plan = CapturePlan(lan=draft.lan, start=inst.start, end=draft.end, sessions=tuple(sessions),
                       payload_seed=derived_rng(inst.seed, "payload-bytes").getrandbits(63))
    return plan, draft.facts


def _session_time(s: Session) -> float:
    return getattr(s, "start", None) or s.at
