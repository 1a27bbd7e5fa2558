"""How the report and the terminal speak of a family the indicators point to.

A family seen only through its sales website (indicator role "website") is not an app found on the phone:
reading about stalkerware is what frightened people do. Such a family is told as what was seen, "Visited
the sales website of MirrorSpy", never as "Family: MirrorSpy", which reads as an accusation.
"""

from __future__ import annotations

from stalkerlab.common.shown_as_data import as_data

WEBSITE_ONLY_WORDS = ("Many people look up such apps; a visit to the website is not a sign that the app is on "
                      "the phone.")


def website_only(report: dict, family: dict) -> bool:
    """Whether every indicator of `family` that the findings matched is one of its websites."""
    roles = {f["indicator"]["role"] for f in report["findings"]
             if f["indicator"] and f["indicator"]["family"] == family["name"]}
    return roles == {"website"}


def family_line(report: dict, family: dict) -> str:
    """One plain-text line about `family` for the terminal, evidence shown as data."""
    name = as_data(family["name"])
    if website_only(report, family):
        return f"Visited the sales website of {name} (a {as_data(family['type'])} app). {WEBSITE_ONLY_WORDS}"
    return f"Family: {name} ({as_data(family['type'])}, confidence {as_data(family['confidence'])})"
