"""Detector accuracy against the simulator's answer key: every catalogue scenario x N seeds.

    python benchmarks/bench_detector_accuracy.py [--seeds 20] [--minutes 30]

Prints the confusion matrix (expected verdict x detector verdict), the share of correct verdicts (bar:
98%), benign/watchware/vendor scenarios ever called stalkerware (bar: never), and whether the family is
named whenever the verdict is stalkerware (bar: always).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

from stalkerlab.common.verdicts import VERDICTS

NEVER_STALKERWARE = ("benign-busy-phone", "watchware-parental", "vendor-website-visit", "tracker-sdk")


def evaluate(seeds: range, minutes: float | None, out=print) -> dict:
    from stalkerlab.detector.pipeline import DetectInputs, run_detection
    from stalkerlab.simulator.simulate import prepare_scenario, simulate
    from stalkerlab.simulator.world.catalogue import Catalogue

    matrix: Counter = Counter()
    wrong, false_stalkerware, unnamed = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for sid in Catalogue().scenario_ids():
            scenario = prepare_scenario(sid)
            duration = None if scenario.duration_s <= 30 * 60 or minutes is None else minutes
            for seed in seeds:
                folder = Path(tmp) / f"{sid}-{seed}"
                truth = simulate(scenario, seed, folder, duration_min=duration).truth
                report = run_detection(DetectInputs(folder / "capture.pcap", folder / "device",
                                                    folder / "stimuli.json"))
                expected, got = truth["expected_verdict"], report["verdict"]
                matrix[(expected, got)] += 1
                if expected != got:
                    wrong.append((sid, seed, expected, got))
                if got == "stalkerware" and sid in NEVER_STALKERWARE:
                    false_stalkerware.append((sid, seed))
                if got == "stalkerware" and truth["family"] not in [f["name"] for f in report["families"]]:
                    unnamed.append((sid, seed, truth["family"], [f["name"] for f in report["families"]]))
    total = sum(matrix.values())
    correct = sum(n for (e, g), n in matrix.items() if e == g)
    out("expected \\ detected".ljust(24) + "".join(v[:12].rjust(13) for v in VERDICTS))
    for e in VERDICTS:
        out(e.ljust(24) + "".join(str(matrix[(e, g)]).rjust(13) for g in VERDICTS))
    out(f"correct: {correct}/{total} = {correct / total:.1%} (bar 98%)")
    out(f"benign, watchware or vendor-website scenarios called stalkerware: {len(false_stalkerware)} (bar 0)")
    out(f"stalkerware verdicts without the right family named: {len(unnamed)} (bar 0)")
    for item in wrong[:30]:
        out(f"  wrong: {item}")
    return {"matrix": matrix, "correct": correct, "total": total, "false_stalkerware": false_stalkerware,
            "unnamed": unnamed, "wrong": wrong}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=30, help="cap for scenarios longer than this (busy phone)")
    args = ap.parse_args(argv)
    result = evaluate(range(args.first_seed, args.first_seed + args.seeds), args.minutes)
    ok = (result["correct"] / result["total"] >= 0.98 and not result["false_stalkerware"] and not result["unnamed"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
