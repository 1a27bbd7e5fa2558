"""`stalkerlab course`: build, serve, check and package the MkDocs course (SCORM 1.2, QTI, Moodle XML)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from stalkerlab.common.errors import UserError


def register(sub) -> None:
    p = sub.add_parser("course", help="build, serve, check or package the training course",
                       description="Work with the MkDocs course in course/ (configured by mkdocs.yml).")
    p.add_argument("--config", type=Path,
                   help="the mkdocs.yml to use (default: the course shipped with Stalkerware Lab)")
    actions = p.add_subparsers(dest="course_action", metavar="ACTION", required=True)

    b = actions.add_parser("build", help="build the static site in strict mode (works offline, from a USB stick)")
    b.add_argument("--out", type=Path, default=None,
                   help="output folder (default: ./site): new, empty, or made by an earlier build")
    b.add_argument("--force", action="store_true",
                   help="write into a folder holding other files: replace only the files of the same names")

    s = actions.add_parser("serve", help="serve the course with live reload on 127.0.0.1 (for authors)")
    s.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")

    sc = actions.add_parser("scorm", help="build a SCORM 1.2 package: one activity per track, reports score",
                            description="Build a SCORM 1.2 package. Each learner's answers are kept by the LMS "
                                        "(cmi.suspend_data), not by the browser; completion and score never go "
                                        "down.")
    sc.add_argument("--out", type=Path, required=True, help="the .zip to write")
    sc.add_argument("--site", type=Path, help="use this already built site instead of building one")
    sc.add_argument("--track", help="only this track, as a package of its own (police, support-workers, "
                                    "instructors); default: one package with an activity per track")
    sc.add_argument("--mastery-score", type=int, metavar="N",
                    help="report passed at N%% of right answers, failed when every question is answered below it "
                         "(default: completed once every question is answered)")
    sc.add_argument("--declare-mastery", action="store_true",
                    help="also write N into the manifest (adlcp:masteryscore); an LMS may then rewrite the status "
                         "from the score, as Moodle does by default")
    sc.add_argument("--force", action="store_true", help="replace an existing .zip that this command did not make")

    q = actions.add_parser("qti", help="export the self-check questions as a QTI package for an LMS")
    q.add_argument("--out", type=Path, required=True, help="the .zip to write")
    q.add_argument("--qti-version", default="1.2", choices=("1.2", "2.1"), help="QTI version (default 1.2)")
    q.add_argument("--track", help="only the questions of one track (police, support-workers, instructors)")
    q.add_argument("--language", default="en", help="the language of the questions (en or fr; default en)")
    q.add_argument("--site-url", help="where the course is published: links in questions point there "
                                      "(default: links keep only their text)")
    q.add_argument("--force", action="store_true", help="replace an existing .zip that this command did not make")

    m = actions.add_parser("moodle", help="export the self-check questions as Moodle XML (both languages)",
                           description="Export the self-checks as Moodle XML, with each answer's feedback, one "
                                       "category per language and page (tick 'Get category from file' on import).")
    m.add_argument("--out", type=Path, required=True, help="the .xml file to write")
    m.add_argument("--track", help="only the questions of one track (police, support-workers, instructors)")
    m.add_argument("--language", default="all", help="en, fr or all (default: all)")
    m.add_argument("--site-url", help="where the course is published: links in questions point there "
                                      "(default: links keep only their text)")
    m.add_argument("--force", action="store_true", help="replace an existing file that this command did not make")

    actions.add_parser("check", help="check module structure and the safety rule in the course text")


def _build(layout, out: Path, force: bool = False) -> Path:
    from stalkerlab.course.site_build import BuildFailed, build_site

    try:
        return build_site(layout, out, force=force)
    except BuildFailed as exc:
        raise UserError(f"{layout.config_file}: mkdocs build --strict failed: {exc}") from exc


def run(args) -> int:
    from stalkerlab.common.owned_output import check_zip_output
    from stalkerlab.course.layout import CourseLayout

    layout = CourseLayout.find(args.config)
    action = args.course_action
    if action == "build":
        out = _build(layout, args.out or Path("site"), args.force)
        print(f"Built the course into {out}/ (open index.html, or upload with `stalkerlab course scorm`)")
        return 0
    if action == "serve":
        from stalkerlab.course.site_build import serve_site

        if not 0 < args.port < 65536:
            raise UserError(f"--port {args.port}: not a TCP port")
        print(f"Serving the course on http://127.0.0.1:{args.port}/ (Ctrl+C to stop)")
        serve_site(layout, args.port)
        return 0
    if action == "scorm":
        from stalkerlab.course.scorm import COMMAND, build_package, package_tracks

        if args.out.suffix.lower() != ".zip":
            raise UserError(f"{args.out}: the SCORM package must be a .zip file")
        check_zip_output(args.out, COMMAND, inputs=[("the course", layout.course_dir), ("--site", args.site)],
                         force=args.force)
        options = {"track_id": args.track, "mastery_score": args.mastery_score,
                   "declare_mastery": args.declare_mastery}
        package_tracks(layout, **options)  # bad options fail before a site is built for them
        if args.site:
            summary = build_package(layout, args.site, args.out, **options)
        else:
            with tempfile.TemporaryDirectory(prefix="stalkerlab-course-") as tmp:
                site = _build(layout, Path(tmp) / "site")
                summary = build_package(layout, site, args.out, **options)
        tracks = ", ".join(f"{track} ({n} questions)" for track, n in summary["tracks"].items())
        mastery = f", passed at {args.mastery_score}%" if args.mastery_score is not None else ""
        print(f"Wrote {args.out}: SCORM 1.2, {summary['files']} site files, one activity per track: {tracks}{mastery}")
        return 0
    if action == "qti":
        from stalkerlab.course.qti import COMMAND, export

        if args.out.suffix.lower() != ".zip":
            raise UserError(f"{args.out}: the QTI package must be a .zip file")
        check_zip_output(args.out, COMMAND, inputs=[("the course", layout.course_dir)], force=args.force)
        count = export(layout, args.out, args.qti_version, args.track, args.language, args.site_url)
        print(f"Wrote {args.out}: QTI {args.qti_version}, {count} questions")
        return 0
    if action == "moodle":
        from stalkerlab.course.moodle_xml import check_output, export

        check_output(args.out, layout, args.force)
        languages = None if args.language == "all" else (args.language,)
        counts = export(layout, args.out, args.track, languages, args.site_url)
        per_language = ", ".join(f"{n} in {language}" for language, n in counts.items())
        print(f"Wrote {args.out}: Moodle XML, {per_language} (import with 'Get category from file')")
        return 0
    if action == "check":
        from stalkerlab.course.structure import check_course

        problems = check_course(layout.docs_dir, _scenario_ids())
        for problem in problems:
            print(problem)
        pages = "modules and instructor pages"
        print(f"{len(problems)} problem(s) in the {pages}" if problems else f"All {pages} pass the course rules")
        return 1 if problems else 0
    raise UserError(f"course {action}: unknown action")


def _scenario_ids() -> set[str] | None:
    """Scenario ids from the simulator's catalogue, so the course cannot name a scenario that does not exist."""
    try:
        from stalkerlab.simulator.world.catalogue import Catalogue
    except ImportError:
        return None
    return set(Catalogue().scenario_ids())
