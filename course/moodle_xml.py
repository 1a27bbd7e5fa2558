"""Export the self-checks as Moodle XML, the question format Moodle imports without plugins (Moodle has no
core QTI import).

One file holds the course's questions in every language (or one), each page's questions in a category of
their own under one category per language: `$course$/top/Stalkerware Lab/English/Module 5: ...`. Moodle
takes the categories only when "Get category from file" is ticked on import.

Each question is a `multichoice` (one or several right answers) or a `truefalse` (two answers reading
True/False in the page's language), with the explanation of every answer as its feedback and the text shown
after any answer as the general feedback. Fractions come from Moodle's list of allowed grades
(lib/questionlib.php, `match_grade_options`): an import without "nearest grade" fails on any other value.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from stalkerlab.course.layout import CourseLayout
from stalkerlab.course.quiz_bank import PageQuizzes, html_fragment, language_pages, read_pages
from stalkerlab.course.structure import DEFAULT_LANGUAGE, OTHER_LANGUAGES

from stalkerlab.common.atomic_files import write_bytes_atomic
from stalkerlab.common.errors import UserError
from stalkerlab.common.owned_output import made_by, refuse_overlap

COMMAND = "course moodle"
MARKER = f"made by {made_by(COMMAND)}"   # an XML comment at the top: how a later run knows the file is its own
# Moodle's grade options as percentages, as its own exports write them; negatives are allowed too.
ALLOWED_FRACTIONS = ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30",
                     "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0")
PENALTY = "0.3333333"  # Moodle's default penalty per wrong try in interactive mode
# Per language: the category name and the words of Moodle's combined feedback; a test keeps it in step with
# the course's languages.
LABELS = {
    "en": {"language": "English", "true": "true", "false": "false",
           "correct": "Correct.", "partially": "Partly correct: read the explanation of each answer.",
           "incorrect": "Not quite: read the explanation of your answer."},
    "fr": {"language": "Français", "true": "vrai", "false": "faux",
           "correct": "Exact.", "partially": "En partie exact : lisez l'explication de chaque réponse.",
           "incorrect": "Pas tout à fait : lisez l'explication de votre réponse."},
}


def share(correct: int) -> str:
    """The fraction of each right answer when `correct` answers share 100%, from Moodle's allowed list."""
    for value in ALLOWED_FRACTIONS:
        if abs(float(value) * correct - 100) < 0.001 * correct:
            return value
    raise UserError(f"{correct} right answers cannot share 100% in Moodle's allowed grades")


def _labels(language: str) -> dict:
    try:
        return LABELS[language]
    except KeyError:
        raise UserError(f"course/moodle_xml.py: no Moodle labels for language {language!r}; add them to LABELS") \
            from None


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


class MoodleQuiz:
    """The <quiz> document, built with lxml (CDATA for HTML, as Moodle's own exports write it)."""

    def __init__(self, site_url: str | None):
        from lxml import etree

        self.etree = etree
        self.site_url = site_url
        self.root = etree.Element("quiz")
        self.root.append(etree.Comment(f" {MARKER} "))

    def _text(self, parent, tag: str, text: str, html: bool = False, **attrib):
        element = self.etree.SubElement(parent, tag, attrib)
        if html:
            element.set("format", "html")
        self.etree.SubElement(element, "text").text = self.etree.CDATA(text) if html else text
        return element

    def category(self, path: list[str], info: str) -> None:
        question = self.etree.SubElement(self.root, "question", type="category")
        # "/" separates categories in the path; a "/" inside a name is written "//"
        self._text(question, "category", "$course$/top/" + "/".join(p.replace("/", "//") for p in path))
        self._text(question, "info", info, html=True)

    def question(self, quiz, page: PageQuizzes, number: int) -> None:
        if quiz.is_fill_in_blank:
            raise UserError(f"{page.page}: question {number} is fill-in-the-blank, which Moodle XML export "
                            "does not cover")
        labels = _labels(page.language)
        render = lambda text: html_fragment(text, page.page, self.site_url)  # noqa: E731
        sub = self.etree.SubElement
        question_html = render(quiz.question)
        kind = "truefalse" if self._true_false(quiz, labels) else "multichoice"
        element = sub(self.root, "question", type=kind)
        name = f"{page.title or page.page} Q{number}: {_plain(question_html)}"
        self._text(element, "name", name if len(name) <= 120 else name[:119].rsplit(" ", 1)[0] + "…")
        self._text(element, "questiontext", question_html, html=True)
        self._text(element, "generalfeedback", render(quiz.content) if quiz.content else "", html=True)
        sub(element, "defaultgrade").text = "1"
        sub(element, "penalty").text = PENALTY if kind == "multichoice" else "1"
        sub(element, "hidden").text = "0"
        sub(element, "idnumber").text = quiz.identifier
        if kind == "truefalse":
            for answer in quiz.answers:
                value = "true" if answer.text.strip().lower() == labels["true"] else "false"
                self._answer(element, value, "100" if answer.is_correct else "0", answer.feedback, render,
                             html=False)
        else:
            single = not quiz.is_multiple_choice
            sub(element, "single").text = "true" if single else "false"
            sub(element, "shuffleanswers").text = "false"  # the course's order is deliberate
            sub(element, "answernumbering").text = "abc"
            self._text(element, "correctfeedback", labels["correct"], html=True)
            self._text(element, "partiallycorrectfeedback", labels["partially"], html=True)
            self._text(element, "incorrectfeedback", labels["incorrect"], html=True)
            sub(element, "shownumcorrect")
            right = share(len(quiz.correct_answers))
            # several right answers: a wrong one costs everything, as on the course page (all or nothing)
            wrong = "0" if single else "-100"
            for answer in quiz.answers:
                self._answer(element, render(answer.text), right if answer.is_correct else wrong, answer.feedback,
                             render, html=True)
        tags = sub(element, "tags")
        for tag in ("stalkerware-lab", f"lang-{page.language}"):
            self._text(tags, "tag", tag)

    def _answer(self, parent, text: str, fraction: str, feedback: str | None, render, html: bool) -> None:
        answer = self.etree.SubElement(parent, "answer", fraction=fraction)
        if html:
            answer.set("format", "html")
        self.etree.SubElement(answer, "text").text = self.etree.CDATA(text) if html else text
        self._text(answer, "feedback", render(feedback) if feedback else "", html=True)

    @staticmethod
    def _true_false(quiz, labels: dict) -> bool:
        words = sorted(a.text.strip().lower() for a in quiz.answers)
        return words == sorted((labels["true"], labels["false"])) and len(quiz.correct_answers) == 1

    def tobytes(self) -> bytes:
        self.etree.indent(self.root)
        return self.etree.tostring(self.root, xml_declaration=True, encoding="UTF-8") + b"\n"


def export(layout: CourseLayout, out: Path, track_id: str | None = None, languages: tuple[str, ...] | None = None,
           site_url: str | None = None) -> dict[str, int]:
    """Write the Moodle XML file atomically; returns the number of questions per language."""
    languages = languages or (DEFAULT_LANGUAGE, *OTHER_LANGUAGES)
    document = MoodleQuiz(site_url)
    counts = {}
    for language in languages:
        pages, track = language_pages(layout, track_id, language)
        labels = _labels(language)
        top = f"Stalkerware Lab: {track.title}" if track else "Stalkerware Lab"
        counts[language] = 0
        for page in read_pages(layout.docs_dir, pages):
            if not page.quizzes:
                continue
            document.category([top, labels["language"], page.title or page.page],
                              f"Self-check questions of {page.page} ({labels['language']})")
            for number, quiz in enumerate(page.quizzes, start=1):
                document.question(quiz, page, number)
            counts[language] += len(page.quizzes)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(Path(out), document.tobytes())
    return counts


def check_output(path: Path, layout: CourseLayout, force: bool = False) -> None:
    """The .xml may replace only a file this command made (its first comment says so), or anything with
    --force; it never goes inside the course."""
    path = Path(path)
    if path.suffix.lower() != ".xml":
        raise UserError(f"{path}: the Moodle XML file must end in .xml")
    refuse_overlap(path, [("the course", layout.course_dir)], what="output file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give the name of the .xml file to write")
    if not os.path.lexists(path) or force:
        return
    try:
        with open(path, "rb") as existing:
            head = existing.read(200)
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from exc
    if f"<!-- {MARKER} -->".encode() not in head:
        raise UserError(f"{path}: exists and was not made by {made_by(COMMAND)}; choose another name, or add "
                        "--force to replace it")
