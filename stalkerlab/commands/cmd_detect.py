"""`stalkerlab detect`: analyse a capture and/or a device folder and write the report."""

from __future__ import annotations

import getpass
import platform
import sys
from contextlib import nullcontext
from datetime import datetime, timezone
from pathlib import Path


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
    p.add_argument("--out", type=Path, required=True, help="output folder for the report")
    p.add_argument("--no-pdf", action="store_true",
                   help="skip report.pdf (faster; an older report.pdf in the folder is removed). Without it, "
                        "report.pdf is skipped with a warning when its layout takes longer than 30 s "
                        "(environment variable STALKERLAB_PDF_TIME_LIMIT, in seconds)")


def run(args) -> int:
    from stalkerlab.commands.progress_bar import bytes_progress
    from stalkerlab.common.atomic_files import write_text_atomic
    from stalkerlab.common.errors import UserError
    from stalkerlab.detector.pipeline import DetectInputs, run_detection
    from stalkerlab.detector.reports import PdfRenderer, write_report_files
    from stalkerlab.detector.reports.family_words import family_line
    from stalkerlab.detector.reports.shown_as_data import as_data

    started = datetime.now(timezone.utc)
    size = args.pcap.stat().st_size if args.pcap and args.pcap.is_file() else 0
    # WeasyPrint starts in its child process while the evidence is analysed
    with nullcontext(False) if args.no_pdf else PdfRenderer() as pdf:
        with bytes_progress("Reading the capture", size) as progress:
            report = run_detection(DetectInputs(args.pcap, args.device, args.stimuli, args.feed, args.rules),
                                   progress)
        try:
            args.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"{args.out}: cannot create the output folder ({exc.strerror})") from None
        files = write_report_files(report, args.out, pdf=pdf)
    # evidence text reaches the terminal as data: an ESC sequence in a feed's family name must not act
    for warning in files.warnings:
        print(f"warning: {as_data(warning)}", file=sys.stderr)
    import json
    run_info = {"started": started.isoformat(timespec="seconds"),
                "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "host": platform.node(), "user": getpass.getuser(), "command": sys.argv,
                "tool_version": report["manifest"]["tool"]["version"],
                "outputs": sorted(p.name for p in (files.json, files.html, files.pdf) if p),
                "warnings": files.warnings}
    write_text_atomic(args.out / "run.json", json.dumps(run_info, indent=2) + "\n")
    print(f"Verdict: {report['verdict']}")
    print(f"  {as_data(report['verdict_text'])}")
    for reason in report["verdict_reasons"]:
        print(f"  - {as_data(reason['text'])}")
    for family in report["families"]:
        print(f"  {family_line(report, family)}")
    print(f"Report: {files.html.resolve()}")
    for path in (files.pdf, files.json):
        if path:
            print(f"        {path.resolve()}")
    return 0
