"""Moodle XML export: every question of the course in both languages, in the format Moodle's importer reads
(question/format/xml/format.php), with fractions from Moodle's allowed grades and each answer's feedback."""

from __future__ import annotations

import importlib.util
import re

import pytest

from stalkerlab.common.errors import UserError

pytestmark = pytest.mark.skipif(
    not (importlib.util.find_spec("lxml") and importlib.util.find_spec("mkdocs_quiz")),
    reason="the Moodle XML export needs lxml and mkdocs-quiz")

# lib/questionlib.php: question_bank::fraction_options_full(), as percentages; match_grade_options() accepts a
# value within 0.00001 of one of these (as a fraction of 1), or of its negative.
MOODLE_GRADES = [1, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
                 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0]
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def moodle_accepts(fraction_attribute: str) -> bool:
    grade = float(fraction_attribute) / 100
    return any(abs(grade - value) < 0.00001 or abs(grade + value) < 0.00001 for value in MOODLE_GRADES)


def text_of(element, path: str) -> str:
    found = element.find(path)
    return "" if found is None or found.text is None else found.text


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def exported(tmp_path_factory, layout):
    """The whole course exported once for the module: (file, questions per language)."""
    from stalkerlab.course.moodle_xml import export

    out = tmp_path_factory.mktemp("moodle") / "questions.xml"
    return out, export(layout, out)


def parse(path):
    from lxml import etree

    return etree.parse(str(path), etree.XMLParser(strip_cdata=False)).getroot()


def by_language(root) -> dict[str, list]:
    """The questions under each language's categories, in file order."""
    groups: dict[str, list] = {}
    language = None
    for question in root.findall("question"):
        if question.get("type") == "category":
            path = text_of(question, "category/text")
            language = next(lang for lang, name in LANGUAGE_NAMES.items() if f"/{name}/" in path)
            groups.setdefault(language, [])
        else:
            assert language is not None, "a question before any category"
            groups[language].append(question)
    return groups


def test_every_question_in_both_languages_with_moodle_fractions_and_feedback(layout, exported):
    from stalkerlab.course.quiz_bank import read_pages
    from stalkerlab.course.structure import prose_language

    out, counts = exported
    root = parse(out)
    assert root.tag == "quiz"
    assert {q.get("type") for q in root.findall("question")} <= {"category", "multichoice", "truefalse"}
    groups = by_language(root)
    assert sorted(groups) == ["en", "fr"]
    for language, questions in groups.items():
        pages = [p for p in read_pages(layout.docs_dir, layout.source_pages(language)) if p.quizzes]
        sources = [q for page in pages for q in page.quizzes]
        assert len(questions) == len(sources) >= 75, language
        assert counts[language] == len(sources)
        categories = [text_of(c, "category/text") for c in root.findall("question[@type='category']")
                      if f"/{LANGUAGE_NAMES[language]}/" in text_of(c, "category/text")]
        assert len(categories) == len(pages)
        assert all(c.startswith(f"$course$/top/Stalkerware Lab/{LANGUAGE_NAMES[language]}/") for c in categories)
        feedback_text = []
        for question, source in zip(questions, sources, strict=True):
            assert text_of(question, "idnumber") == source.identifier
            assert text_of(question, "name/text") and len(text_of(question, "name/text")) <= 255
            assert question.find("questiontext").get("format") == "html"
            assert text_of(question, "questiontext/text")
            answers = question.findall("answer")
            assert len(answers) == len(source.answers)
            fractions = [a.get("fraction") for a in answers]
            assert all(moodle_accepts(f) for f in fractions), (source.identifier, fractions)
            for answer, origin in zip(answers, source.answers, strict=True):
                assert (float(answer.get("fraction")) > 0) == origin.is_correct
                if not origin.is_correct:  # the course gives every wrong answer its explanation
                    assert plain(text_of(answer, "feedback/text")), source.identifier
                    assert answer.find("feedback").get("format") == "html"
                feedback_text.append(plain(text_of(answer, "feedback/text")))
            positive = [float(f) for f in fractions if float(f) > 0]
            if question.get("type") == "multichoice":
                single = text_of(question, "single")
                assert single == ("false" if source.is_multiple_choice else "true")
                if single == "true":  # qtype_multichoice: one answer must be worth 100%
                    assert max(positive) == 100 and sorted(fractions).count("100") == 1
                else:  # the positive fractions must add up to 100% (rounded to 2 places, as Moodle checks)
                    assert round(sum(positive) / 100, 2) == 1
                    assert all(float(f) < 0 for f, a in zip(fractions, source.answers, strict=True) if not a.is_correct)
                for field in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
                    assert text_of(question, f"{field}/text")
        # the feedback reads as the language of its category
        assert prose_language(" ".join(feedback_text)) == language


def test_links_between_course_pages(tmp_path, run_cli, exported):
    out, _ = exported
    assert "references.md" not in out.read_text(encoding="utf-8")  # a course link keeps only its text
    published = tmp_path / "published.xml"
    assert run_cli("course", "moodle", "--out", published, "--site-url", "https://training.example/c")[0] == 0
    text = published.read_text(encoding="utf-8")
    assert 'href="https://training.example/c/references.html#echap"' in text
    assert 'href="https://training.example/c/fr/references.html#echap"' in text


def test_one_track_one_language(tmp_path, run_cli, layout):
    from stalkerlab.course.quiz_bank import read_page

    out = tmp_path / "support.xml"
    assert run_cli("course", "moodle", "--out", out, "--track", "support-workers", "--language", "fr")[0] == 0
    root = parse(out)
    track = next(t for t in layout.tracks() if t.id == "support-workers")
    expected = sum(len(read_page(layout.docs_dir, layout.docs_dir / p.replace(".md", ".fr.md")).quizzes)
                   for p in track.pages)
    groups = by_language(root)
    assert list(groups) == ["fr"] and len(groups["fr"]) == expected
    assert all("-fr-q" in text_of(q, "idnumber") for q in groups["fr"])
    categories = [text_of(c, "category/text") for c in root.findall("question[@type='category']")]
    assert all(c.startswith("$course$/top/Stalkerware Lab: Support-worker track/Français/") for c in categories)


def test_true_false_questions(tmp_path, run_cli, course_copy):
    page = course_copy.docs_dir / "modules" / "02-safety-planning.md"
    page.write_text(page.read_text(encoding="utf-8").replace("<quiz>", """<quiz>
Removing the app ends every kind of monitoring.
- [ ] True
> Accounts and shared passwords can still be used.
- [x] False
> Yes: accounts, cloud backups and shared devices may still be watched.
</quiz>

<quiz>""", 1), encoding="utf-8")
    out = tmp_path / "tf.xml"
    code, _, stderr = run_cli("course", "--config", course_copy.config_file, "moodle", "--out", out,
                              "--language", "en")
    assert code == 0, stderr
    question = parse(out).find("question[@type='truefalse']")
    assert text_of(question, "idnumber") == "modules-02-safety-planning-q1"
    answers = {text_of(a, "text"): a for a in question.findall("answer")}
    assert sorted(answers) == ["false", "true"]
    assert answers["false"].get("fraction") == "100" and answers["true"].get("fraction") == "0"
    assert "shared passwords" in text_of(answers["true"], "feedback/text")
    assert "cloud backups" in text_of(answers["false"], "feedback/text")


def test_the_file_is_reproducible_and_only_its_own_is_replaced(tmp_path, run_cli, exported):
    made, _ = exported
    out = tmp_path / "again.xml"
    out.write_bytes(made.read_bytes())
    code, stdout, _ = run_cli("course", "moodle", "--out", out)  # replaces a file it made
    assert code == 0 and re.search(r"\d+ in en, \d+ in fr", stdout)
    assert out.read_bytes() == made.read_bytes()
    foreign = tmp_path / "notes.xml"
    foreign.write_text("<notes/>")
    code, out_text, err = run_cli("course", "moodle", "--out", foreign)
    assert code == 2 and "was not made by stalkerlab course moodle" in err + out_text
    assert foreign.read_text() == "<notes/>"
    assert run_cli("course", "moodle", "--out", foreign, "--force")[0] == 0


@pytest.mark.parametrize("argv, message", [
    (("--out", "q.txt"), "must end in .xml"),
    (("--out", "q.xml", "--language", "de"), "--language de: choose one of en, fr"),
    (("--out", "q.xml", "--track", "managers"), "no such track"),
])
def test_bad_options_are_one_line_errors(tmp_path, monkeypatch, run_cli, argv, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("course", "moodle", *argv)
    assert code == 2 and message in out + err and "Traceback" not in out + err
    assert not (tmp_path / "q.xml").exists()


def test_shares_of_several_right_answers_are_moodle_grades():
    from stalkerlab.course.moodle_xml import share

    assert [share(n) for n in (1, 2, 3, 4, 6, 7)] == ["100", "50", "33.33333", "25", "16.66667", "14.28571"]
    assert all(moodle_accepts(share(n)) for n in range(1, 11))
    with pytest.raises(UserError, match="11 right answers"):
        share(11)


def test_every_course_language_has_moodle_labels():
    from stalkerlab.course.moodle_xml import LABELS
    from stalkerlab.course.structure import DEFAULT_LANGUAGE, OTHER_LANGUAGES

    assert sorted(LABELS) == sorted([DEFAULT_LANGUAGE, *OTHER_LANGUAGES])
    assert {lang: LABELS[lang]["language"] for lang in LABELS} == LANGUAGE_NAMES
