"""Every word of the portal in English and French: the catalogue covers every message of the templates, the
web code and the store, the compiled catalogue is the current one, and the pages say which language they are in."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import stalkerlab.web

WEB = Path(stalkerlab.web.__file__).resolve().parent
STORE = WEB.parents[1] / "labs" / "store"
CATALOGUE = WEB / "translations" / "fr" / "LC_MESSAGES"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def messages_in_code() -> set[str]:
    found = set()
    for folder in (WEB, STORE):
        for _file, _line, message, _comments, _context in extract_from_dir(folder, METHODS, keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_french_translation():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        french = {m.id: m.string for m in read_po(handle, locale="fr") if m.id}
    missing = sorted(m for m in messages_in_code() if not french.get(m))
    assert not missing, f"add to {CATALOGUE / 'messages.po'} and compile (pybabel compile -d translations): {missing}"


def test_the_compiled_catalogue_is_the_current_one():
    with open(CATALOGUE / "messages.po", "rb") as po, open(CATALOGUE / "messages.mo", "rb") as mo:
        source = {m.id: m.string for m in read_po(po, locale="fr") if m.id}
        compiled = {m.id: m.string for m in read_mo(mo) if m.id}
    assert compiled == source, "run: pybabel compile -d stalkerlab/web/translations"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_pages_come_in_the_chosen_language_and_say_so(portal):
    client = portal.test_client()
    french = client.get("/join?lang=fr").get_data(as_text=True)
    assert '<html lang="fr">' in french and "Rejoindre votre classe" in french
    english = client.get("/join?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Join your classroom" in english
    browser_french = portal.test_client().get("/join", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert "Rejoindre votre classe" in browser_french.get_data(as_text=True)
