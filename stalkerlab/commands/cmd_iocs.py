"""`stalkerlab iocs`: list, show and export the loaded indicator feeds; update Echap's feed.

Nothing here resolves or contacts an indicator; `update` contacts only the feed's source.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from stalkerlab.common.shown_as_data import escape_hidden

EXPORT_FORMATS = ("stix2", "suricata", "tinycheck")


def register(sub) -> None:
    p = sub.add_parser("iocs", help="list, show, export or update the indicator feeds",
                       description="Work with the indicator feeds the detector uses. Nothing is ever looked "
                                   "up; `update` downloads only the feed itself.")
    actions = p.add_subparsers(dest="iocs_action", metavar="ACTION", required=True)
    feed_args = _feed_options()
    actions.add_parser("list", parents=[feed_args], help="the loaded feeds: format, source, SHA-256, counts") \
        .add_argument("--json", action="store_true", help="print the manifest entries as JSON")
    show = actions.add_parser("show", parents=[feed_args], help="one family's indicators, by role")
    show.add_argument("name", metavar="NAME", help="family name or alias (case-insensitive)")
    export = actions.add_parser("export", parents=[feed_args], help="write the loaded set as STIX 2.1, "
                                "Suricata rules or a TinyCheck feed")
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    export.add_argument("--out", type=Path, help="output file (default: standard output); never one of the feeds")
    update = actions.add_parser("update", help="download Echap's current feed into a local folder",
                                description="Download Echap's stalkerware-indicators over https, check it, and "
                                            "install it with a provenance record (source, commit and who stated "
                                            "it, redirects, SHA-256 of every file). Use the folder with --feed.")
    update.add_argument("--source", help="https URL of a zip archive, or of a folder of raw files (ending in /); "
                                         "{commit} in it is replaced by the commit (default: the archive of the "
                                         "commit GitHub states for Echap's master branch)")
    update.add_argument("--commit-url", help="https URL where a server states the commit to fetch (default for the "
                                             "default source: GitHub's API)")
    update.add_argument("--commit", help="pin the commit (40 hexadecimal digits) instead of asking for it")
    update.add_argument("--sha256", help="pin the SHA-256 of the archive (or local file); anything else is refused")
    update.add_argument("--local", action="store_true",
                        help="allow --source to be a local folder, zip or feed file (recorded as a local copy)")
    update.add_argument("--dir", type=Path, help="feed folder (default: $XDG_DATA_HOME/stalkerlab/feeds/echap): "
                                                 "new, empty, or made by an earlier update")
    update.add_argument("--force", action="store_true",
                        help="write into a folder holding other files: replace only the files of the same names")


def _feed_options():
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--feed", type=Path, action="append", default=[],
                        help="indicator feed file or folder (Echap YAML, STIX 2.1, TinyCheck JSON, host list); "
                             "repeatable")
    common.add_argument("--no-training", action="store_true", help="leave out the built-in training feed")
    return common


def run(args) -> int:
    return {"list": _list, "show": _show, "export": _export, "update": _update}[args.iocs_action](args)


def _load(args):
    from stalkerlab.detector.iocs import load_feeds

    return load_feeds(args.feed, training=not args.no_training)


def _list(args) -> int:
    feeds = [f.as_dict() for f in _load(args).feeds]
    if args.json:
        print(json.dumps(feeds, indent=2))
        return 0
    # names, paths and provenance come from the feed's author: shown as data, never as terminal controls
    for f in ({k: escape_hidden(v) if isinstance(v, str) else v for k, v in f.items()} for f in feeds):
        kinds = ", ".join(f"{n} {k}" for k, n in f["kinds"].items()) or "none"
        print(f"{f['name']}  ({f['format']})")
        print(f"  source:  {f['source']}" + (f"  from {f['origin']}" if f["origin"] else ""))
        print(f"  sha256:  {f['sha256']}")
        if f["date"] or f["commit"]:
            print(f"  date:    {f['date'] or 'unknown'}   commit: {f['commit'] or 'unknown'}")
        print(f"  counts:  {f['indicators']} indicators, {f['apps']} families ({kinds})"
              + (f"; {f['skipped']} entries skipped" if f["skipped"] else ""))
    return 0


def _show(args) -> int:
    from stalkerlab.common.errors import UserError

    indicators = _load(args)
    family = indicators.family(args.name)
    if family is None:
        raise UserError(f"{escape_hidden(args.name)}: no family of that name or alias in the loaded feeds "
                        "(see `stalkerlab iocs list`)")
    entries = indicators.of_family(family)
    aliases = sorted(indicators.other_names.get(family, ()))
    print(f"{escape_hidden(family)} ({escape_hidden(indicators.family_types.get(family, 'unknown type'))})")
    if aliases:
        print(f"  also called: {', '.join(escape_hidden(a) for a in aliases)}")
    role = None
    for ind in entries:
        if ind.role != role:
            role = ind.role
            print(f"  {role}:")
        print(f"    {ind.kind:<12} {escape_hidden(ind.value)}   [{escape_hidden(ind.feed)}]")
    if not entries:
        print("  (no indicators)")
    return 0


def _export(args) -> int:
    from stalkerlab.common.atomic_files import write_text_atomic
    from stalkerlab.common.errors import UserError
    from stalkerlab.common.owned_output import refuse_overlap
    from stalkerlab.detector.iocs.stix_bundle import export_stix_bundle
    from stalkerlab.detector.iocs.suricata_rules import export_suricata_rules
    from stalkerlab.detector.iocs.tinycheck_json import export_tinycheck_json

    exporters = {"stix2": export_stix_bundle, "suricata": export_suricata_rules, "tinycheck": export_tinycheck_json}
    if args.out is not None:
        refuse_overlap(args.out, [("--feed", f) for f in args.feed], what="output file")
    text = exporters[args.format](_load(args))
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_text_atomic(args.out, text)
    except OSError as exc:
        raise UserError(f"{args.out}: cannot write the export ({exc.strerror})") from None
    print(f"Wrote {args.out} ({args.format})", file=sys.stderr)
    return 0


def _update(args) -> int:
    from stalkerlab.detector.iocs.feed_update import DEFAULT_SOURCE, default_feed_dir, update_feed

    dest = args.dir or default_feed_dir()
    provenance = update_feed(args.source or DEFAULT_SOURCE, dest, commit_url=args.commit_url, commit=args.commit,
                             sha256=args.sha256, local=args.local, force=args.force)
    print(f"Feed updated in {dest}")
    print(f"  source:    {provenance['source']} ({provenance['transport']})")
    for download in provenance["downloads"]:
        for redirect in download.get("redirects", ()):
            print(f"  redirected to {redirect}")
    print(f"  retrieved: {provenance['retrieved']}   commit: {provenance['commit'] or 'unknown'}"
          + (f" ({provenance['commit_from']})" if provenance["commit_from"] else ""))
    for name, digest in provenance["files"].items():
        print(f"  {name:<15} sha256 {digest}")
    print(f"Use it with: stalkerlab detect --feed {dest} ...")
    return 0
