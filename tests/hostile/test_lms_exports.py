"""Hostile course text against the LMS exports (Moodle XML, QTI 2.1): raw HTML, CDATA terminators,
questions Moodle cannot grade. The files stay well-formed, or the command stops with one line."""

from __future__ import annotations

import importlib.util
import shutil
import zipfile

import pytest
from stalkerlab.course.layout import CourseLayout

pytestmark = pytest.mark.skipif(
    not (importlib.util.find_spec("lxml") and importlib.util.find_spec("mkdocs_quiz")),
    reason="the LMS exports need lxml and mkdocs-quiz")

HOSTILE_QUIZ = """<quiz>
Which of these ends the CDATA section ]]> early, or breaks <b>bold markup?
- [x] A raw line<br>break &nbsp; and ]]> again
> Explained with an unclosed <i>tag and a link to [the references](../references.md#echap).
- [ ] Nothing
> Raw HTML & entities &amp; survive.
</quiz>

"""


@pytest.fixture
def course(tmp_path) -> CourseLayout:
    source = CourseLayout.find().course_dir
    shutil.copytree(source, tmp_path / "course", ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
    return CourseLayout.find(tmp_path / "course" / "mkdocs.yml")


def add_quiz(course: CourseLayout, page: str, quiz: str) -> None:
    path = course.docs_dir / page
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("<quiz>", quiz + "<quiz>", 1), encoding="utf-8")


def test_raw_html_and_cdata_terminators_stay_well_formed(course, tmp_path, run_cli):
    from lxml import etree, html

    add_quiz(course, "modules/02-safety-planning.md", HOSTILE_QUIZ)
    out = tmp_path / "q.xml"
    code, _, err = run_cli("course", "--config", course.config_file, "moodle", "--out", out, "--language", "en",
                           "--track", "police")
    assert code == 0, err
    root = etree.parse(str(out)).getroot()
    question = next(q for q in root.iter("question") if q.findtext("idnumber") == "modules-02-safety-planning-q1")
    shown = lambda path: html.fragment_fromstring(question.findtext(path), create_parent="div").text_content()  # noqa: E731
    assert "]]> early" in shown("questiontext/text")
    assert "]]> again" in shown("answer/text") and "unclosed tag" in shown("answer/feedback/text")

    code, _, err = run_cli("course", "--config", course.config_file, "qti", "--qti-version", "2.1",
                           "--out", tmp_path / "q.zip", "--track", "police")
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "q.zip") as zf:
        item = etree.fromstring(zf.read("items/modules-02-safety-planning-q1.xml"))
    text = "".join(item.itertext())
    assert "]]> early" in text and "]]> again" in text and "Raw HTML & entities & survive." in text


def test_a_question_moodle_cannot_grade_is_a_one_line_error(course, tmp_path, run_cli):
    answers = "".join(f"- [x] Right answer {n}\n" for n in range(11)) + "- [ ] Wrong\n> No.\n"
    add_quiz(course, "modules/03-intake.md", f"<quiz>\nEleven right answers?\n{answers}</quiz>\n\n")
    out = tmp_path / "q.xml"
    code, stdout, err = run_cli("course", "--config", course.config_file, "moodle", "--out", out)
    assert code == 2
    lines = [line for line in (stdout + err).splitlines() if line.strip()]
    assert len(lines) == 1 and "11 right answers cannot share 100%" in lines[0] and "Traceback" not in lines[0]
    assert not out.exists()
