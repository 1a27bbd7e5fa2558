"""Export the self-checks as a QTI package for an LMS question bank, using mkdocs-quiz's exporters.

One assessment per export: the whole English course, or the pages of one track. Identifiers and zip times
are fixed so that the same course gives a byte-identical file.
"""

from __future__ import annotations

from pathlib import Path

from stalkerlab.course.layout import CourseLayout
from stalkerlab.course.quiz_bank import read_pages

from stalkerlab.common.atomic_files import write_zip_atomic
from stalkerlab.common.errors import UserError
from stalkerlab.common.owned_output import zip_marker

COMMAND = "course qti"     # named in the zip's comment, so that a later run knows the file is its own
VERSIONS = ("1.2", "2.1")


def collect(layout: CourseLayout, track_id: str | None = None):
    """The questions to export, in course order, and a title."""
    from mkdocs_quiz.qti.models import QuizCollection

    if track_id:
        tracks = {t.id: t for t in layout.tracks()}
        if track_id not in tracks:
            raise UserError(f"--track {track_id}: no such track (choose from {', '.join(tracks)})")
        track = tracks[track_id]
        pages = [layout.docs_dir / p for p in track.pages]
        title, ident = f"Stalkerware Lab: {track.title} self-checks", f"stalkerware-lab-{track.id}"
    else:
        pages = layout.source_pages("en")
        title, ident = "Stalkerware Lab: all self-checks", "stalkerware-lab-course"
    quizzes = [q for page in read_pages(layout.docs_dir, pages) for q in page.quizzes]
    for quiz in quizzes:
        _fold_answer_feedback(quiz)
    return QuizCollection(title=title, quizzes=quizzes,
                          description="Self-check questions of the Stalkerware Lab course",
                          identifier=ident)


def _fold_answer_feedback(quiz) -> None:
    """QTI exporters carry one general feedback per question, not mkdocs-quiz's per-answer feedback, so the
    per-answer explanations are appended to the general feedback instead of being lost."""
    import markdown

    lines = [f"- {a.text}: {' '.join(a.feedback.split())}" for a in quiz.answers if a.feedback and a.feedback.strip()]
    text = "\n\n".join(part for part in (quiz.content, "\n".join(lines)) if part)
    if text:
        # The exporters pass HTML through (as CDATA); Markdown would reach the LMS as raw text.
        quiz.content = markdown.markdown(text)


def export(layout: CourseLayout, out: Path, version: str = "1.2", track_id: str | None = None) -> int:
    """Write the QTI zip atomically; returns the number of questions."""
    try:
        from mkdocs_quiz.qti import QTIExporter, QTIVersion
    except ImportError as exc:
        raise UserError("mkdocs-quiz: not installed (pip install mkdocs-quiz), needed for the QTI export") from exc
    if version not in VERSIONS:
        raise UserError(f"--qti-version {version}: choose one of {', '.join(VERSIONS)}")
    collection = collect(layout, track_id)
    problems = collection.validate()
    if problems:
        quiz_id, errors = next(iter(problems.items()))
        raise UserError(f"{quiz_id}: {errors[0]}")
    exporter = QTIExporter.create(collection, QTIVersion.from_string(version))
    entries = {"imsmanifest.xml": exporter.generate_manifest(), "assessment.xml": exporter.generate_assessment()}
    entries.update(exporter.generate_items())
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    write_zip_atomic(out, ((name, text.encode("utf-8")) for name, text in entries.items()),
                     comment=zip_marker(COMMAND))
    return len(collection.quizzes)
