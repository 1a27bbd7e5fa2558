"""`stalkerlab labs`: list, show, validate and solve the labs; write a learner's handout."""

from __future__ import annotations

import os
from pathlib import Path

from stalkerlab.common.errors import UserError

SELF_STUDY_SECRET = b"stalkerlab self-study"   # without a classroom secret, seeds are only per learner name


def register(sub) -> None:
    p = sub.add_parser("labs", help="list, check and hand out the training labs",
                       description="The labs: exercises on simulated phones, each learner with their own variant.")
    actions = p.add_subparsers(dest="labs_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the labs, one per line (id, duration, level, tracks, title)")
    show = actions.add_parser("show", help="a lab's text, outcomes and questions (never the answers)")
    show.add_argument("lab")
    show.add_argument("--lang", default="en", choices=("en", "fr"))
    validate = actions.add_parser("validate", help="check every lab's definition and prove its reference "
                                                   "solution on several seeds")
    validate.add_argument("labs", nargs="*", help="lab ids (default: all)")
    validate.add_argument("--seeds", default="1,2,3", help="comma-separated seeds to solve (default 1,2,3)")
    validate.add_argument("--no-solve", action="store_true", help="only check the definitions")
    solve = actions.add_parser("solve", help="run a lab's reference solution on one seed and mark it")
    solve.add_argument("lab")
    solve.add_argument("--seed", type=int, default=1)
    pages = actions.add_parser("pages", help="write the course's lab pages (course/docs/labs) from the lab "
                                            "definitions, English and French")
    pages.add_argument("--out", type=Path, help="the folder of the lab pages (default: the course's docs/labs)")
    handout = actions.add_parser("handout", help="write a learner's files and questions into a folder")
    handout.add_argument("lab")
    handout.add_argument("--learner", required=True, help="the learner's name or pseudonym (makes their variant)")
    handout.add_argument("--out", type=Path, required=True, help="the handout folder to write")
    handout.add_argument("--lang", default="en", choices=("en", "fr"))
    handout.add_argument("--secret-file", type=Path,
                         help="the classroom's secret (default: $STALKERLAB_CLASSROOM_SECRET, else self-study)")
    handout.add_argument("--with-answers", action="store_true", help="add answers.json (for the instructor only)")
    handout.add_argument("--force", action="store_true",
                         help="write into a folder this command did not make (only its own file names are replaced)")


def _secret(path: Path | None) -> bytes:
    if path:
        try:
            secret = path.read_bytes().strip()
        except OSError as exc:
            raise UserError(f"{path}: cannot read the classroom secret ({exc.strerror})") from None
        if len(secret) < 16:
            raise UserError(f"{path}: a classroom secret needs at least 16 characters")
        return secret
    from_env = os.environ.get("STALKERLAB_CLASSROOM_SECRET", "").encode()
    return from_env or SELF_STUDY_SECRET


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise UserError(f"--seeds {text!r}: expected numbers separated by commas") from None
    if not seeds or min(seeds) < 0:
        raise UserError(f"--seeds {text!r}: expected zero or positive numbers")
    return seeds


def run(args) -> int:
    from stalkerlab.labs.definition import find_lab, lab_ids, load_all

    action = args.labs_action
    if action == "list":
        for lab in load_all():
            print(f"{lab.id:34} {lab.duration_min:>4} min  {lab.level:13} {','.join(lab.tracks):32} {lab.title()}")
        return 0
    if action == "show":
        from stalkerlab.labs.handout import questions_markdown

        lab = find_lab(args.lab)
        print(questions_markdown(lab, 0, list(lab.receives.files), args.lang).replace("\n\n", "\n\n", 1))
        return 0
    if action == "validate":
        from stalkerlab.labs.solutions import solve

        ids = args.labs or lab_ids()
        labs = [find_lab(i) for i in ids]
        print(f"{len(labs)} lab definitions are valid")
        if args.no_solve:
            return 0
        failed = 0
        for lab in labs:
            for seed in _seeds(args.seeds):
                result = solve(lab, seed)
                status = "full marks" if result.full_marks else "FAILED: " + "; ".join(result.failures())
                failed += not result.full_marks
                print(f"{lab.id:34} seed {seed:<7} {status}")
        if failed:
            raise UserError(f"{failed} reference solution run(s) did not get full marks")
        return 0
    if action == "solve":
        from stalkerlab.labs.solutions import solve

        result = solve(find_lab(args.lab), args.seed)
        for task_id, check in result.checks.items():
            print(f"{task_id:24} {check.status:17} {check.message}")
        return 0 if result.full_marks else 1
    if action == "pages":
        from stalkerlab.course.layout import CourseLayout
        from stalkerlab.labs.course_page import write_pages

        folder = args.out or CourseLayout.find().docs_dir / "labs"
        written, removed = write_pages(load_all(), folder)
        print(f"{len(written)} lab page(s) written, {len(removed)} removed, in {folder}/"
              + ("" if written or removed else " (all up to date)"))
        return 0
    if action == "handout":
        from stalkerlab.labs.handout import write_handout

        out = write_handout(find_lab(args.lab), args.learner, args.out, secret=_secret(args.secret_file),
                            language=args.lang, with_answers=args.with_answers, force=args.force)
        print(f"Wrote the handout for {args.learner} into {out}/ (questions.md, then the files"
              f"{'; answers.json is for the instructor only' if args.with_answers else ''})")
        return 0
    raise UserError(f"unknown labs action {action!r}")
