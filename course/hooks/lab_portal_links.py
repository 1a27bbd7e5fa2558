"""MkDocs hook: a "start this lab" box on each lab page, linking to the lab in the classroom portal, when the
course names the portal's address (`extra: {portal_url: https://...}` in mkdocs.yml).

The lab pages themselves (docs/labs/*.md) are written from each lab's lab.yaml by `stalkerlab labs pages`;
their front matter says which lab they show (`lab: <lab-id>`), which is all this hook needs: the course, a
lower floor than the labs, reads no lab definition. The portal shows a lab at /labs/<lab-id>.
"""

from __future__ import annotations

from pathlib import PurePosixPath

WORDS = {
    "en": ("Start this lab", "Your own files and questions are in the classroom portal:",
           "start this lab in the portal"),
    "fr": ("Commencer cet exercice", "Vos propres fichiers et questions sont dans le portail de la classe :",
           "commencer cet exercice dans le portail"),
}


def _language(page) -> str:
    """`labs/x.fr.md` is French, `labs/x.md` is English (the i18n plugin's suffix layout)."""
    suffixes = PurePosixPath(page.file.src_uri).suffixes
    return suffixes[-2].lstrip(".") if len(suffixes) > 1 else "en"


def portal_box(portal_url: str, lab_id: str, language: str) -> str:
    title, text, link = WORDS.get(language, WORDS["en"])
    return f'!!! handson "{title}"\n    {text} [{link}]({portal_url.rstrip("/")}/labs/{lab_id}).\n'


def on_page_markdown(markdown, page, config, files):
    portal_url = config.extra.get("portal_url")
    lab_id = page.meta.get("lab")
    if not portal_url or not lab_id:
        return markdown
    lines = markdown.split("\n")
    title = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)   # the box goes under it
    box = portal_box(str(portal_url), str(lab_id), _language(page))
    return "\n".join(lines[:title + 1] + ["", box] + lines[title + 1:])
