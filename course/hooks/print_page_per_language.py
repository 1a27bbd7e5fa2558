"""MkDocs hook: give each language its own print page.

mkdocs-static-i18n builds the other languages by re-running the build with the same config and moving each
page under `fr/`, but mkdocs-print-site-plugin's page is not one of the files it moves, so the French build
overwrote the English `print_page.html` and `fr/print_page.html` never existed. This hook runs after both
plugins have configured a build and moves the print page under the language folder. It also removes the
duplicate CSS/JS entries that print-site adds again on every language build, and repairs two kinds of link
print-site breaks when it prefixes anchors with the page key: mkdocs-quiz's "#quiz-N" header links (the quiz
ids are not prefixed, so the links point nowhere; they are dropped) and bare "#" links, which become
"#page-key-" (pointed at the page's section instead); links to the print page itself point at its top.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page


def _dedupe(items: list) -> list:
    seen, out = set(), []
    for item in items:
        key = str(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


@event_priority(-200)
def on_config(config):
    config["extra_css"] = _dedupe(config["extra_css"])
    config["extra_javascript"] = _dedupe(config["extra_javascript"])
    i18n = config.plugins.get("i18n")
    printer = config.plugins.get("print-site")
    if i18n is None or printer is None or not getattr(printer, "print_file", None):
        return config
    language = i18n.current_language
    if language is None or language == i18n.default_language:
        return config
    basename = printer.config.get("print_page_basename")
    printer.print_file = File(path=f"{language}/{basename}.md", src_dir="", dest_dir=config["site_dir"],
                              use_directory_urls=config.get("use_directory_urls"))
    page = Page(title=printer.print_page.title, file=printer.print_file, config=config)
    page.edit_url = None
    printer.print_page = page
    printer.renderer.print_page = page
    return config


QUIZ_HEADER_LINK = re.compile(r'<a href="#[^"]*" class="quiz-header-link">#</a>')
EMPTY_FRAGMENT = re.compile(r'href="#([a-z0-9][a-z0-9-]*?)-"')


def repair_print_page(html: str, basename: str) -> str:
    html = QUIZ_HEADER_LINK.sub("", html)
    html = EMPTY_FRAGMENT.sub(r'href="#\1"', html)
    # links from a page to the print page itself ("print version", "?track=police") stay on this page
    return re.sub(rf'href="#(?:[a-z]{{2}}-)?{re.escape(basename)}(\?[^"#]*)?"',
                  lambda m: f'href="{m.group(1) or "#"}"', html)


@event_priority(-150)
def on_post_build(config):
    # Runs after print-site wrote its page; i18n's nested builds make the order of languages unknown, so every
    # print page in the site is repaired (the repair is idempotent).
    printer = config.plugins.get("print-site")
    if printer is None:
        return
    basename = printer.config.get("print_page_basename")
    site = Path(config["site_dir"])
    for page in [site / f"{basename}.html", *site.glob(f"*/{basename}.html")]:
        if page.is_file():
            text = page.read_text(encoding="utf-8")
            repaired = repair_print_page(text, basename)
            if repaired != text:
                page.write_text(repaired, encoding="utf-8")
