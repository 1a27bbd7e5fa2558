"""Export the self-checks as a QTI package for an LMS question bank.

QTI 1.2 uses mkdocs-quiz's exporter (its one general feedback per question carries the per-answer
explanations). QTI 2.1 items are written here, because mkdocs-quiz's declare a FEEDBACK outcome that nothing
sets and put the HTML in CDATA, where a QTI player shows it as text: here every answer's explanation is a
modalFeedback tied to FEEDBACK, which responseProcessing sets to the learner's choices (IMS QTI 2.1
implementation guide, modal feedback), and the text is XHTML markup in the QTI namespace.

One assessment per export: the whole course in one language, or the pages of one track. Identifiers and zip
times are fixed so that the same course gives a byte-identical file.
"""

from __future__ import annotations

from pathlib import Path

from stalkerlab.course.layout import CourseLayout
from stalkerlab.course.quiz_bank import PageQuizzes, html_fragment, language_pages, read_pages

from stalkerlab.common.atomic_files import write_zip_atomic
from stalkerlab.common.errors import UserError
from stalkerlab.common.owned_output import zip_marker

COMMAND = "course qti"     # named in the zip's comment, so that a later run knows the file is its own
VERSIONS = ("1.2", "2.1")
QTI21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENERAL_FEEDBACK = "general"  # the FEEDBACK identifier of the text shown after any answer


def collect(layout: CourseLayout, track_id: str | None = None, language: str = "en",
            site_url: str | None = None):
    """The questions to export, in course order, as a mkdocs-quiz QuizCollection, and their pages."""
    from mkdocs_quiz.qti.models import QuizCollection

    pages, track = language_pages(layout, track_id, language)
    if track:
        title, ident = f"Stalkerware Lab: {track.title} self-checks", f"stalkerware-lab-{track.id}"
    else:
        title, ident = "Stalkerware Lab: all self-checks", "stalkerware-lab-course"
    if language != "en":
        ident += f"-{language}"
    read = read_pages(layout.docs_dir, pages)
    quizzes = [q for page in read for q in page.quizzes]
    collection = QuizCollection(title=title, quizzes=quizzes,
                                description="Self-check questions of the Stalkerware Lab course", identifier=ident)
    return collection, read


def _fold_answer_feedback(quiz, page: PageQuizzes, site_url: str | None) -> None:
    """QTI 1.2 items carry one general feedback per question, not mkdocs-quiz's per-answer feedback, so the
    per-answer explanations are appended to the general feedback instead of being lost."""
    lines = [f"- {a.text}: {' '.join(a.feedback.split())}" for a in quiz.answers if a.feedback and a.feedback.strip()]
    text = "\n\n".join(part for part in (quiz.content, "\n".join(lines)) if part)
    if text:
        quiz.content = html_fragment(text, page.page, site_url)


def _xhtml(parent, html: str) -> None:
    """Append an HTML fragment to a QTI element as markup in the QTI namespace (not as escaped text)."""
    from lxml import etree
    from lxml import html as html_parser

    opening = f'<wrapper xmlns="{QTI21}">'
    try:
        wrapper = etree.fromstring(f"{opening}{html}</wrapper>".encode())
    except etree.XMLSyntaxError:
        # raw HTML in the Markdown (an unclosed tag, &nbsp;): an HTML parser mends it, then it is read as XML
        mended = etree.tostring(html_parser.fragment_fromstring(html, create_parent="wrapper"), encoding="unicode")
        wrapper = etree.fromstring(mended.replace("<wrapper>", opening, 1).encode())
    parent.text = (parent.text or "") + (wrapper.text or "")
    for child in wrapper:
        parent.append(child)


def item_21(quiz, page: PageQuizzes, site_url: str | None = None) -> bytes:
    """One QTI 2.1 assessmentItem: a choiceInteraction with per-answer modal feedback."""
    from lxml import etree
    from mkdocs_quiz.qti.utils import strip_html_tags

    if quiz.is_fill_in_blank:
        raise UserError(f"{page.page}: {quiz.identifier}: fill-in-the-blank questions are not exported to QTI 2.1")
    q = lambda tag: f"{{{QTI21}}}{tag}"  # noqa: E731 - a local shorthand for namespaced tags
    sub = etree.SubElement
    multiple = quiz.is_multiple_choice
    question = html_fragment(quiz.question, page.page, site_url)
    item = etree.Element(q("assessmentItem"), nsmap={None: QTI21, "xsi": XSI}, attrib={
        f"{{{XSI}}}schemaLocation": f"{QTI21} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd",
        "identifier": quiz.identifier, "title": strip_html_tags(question)[:80], "adaptive": "false",
        "timeDependent": "false", XML_LANG: page.language})
    response = sub(item, q("responseDeclaration"), identifier="RESPONSE",
                   cardinality="multiple" if multiple else "single", baseType="identifier")
    correct = sub(response, q("correctResponse"))
    for answer in quiz.correct_answers:
        sub(correct, q("value")).text = answer.identifier
    score = sub(item, q("outcomeDeclaration"), identifier="SCORE", cardinality="single", baseType="float")
    sub(sub(score, q("defaultValue")), q("value")).text = "0"
    explained = [a for a in quiz.answers if a.feedback]
    if explained or quiz.content:
        # multiple: the explanations of every chosen answer, and the general feedback, show together
        sub(item, q("outcomeDeclaration"), identifier="FEEDBACK", cardinality="multiple", baseType="identifier")

    body = sub(item, q("itemBody"))
    _xhtml(sub(body, q("div")), question)
    interaction = sub(body, q("choiceInteraction"), responseIdentifier="RESPONSE", shuffle="false",
                      maxChoices="0" if multiple else "1")
    for answer in quiz.answers:
        _xhtml(sub(interaction, q("simpleChoice"), identifier=answer.identifier),
               html_fragment(answer.text, page.page, site_url))

    processing = sub(item, q("responseProcessing"))
    condition = sub(sub(processing, q("responseCondition")), q("responseIf"))
    match = sub(condition, q("match"))
    sub(match, q("variable"), identifier="RESPONSE")
    sub(match, q("correct"), identifier="RESPONSE")
    sub(sub(condition, q("setOutcomeValue"), identifier="SCORE"), q("baseValue"), baseType="float").text = "1"
    if explained or quiz.content:
        chosen = sub(sub(processing, q("setOutcomeValue"), identifier="FEEDBACK"), q("multiple"))
        sub(chosen, q("variable"), identifier="RESPONSE")
        if quiz.content:
            sub(chosen, q("baseValue"), baseType="identifier").text = GENERAL_FEEDBACK
    for answer in explained:
        _xhtml(sub(item, q("modalFeedback"), outcomeIdentifier="FEEDBACK", identifier=answer.identifier,
                   showHide="show"), html_fragment(answer.feedback, page.page, site_url))
    if quiz.content:
        _xhtml(sub(item, q("modalFeedback"), outcomeIdentifier="FEEDBACK", identifier=GENERAL_FEEDBACK,
                   showHide="show"), html_fragment(quiz.content, page.page, site_url))
    return etree.tostring(item, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export(layout: CourseLayout, out: Path, version: str = "1.2", track_id: str | None = None,
           language: str = "en", site_url: str | None = None) -> int:
    """Write the QTI zip atomically; returns the number of questions."""
    try:
        from mkdocs_quiz.qti import QTIExporter, QTIVersion
    except ImportError as exc:
        raise UserError("mkdocs-quiz: not installed (pip install mkdocs-quiz), needed for the QTI export") from exc
    if version not in VERSIONS:
        raise UserError(f"--qti-version {version}: choose one of {', '.join(VERSIONS)}")
    collection, pages = collect(layout, track_id, language, site_url)
    problems = collection.validate()
    if problems:
        quiz_id, errors = next(iter(problems.items()))
        raise UserError(f"{quiz_id}: {errors[0]}")
    exporter = QTIExporter.create(collection, QTIVersion.from_string(version))
    entries = {"imsmanifest.xml": exporter.generate_manifest().encode("utf-8"),
               "assessment.xml": exporter.generate_assessment().encode("utf-8")}
    if version == "2.1":
        entries.update({f"items/{quiz.identifier}.xml": item_21(quiz, page, site_url)
                        for page in pages for quiz in page.quizzes})
    else:
        for page in pages:
            for quiz in page.quizzes:
                _fold_answer_feedback(quiz, page, site_url)
        entries.update({name: text.encode("utf-8") for name, text in exporter.generate_items().items()})
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    write_zip_atomic(out, entries.items(), comment=zip_marker(COMMAND))
    return len(collection.quizzes)
