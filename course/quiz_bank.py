"""The self-check questions of the course, read from the Markdown with mkdocs-quiz's own parser, and their
text rendered as HTML for an LMS question bank (QTI, Moodle XML).

mkdocs-quiz gives every question and answer a random identifier; here they are replaced by stable ones
derived from the page and position, so that exports are reproducible and LMS question banks can be
updated in place.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from stalkerlab.course.layout import CourseLayout, Track
from stalkerlab.course.structure import DEFAULT_LANGUAGE, OTHER_LANGUAGES, page_language

from stalkerlab.common.errors import UserError

FRONT_MATTER_RE = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass(frozen=True)
class PageQuizzes:
    page: str  # path relative to the docs folder
    quizzes: list  # mkdocs_quiz.qti.models.Quiz
    title: str = ""  # the page's front-matter title ("" when it has none)
    language: str = DEFAULT_LANGUAGE


def _extract(page_path: Path) -> list:
    """mkdocs-quiz's extract_quizzes_from_file without its line numbers: 1.7.1 counts the newlines before
    every quiz from the start of the page, which takes minutes on a page of thousands of questions."""
    try:
        from mkdocs_quiz.parsing import find_quizzes, mask_code_blocks
        from mkdocs_quiz.qti.extractor import _parse_quiz_content
    except ImportError as exc:
        raise UserError("mkdocs-quiz: not installed (pip install mkdocs-quiz), needed to read the self-checks") from exc
    try:
        content = page_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{page_path}: cannot read ({exc})") from exc
    masked, _ = mask_code_blocks(content)  # a <quiz> shown inside a code block is not a question
    return [quiz for match in find_quizzes(masked) if (quiz := _parse_quiz_content(match.group(1))) is not None]


def _title(page_path: Path) -> str:
    match = FRONT_MATTER_RE.match(page_path.read_text(encoding="utf-8"))
    try:
        meta = yaml.safe_load(match[1]) if match else None
    except yaml.YAMLError as exc:
        raise UserError(f"{page_path}: front matter is not YAML ({exc})") from exc
    return str(meta.get("title", "")) if isinstance(meta, dict) else ""


def read_page(docs_dir: Path, page_path: Path) -> PageQuizzes:
    rel = page_path.relative_to(docs_dir).as_posix()
    quizzes = _extract(page_path)
    stem = rel[: -len(".md")].replace("/", "-").replace(".", "-")
    for n, quiz in enumerate(quizzes, start=1):
        quiz.identifier = f"{stem}-q{n}"
        quiz.source_file = Path(rel)
        for m, answer in enumerate(quiz.answers, start=1):
            answer.identifier = f"{quiz.identifier}-a{m}"
    return PageQuizzes(rel, quizzes, _title(page_path), page_language(page_path))


def read_pages(docs_dir: Path, pages: list[Path]) -> list[PageQuizzes]:
    return [read_page(docs_dir, p) for p in pages]


def language_variant(page: str, language: str) -> str:
    """`modules/02-x.md` in another language: `modules/02-x.fr.md` (mkdocs-static-i18n's suffix layout)."""
    return page if language == DEFAULT_LANGUAGE else f"{page[:-len('.md')]}.{language}.md"


def language_pages(layout: CourseLayout, track_id: str | None, language: str) -> tuple[list[Path], Track | None]:
    """The pages whose questions an export holds: the whole course or one track's pages, in one language."""
    if language not in (DEFAULT_LANGUAGE, *OTHER_LANGUAGES):
        raise UserError(f"--language {language}: choose one of {', '.join((DEFAULT_LANGUAGE, *OTHER_LANGUAGES))}")
    if not track_id:
        return layout.source_pages(language), None
    tracks = {t.id: t for t in layout.tracks()}
    if track_id not in tracks:
        raise UserError(f"--track {track_id}: no such track (choose from {', '.join(tracks)})")
    track = tracks[track_id]
    pages = [layout.docs_dir / language_variant(p, language) for p in track.pages]
    missing = [p for p in pages if not p.is_file()]
    if missing:
        raise UserError(f"{missing[0]}: track {track_id!r} has no {language} version of this page")
    return pages, track


def html_fragment(text: str, page: str, site_url: str | None = None) -> str:
    """Markdown of a question, answer or feedback as HTML for an LMS.

    Links between course pages (`../references.md#echap`) mean nothing inside an LMS: with `site_url` (where
    the course is published) they point at the published page, otherwise only their text is kept.
    """
    md, links = _converter()
    links.page, links.site_url = page, site_url
    html = md.reset().convert(text)
    # One paragraph (an answer, a short feedback) is inline text in an LMS's answer list.
    inner = html[len("<p>"):-len("</p>")] if html.startswith("<p>") and html.endswith("</p>") else None
    return inner if inner is not None and "<p>" not in inner else html


@functools.cache
def _converter():
    """One Markdown converter for every fragment (building one costs more than converting a fragment)."""
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class CourseLinks(Treeprocessor):
        page, site_url = "", None

        def run(self, root):
            for parent in root.iter():
                for link in [child for child in parent if child.tag == "a"]:
                    target = _published_url(link.get("href", ""), self.page, self.site_url)
                    if target is None:
                        _unwrap(parent, link)
                    else:
                        link.set("href", target)

    md = markdown.Markdown(output_format="xhtml")
    links = CourseLinks(md)
    md.treeprocessors.register(links, "stalkerlab_course_links", 0)
    return md, links


def _published_url(href: str, page: str, site_url: str | None) -> str | None:
    parts = urlsplit(href)
    if parts.scheme in ("http", "https", "mailto"):
        return href
    if parts.scheme or parts.netloc or not parts.path.endswith(".md") or not site_url:
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), parts.path))
    if target.startswith("../"):
        return None
    # mkdocs-static-i18n's suffix layout: `page.fr.md` links to `other.md`, published as fr/other.html
    language = page_language(Path(page))
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{site_url.rstrip('/')}/{prefix}{target[:-len('.md')]}.html{fragment}"


def _unwrap(parent, link) -> None:
    """Replace an ElementTree <a> by its text and children, keeping the text that follows it."""
    index = list(parent).index(link)
    children = list(link)
    before = link.text or ""
    if index == 0:
        parent.text = (parent.text or "") + before
    else:
        prev = parent[index - 1]
        prev.tail = (prev.tail or "") + before
    parent.remove(link)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    tail = link.tail or ""
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    elif index == 0:
        parent.text = (parent.text or "") + tail
    else:
        prev = parent[index - 1]
        prev.tail = (prev.tail or "") + tail
