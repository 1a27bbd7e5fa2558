"""Hostile course text for the LMS exports (course/moodle_xml.py, course/qti.py): a page with thousands of
questions must export in seconds, in both languages (mkdocs-quiz 1.7.1's own extractor is quadratic in the
number of questions on a page: 4,000 long ones took 39 s; quiz_bank reads pages without it). A page of
1,000 ordinary questions costs about 0.4 ms of Markdown per question, answer and feedback."""

from __future__ import annotations

import shutil
from pathlib import Path

QUESTIONS = 1_000


def _course_with_a_huge_page(workdir: Path) -> Path:
    from stalkerlab.course.layout import CourseLayout

    course = workdir / "course"
    shutil.copytree(CourseLayout.find().course_dir, course,
                    ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
    text = "which app sent `location` data to the **server** at night, and what does the report show"
    quizzes = "".join(f"<quiz>\nQuestion {n}: {text}?\n- [x] Right {n}\n> Yes: {text}.\n- [ ] Wrong\n"
                      f"> No: {text}.\n- [x] Also right\n> Yes.\n</quiz>\n\n" for n in range(QUESTIONS))
    for name in ("huge.md", "huge.fr.md"):
        (course / "docs" / "modules" / name).write_text(f"---\ntitle: Huge\n---\n\n# Huge\n\n{quizzes}",
                                                        encoding="utf-8")
    return course / "mkdocs.yml"


def case_moodle_export_of_a_page_with_1000_questions(workdir: Path) -> list[str]:
    """course moodle on a course with a page of 1,000 questions in English and French."""
    config = _course_with_a_huge_page(workdir)
    return ["course", "--config", str(config), "moodle", "--out", str(workdir / "questions.xml")]


def case_qti21_export_of_a_page_with_1000_questions(workdir: Path) -> list[str]:
    """course qti --qti-version 2.1 on a course with a page of 1,000 questions."""
    config = _course_with_a_huge_page(workdir)
    return ["course", "--config", str(config), "qti", "--qti-version", "2.1", "--out", str(workdir / "q.zip")]
