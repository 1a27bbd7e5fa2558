"""`stalkerlab detect`: analyse a capture and/or a device folder and write the report."""

from __future__ import annotations

import getpass
import platform
import sys
from contextlib import nullcontext
from datetime import datetime, timezone
from pathlib import Path

REPORT_SET = ("report.json", "report.html", "report.pdf", "run.json")


def register(sub) -> None:
    p = sub.add_parser("detect", help="analyse a capture and/or a phone's device folder; write the report",
                       description="Analyse evidence offline (nothing is ever contacted) and write report.json, "
                                   "report.html, report.pdf and run.json into the output folder.")
    p.add_argument("--pcap", type=Path, help="network capture (pcap or pcapng)")
    p.add_argument("--device", type=Path, help="AndroidQF acquisition folder or zip")
    p.add_argument("--stimuli", type=Path, help="stimuli.json: what the person did during the capture")
    p.add_argument("--feed", type=Path, action="append", default=[],
                   help="extra indicator feed: Echap ioc.yaml / watchware.yaml (or their folder), a STIX 2.1 "
                        "bundle, a TinyCheck JSON feed or a host list; repeatable")
    p.add_argument("--rules", type=Path, action="append", default=[], help="extra rule file or folder; repeatable")
    p.add_argument("--out", type=Path, required=True,
                   help="output folder for the report: new, empty, or made by an earlier detect; never an input "
                        "or a folder holding one")
    p.add_argument("--force", action="store_true",
                   help="write into a folder holding other files: replace only the files of the same names")
    p.add_argument("--no-pdf", action="store_true",
                   help="skip report.pdf (faster; an older report.pdf in the folder is removed). Without it, "
                        "report.pdf is skipped with a warning when its layout takes longer than 30 s "
                        "(environment variable STALKERLAB_PDF_TIME_LIMIT, in seconds)")


def run(args) -> int:
    import json

    from stalkerlab.commands.progress_bar import bytes_progress
    from stalkerlab.common.atomic_files import write_text_atomic
    from stalkerlab.common.owned_output import OwnedFolder
    from stalkerlab.common.shown_as_data import as_data
    from stalkerlab.detector.pipeline import DetectInputs, run_detection
    from stalkerlab.detector.reports import PdfRenderer, write_report_files
    from stalkerlab.detector.reports.family_words import family_line

    started = datetime.now(timezone.utc)
    inputs = [("--pcap", args.pcap), ("--device", args.device), ("--stimuli", args.stimuli),
              *(("--feed", f) for f in args.feed), *(("--rules", r) for r in args.rules)]
    folder = OwnedFolder(args.out, "detect", inputs=inputs, force=args.force, names=REPORT_SET)
    folder.check()                 # a bad --out is refused before the analysis, not after it
    size = args.pcap.stat().st_size if args.pcap and args.pcap.is_file() else 0
    # WeasyPrint starts in its child process while the evidence is analysed
    with nullcontext(False) if args.no_pdf else PdfRenderer() as pdf:
        with bytes_progress("Reading the capture", size) as progress:
            report = run_detection(DetectInputs(args.pcap, args.device, args.stimuli, args.feed, args.rules),
                                   progress)
        # report.json, report.html, report.pdf and run.json are one set: moved in together, or not at all
        with folder as stage:
            files = write_report_files(report, stage, pdf=pdf)
            outputs = sorted(p.name for p in (files.json, files.html, files.pdf) if p)
            run_info = {"started": started.isoformat(timespec="seconds"),
                        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        "host": platform.node(), "user": getpass.getuser(), "command": sys.argv,
                        "tool_version": report["manifest"]["tool"]["version"],
                        "outputs": outputs, "warnings": files.warnings}
            write_text_atomic(stage / "run.json", json.dumps(run_info, indent=2) + "\n")
    # evidence text reaches the terminal as data: an ESC sequence in a feed's family name must not act
    for warning in files.warnings:
        print(f"warning: {as_data(warning)}", file=sys.stderr)
    print(f"Verdict: {report['verdict']}")
    print(f"  {as_data(report['verdict_text'])}")
    for reason in report["verdict_reasons"]:
        print(f"  - {as_data(reason['text'])}")
    for family in report["families"]:
        print(f"  {family_line(report, family)}")
    out = args.out.resolve()
    print(f"Report: {out / 'report.html'}")
    for name in ("report.pdf", "report.json"):
        if name in outputs:
            print(f"        {out / name}")
    return 0
