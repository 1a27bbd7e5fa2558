"""MkDocs hook: each lab's page is made from its lab.yaml when the course is built, so the definition the
portal serves and the page the course shows are one source.

mkdocs-static-i18n only places files that exist in docs/, not generated ones, so `docs/labs/<lab-id>.md` and
`<lab-id>.fr.md` are stubs holding each page's place in the site and its menus: front matter `lab: <lab-id>`
(the index page has `labs: all`) and the page's abbreviations include. This hook writes the lab's page, in the
stub's language, above the stub's own text. With `extra: {portal_url: https://...}` in mkdocs.yml, each page
also links to the lab in the classroom portal.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from mkdocs.exceptions import PluginError


def _language(page) -> str:
    """`labs/x.fr.md` is French, `labs/x.md` is English (the i18n plugin's suffix layout)."""
    suffixes = PurePosixPath(page.file.src_uri).suffixes
    return suffixes[-2].lstrip(".") if len(suffixes) > 1 else "en"


def on_page_markdown(markdown, page, config, files):
    if "lab" not in page.meta and "labs" not in page.meta:
        return markdown
    from stalkerlab.labs.course_page import lab_page_markdown, labs_index_markdown
    from stalkerlab.labs.definition import find_lab, load_all

    from stalkerlab.common.errors import UserError

    language = _language(page)
    try:
        if "lab" in page.meta:
            lab = find_lab(str(page.meta["lab"]))
            text, title = lab_page_markdown(lab, language, config.extra.get("portal_url")), lab.title(language)
        else:
            text = labs_index_markdown(load_all(), language)
            title = text.splitlines()[0].lstrip("# ")
    except UserError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from None
    page.meta["title"] = title
    return text + "\n" + markdown
