"""The built course: strict build, no broken internal link, nothing fetched from outside, usable and
accessible in a real browser (Debian's chromium driven by Playwright, axe-core for accessibility)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.slow

# Elements whose URL the browser fetches by itself, without a click.
RESOURCE_ATTRS = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                  ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data"), ("image", "href")}
REFERENCE_PAGES = {"references.html", "fr/references.html", "print_page.html", "fr/print_page.html"}


class PageLinks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if value and (name in ("href", "src", "data") or (tag, name) in RESOURCE_ATTRS):
                if name in ("href", "src", "data"):
                    self.links.append((tag, name, value))


def parse(path: Path) -> PageLinks:
    parser = PageLinks()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def pages(built_site) -> dict[str, PageLinks]:
    return {p.relative_to(built_site).as_posix(): parse(p) for p in sorted(built_site.rglob("*.html"))}


def test_site_has_both_languages_and_a_print_page_each(built_site):
    for rel in ("index.html", "fr/index.html", "print_page.html", "fr/print_page.html",
                "modules/10-capstone.html", "fr/modules/02-safety-planning.html",
                "assets/vendor/iframe-worker/shim.js", "search/search_index.js"):
        assert (built_site / rel).is_file(), rel
    assert '<html lang="fr"' in (built_site / "fr/print_page.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in (built_site / "print_page.html").read_text(encoding="utf-8")
    assert "Objectifs d'apprentissage" in (built_site / "fr/modules/00-orientation.html").read_text(encoding="utf-8")


def test_no_markdown_syntax_leaks_into_pages(built_site):
    # Attribute lists ("{ .form }") or admonition markers that Markdown did not process show up as text.
    leaks = []
    for path in built_site.rglob("*.html"):
        text = re.sub(r"<(script|code|pre)\b.*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
        for pattern in (r"\{\s*[.#][a-z][\w-]*\s*\}", r"^\s*(?:!!!|\?\?\?)\s+\w+", r"&lt;/?quiz&gt;"):
            for match in re.finditer(pattern, text, re.M):
                leaks.append(f"{path.relative_to(built_site)}: {match.group(0).strip()!r}")
    assert not leaks, "\n".join(leaks[:20])


def test_no_broken_internal_links(built_site, pages):
    broken = []
    for rel, links in pages.items():
        for tag, _attr, url in links.links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("//", "mailto:", "javascript:", "data:")):
                continue
            if parts.path.startswith("/"):  # only 404.html: MkDocs writes it with site-root paths
                target = built_site / unquote(parts.path).lstrip("/")
            elif parts.path:
                target = (built_site / rel).parent / unquote(parts.path)
            else:
                target = built_site / rel
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{rel}: <{tag}> {url} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                target_rel = target.relative_to(built_site.resolve()).as_posix()
                if target_rel in pages and unquote(parts.fragment) not in pages[target_rel].ids:
                    broken.append(f"{rel}: <{tag}> {url} (no such anchor)")
    assert not broken, "\n".join(broken[:30])


def test_no_external_resources_and_external_links_only_in_references(built_site, pages):
    problems = []
    for rel, links in pages.items():
        for tag, attr, url in links.links:
            if not re.match(r"^(https?:)?//", url):
                continue
            if (tag, attr) in RESOURCE_ATTRS:
                problems.append(f"{rel}: <{tag} {attr}={url}> would be fetched from outside the site")
            elif tag == "a" and rel not in REFERENCE_PAGES:
                problems.append(f"{rel}: link to {url} outside the references page")
    for css in built_site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text(encoding="utf-8")):
            problems.append(f"{css.relative_to(built_site)}: url({url})")
    assert not problems, "\n".join(problems[:30])
    shim = (built_site / "index.html").read_text(encoding="utf-8")
    assert "assets/vendor/iframe-worker/shim.js" in shim and "unpkg.com" not in shim


def test_a_broken_link_fails_the_strict_build(tmp_path, course_copy, built_site):
    from stalkerlab.course.site_build import BuildFailed, build_site

    page = course_copy.docs_dir / "modules" / "03-intake.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [nowhere](no-such-page.md).\n", encoding="utf-8")
    from stalkerlab.common.owned_output import OwnedFolder

    previous = tmp_path / "out"
    with OwnedFolder(previous, "course build") as stage:   # a site an earlier `course build` made
        (stage / "index.html").write_text("previous build")
    with pytest.raises(BuildFailed):
        build_site(course_copy, previous)
    assert (previous / "index.html").read_text() == "previous build"  # a failed build leaves the old site
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_learner_navigates_a_track_and_answers_quiz_questions(built_site, serve, page, screenshot_dir):
    server = serve(built_site)
    page.goto(server.url + "index.html")
    assert page.title().startswith("Stalkerware Lab")
    page.screenshot(path=str(screenshot_dir / "01-home.png"))

    page.get_by_role("link", name="Police track").first.click()
    page.wait_for_url("**/tracks/police.html")
    assert "one-day or a two-day workshop" in page.locator("h1").inner_text()
    page.screenshot(path=str(screenshot_dir / "02-police-track.png"), full_page=True)

    module_2 = "Module 2: Survivor-centred practice and safety planning"
    page.locator("article").get_by_role("link", name=module_2).first.click()
    page.wait_for_url("**/modules/02-safety-planning.html")

    first = page.locator(".quiz").first
    first.locator("input[data-correct='true']").first.check()  # auto-submit: one right answer
    first.locator(".quiz-feedback").wait_for(state="visible")
    assert "The plan must consider how the abuser may react" in first.locator(".quiz-feedback").inner_text()

    third = page.locator(".quiz").nth(2)
    third.locator("label", has_text="On the phone where the app was found").click()  # a wrong answer
    feedback = third.locator(".quiz-feedback")
    feedback.wait_for(state="visible")
    assert "Assume that phone is monitored" in feedback.inner_text()
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "03-quiz-answered.png"), full_page=True)

    progress = page.evaluate("JSON.parse(localStorage.getItem('quiz_progress_' + location.pathname))")
    assert sum(1 for q in progress.values() if q["answered"]) == 2
    assert sum(1 for q in progress.values() if q["correct"]) == 1

    option = page.locator("details.option").first  # the branching scenario: options look alike until opened
    option.locator("summary").click()
    assert "Not yet" in option.inner_text()

    page.goto(server.url + "fr/index.html")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.screenshot(path=str(screenshot_dir / "04-accueil.png"))
    assert page.outside_requests == []
    assert len(list(screenshot_dir.glob("*.png"))) >= 4


@pytest.mark.parametrize("language", ["", "fr/"])
def test_printable_version_of_a_track_shows_only_its_pages(built_site, serve, page, layout, language):
    track = next(t for t in layout.tracks() if t.id == "support-workers")
    server = serve(built_site)
    page.goto(f"{server.url}{language}print_page.html?track={track.id}")
    prefix = language.replace("/", "-")
    shown = page.evaluate("""() => [...document.querySelectorAll('#print-site-page section.print-page[id]')]
        .filter(s => !s.classList.contains('md-section') && s.offsetParent !== null).map(s => s.id)""")
    pages = (track.landing, *track.pages, *track.print_also)
    expected = [prefix + p.removesuffix(".md").replace("/", "-") for p in pages]
    assert sorted(shown) == sorted(expected)
    assert f"{prefix}modules-04-phone-state" not in shown  # not part of the support-worker track
    assert page.locator(".print-track-title").inner_text() == track.title
    page.goto(f"{server.url}{language}print_page.html")  # without ?track, the whole course
    everything = page.evaluate(
        "document.querySelectorAll('#print-site-page section.print-page[id]:not([hidden])').length")
    assert everything > len(expected)
    assert page.outside_requests == []


def test_search_works_offline_from_the_file_system(built_site, page):
    # A classroom may open the course straight from a USB stick: search then runs in a worker started
    # through the iframe-worker shim served by the site itself.
    page.goto((built_site / "index.html").as_uri())
    box = page.locator("input.md-search__input")
    box.click()
    page.wait_for_function("() => typeof __index !== 'undefined'")
    box.press_sequentially("custody", delay=30)
    page.locator(".md-search-result__item").first.wait_for()
    assert "matching" in page.locator(".md-search-result__meta").inner_text()
    assert page.outside_requests == []


AXE_PAGES = ["index.html", "tracks/police.html", "modules/02-safety-planning.html", "modules/05-network-traffic.html",
             "modules/07-documentation.html", "modules/10-capstone.html", "instructors/grading.html",
             "handouts/custody-record.html", "handouts/intake-checklist.html", "glossary.html", "references.html",
             "fr/index.html", "fr/modules/02-safety-planning.html", "print_page.html?track=support-workers"]


def test_accessibility_no_serious_or_critical_axe_violations(built_site, serve, page, axe_script):
    server = serve(built_site)
    found = []
    for rel in AXE_PAGES:
        page.goto(server.url + rel)
        page.add_script_tag(content=axe_script)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in violation["nodes"][:3]]
                found.append(f"{rel}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    assert page.outside_requests == []
    assert not found, "\n".join(found)
