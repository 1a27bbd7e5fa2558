"""`stalkerlab simulate`: write a phone's capture, device folder and answer key for a scenario."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "simulate", help="simulate a scenario: capture.pcap, device/ folder, truth.json, stimuli.json",
        description="Simulate one phone for a scenario and a seed. The same scenario and seed always give "
                    "byte-identical files; different seeds give different people, addresses and times.")
    p.add_argument("scenario", help="a scenario id (see `stalkerlab scenarios`) or the path of a scenario YAML file")
    p.add_argument("--seed", type=int, default=1, help="seed for this learner's variant (default 1)")
    p.add_argument("--out", type=Path, required=True,
                   help="output folder: new, empty, or made by an earlier simulate (only its files are replaced)")
    p.add_argument("--force", action="store_true",
                   help="write into a folder holding other files: replace only the files of the same names")
    p.add_argument("--duration", type=float, metavar="MINUTES", help="override the scenario's duration")
    p.add_argument("--pcapng", action="store_true", help="write capture.pcapng (with a comment) instead of pcap")
    p.add_argument("--legacy-accessibility", action="store_true",
                   help="write dumpsys accessibility in the pre-Android-14 syntax")
    p.add_argument("--feed", type=Path, help="real-family mode: an Echap ioc.yaml file")
    p.add_argument("--family", help="real-family mode: the app name in --feed to simulate")


def run(args) -> int:
    from stalkerlab.simulator.simulate import prepare_scenario, simulate

    scenario = prepare_scenario(args.scenario, legacy_accessibility=args.legacy_accessibility,
                                feed=args.feed, family_name=args.family)
    scenario_file = Path(args.scenario)
    inputs = [("the scenario", scenario_file if scenario_file.is_file() else None), ("--feed", args.feed)]
    result = simulate(scenario, args.seed, args.out, duration_min=args.duration, pcapng=args.pcapng,
                      inputs=inputs, force=args.force)
    truth = result.truth
    print(f"Simulated {truth['scenario']} (seed {truth['seed']}) into {result.out}/")
    print(f"  {truth['capture']['file']:14} {truth['capture']['packets']} packets, "
          f"{truth['capture']['start']} to {truth['capture']['end']}")
    print("  device/        AndroidQF-style acquisition of the phone")
    print("  truth.json     answer key: expected verdict, family, C2, key packets")
    print("  stimuli.json   what the person did and when")
    return 0
