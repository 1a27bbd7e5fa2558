"""`stalkerlab demo`: one infected phone, simulated, with a plain account of what the files show."""

from __future__ import annotations

from pathlib import Path

DEMO_SCENARIO = "stalkerware-https-sni"


def register(sub) -> None:
    p = sub.add_parser("demo", help="simulate one infected phone and say what the files show",
                       description=f"Simulate the scenario {DEMO_SCENARIO} into a folder and explain the result.")
    p.add_argument("--out", type=Path, default=Path("stalkerlab-demo"),
                   help="output folder (default ./stalkerlab-demo): new, empty, or made by an earlier demo")
    p.add_argument("--force", action="store_true",
                   help="write into a folder holding other files: replace only the files of the same names")
    p.add_argument("--seed", type=int, default=1, help="seed (default 1)")


def run(args) -> int:
    from stalkerlab.common.owned_output import OwnedFolder
    from stalkerlab.common.shown_as_data import as_data
    from stalkerlab.detector.pipeline import DetectInputs, run_detection
    from stalkerlab.detector.reports import write_report_files
    from stalkerlab.detector.reports.family_words import family_line
    from stalkerlab.simulator.simulate import SIMULATION_FILES, prepare_scenario, write_simulation

    # the phone and its report are one set: they appear together in --out, or not at all
    with OwnedFolder(args.out, "demo", force=args.force, names=SIMULATION_FILES) as stage:
        t, _ = write_simulation(prepare_scenario(DEMO_SCENARIO), args.seed, stage)
        report = run_detection(DetectInputs(stage / t["capture"]["file"], stage / "device", stage / "stimuli.json"))
        # the report folder is detect's own, so that `detect --out DEMO/report` may later replace it
        with OwnedFolder(stage / "report", "detect") as report_stage:
            files = write_report_files(report, report_stage)
    out = args.out.resolve()
    print(f"Stalkerware Lab demo: a simulated phone, seed {t['seed']} (synthetic data only).\n")
    print(f"Scenario: {t['title']}")
    print(f"Phone: {t['phone']['model']} (Android {t['phone']['android']}), "
          f"Wi-Fi name {t['phone']['hostname']!r}, owner {t['phone']['owner']} (fictional)\n")
    print("Files:")
    print(f"  {out / t['capture']['file']}   network capture, {t['capture']['packets']} packets "
          "(open it in Wireshark)")
    print(f"  {out / 'device'}   the phone's state, as AndroidQF collects it")
    print(f"  {out / 'truth.json'}   the answer key")
    print(f"  {out / 'stimuli.json'}   what the person did, and when\n")
    print("What they show:")
    print(f"  Expected verdict: {t['expected_verdict']}")
    if t["family"]:
        print(f"  Family: {t['family']} (app {t['package']})")
    if t["c2"]["domains"] or t["c2"]["ips"]:
        print(f"  It contacted: {', '.join(t['c2']['domains'] + t['c2']['ips'])}, first at {t['first_c2_time']}")
    if t["beacon_period_s"]:
        print(f"  It checks in about every {t['beacon_period_s']:.0f} seconds")
    for upload in t["uploads"]:
        print(f"  After '{upload['action']}' it uploaded {upload['bytes']} bytes (packet {upload['packet']})")
    print(f"\n  Why: {t['explanation']}")

    print("\nThe detector, run on the same files (offline, nothing contacted):")
    print(f"  Verdict: {report['verdict']} ({as_data(report['verdict_text'])})")
    for family in report["families"]:
        print(f"  {family_line(report, family)}")
    print(f"  Report: {out / 'report' / files.html.name}  (open it in a web browser)")
    if files.pdf:
        print(f"          {out / 'report' / files.pdf.name}  (to print)")
    else:
        print(f"  ({as_data(files.warnings[0])})")
    return 0
