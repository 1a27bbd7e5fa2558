"""`stalkerlab scenarios`: the catalogue's scenario ids, one per line."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("scenarios", help="list the scenario ids of the catalogue, one per line",
                       description="List the built-in scenarios. With --long, also the title and expected verdict.")
    p.add_argument("--long", action="store_true", help="also show each scenario's expected verdict and title")


def run(args) -> int:
    from stalkerlab.simulator.world.catalogue import Catalogue

    catalogue = Catalogue()
    for sid in catalogue.scenario_ids():
        if args.long:
            scenario = catalogue.scenario(sid)
            print(f"{sid:32} {scenario.expected_verdict:22} {scenario.title}")
        else:
            print(sid)
    return 0
