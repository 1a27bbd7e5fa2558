"""The self-check questions of the course, read from the Markdown with mkdocs-quiz's own parser.

mkdocs-quiz gives every question and answer a random identifier; here they are replaced by stable ones
derived from the page and position, so that exports are reproducible and LMS question banks can be
updated in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stalkerlab.common.errors import UserError


@dataclass(frozen=True)
class PageQuizzes:
    page: str  # path relative to the docs folder
    quizzes: list  # mkdocs_quiz.qti.models.Quiz


def _extractor():
    try:
        from mkdocs_quiz.qti import extract_quizzes_from_file
    except ImportError as exc:
        raise UserError("mkdocs-quiz: not installed (pip install mkdocs-quiz), needed to read the self-checks") from exc
    return extract_quizzes_from_file


def read_page(docs_dir: Path, page_path: Path) -> PageQuizzes:
    extract = _extractor()
    rel = page_path.relative_to(docs_dir).as_posix()
    try:
        quizzes = extract(page_path)
    except ValueError as exc:
        raise UserError(f"{page_path}: {exc}") from exc
    stem = rel[: -len(".md")].replace("/", "-").replace(".", "-")
    for n, quiz in enumerate(quizzes, start=1):
        quiz.identifier = f"{stem}-q{n}"
        quiz.source_file = Path(rel)
        for m, answer in enumerate(quiz.answers, start=1):
            answer.identifier = f"{quiz.identifier}-a{m}"
    return PageQuizzes(rel, quizzes)


def read_pages(docs_dir: Path, pages: list[Path]) -> list[PageQuizzes]:
    return [read_page(docs_dir, p) for p in pages]
