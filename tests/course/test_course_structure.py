"""Fast checks on the course source: every module has its parts, and no text puts removal before safety."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from stalkerlab.course.structure import (
    agenda_problems,
    check_course,
    command_problems,
    module_pages,
    page_durations,
    reference_problems,
    safety_problems,
    sections,
    structure_problems,
)

MODULES = [
    "00-orientation", "01-what-stalkerware-is", "02-safety-planning", "03-intake", "04-phone-state",
    "05-network-traffic", "06-accounts-and-cloud", "07-documentation", "08-law-and-process",
    "09-safe-remediation", "10-capstone",
]
INSTRUCTOR_PAGES = ["running-a-workshop", "authoring", "grading", "facilitating-safely"]
# Every page is translated (tests/course/test_course_languages.py checks all of them); these are also run
# through the module rules below.
TRANSLATED = {"fr": [f"modules/{m}.md" for m in MODULES]}

GOOD_MODULE = """---
title: A module
---
# A module

## Learning outcomes {#outcomes}

- first outcome
- second outcome

## Worked example {#worked-example}

""" + "Word " * 45 + """

## Hands-on {#hands-on}

!!! handson "Lab"
    ```bash
    stalkerlab simulate benign-busy-phone --seed 1 --out lab/x
    ```

## Self-check {#self-check}

""" + "".join(f"""
<quiz>
Question {n}?
- [x] right
  > Yes.
- [ ] wrong
  > Because.
</quiz>
""" for n in range(5)) + """

## What to do next {#next}

!!! next "What to do next"
    - Go on.
"""


def scenario_ids() -> set[str] | None:
    try:
        from stalkerlab.simulator.world.catalogue import Catalogue
    except ImportError:
        return None
    return set(Catalogue().scenario_ids())


def test_every_module_and_instructor_page_exists(layout):
    docs = layout.docs_dir
    missing = [f"modules/{m}.md" for m in MODULES if not (docs / "modules" / f"{m}.md").is_file()]
    missing += [f"instructors/{p}.md" for p in INSTRUCTOR_PAGES if not (docs / "instructors" / f"{p}.md").is_file()]
    assert not missing


MODULE_PAGES = ([f"modules/{m}.md" for m in MODULES] + [f"instructors/{p}.md" for p in INSTRUCTOR_PAGES]
                + [f"modules/{Path(p).stem}.{lang}.md" for lang, pages in TRANSLATED.items()
                   for p in pages if p.startswith("modules/")])


@pytest.mark.parametrize("page", MODULE_PAGES)
def test_module_structure(layout, page):
    problems = structure_problems(layout.docs_dir / page, page, scenario_ids())
    assert not problems, "\n".join(map(str, problems))


def test_whole_course_passes_the_rules(layout):
    problems = check_course(layout.docs_dir, scenario_ids())
    assert not problems, "\n".join(map(str, problems))
    assert len(module_pages(layout.docs_dir)) == 2 * (len(MODULES) + len(INSTRUCTOR_PAGES))  # English and French


def test_translated_pages_exist(layout):
    for lang, pages in TRANSLATED.items():
        for page in pages:
            assert (layout.docs_dir / page.replace(".md", f".{lang}.md")).is_file(), f"{page} has no {lang} version"


def test_good_module_passes_and_each_missing_part_is_reported(tmp_path):
    page = tmp_path / "m.md"
    page.write_text(GOOD_MODULE)
    assert structure_problems(page, "m.md", {"benign-busy-phone"}) == []

    def problems_after(old: str, new: str) -> list[str]:
        page.write_text(GOOD_MODULE.replace(old, new, 1))
        return [p.message for p in structure_problems(page, "m.md", {"benign-busy-phone"})]

    assert any("{#outcomes}" in m for m in problems_after("## Learning outcomes {#outcomes}", "## Outcomes"))
    assert any("no `stalkerlab` command" in m for m in problems_after("stalkerlab simulate", "echo"))
    assert any("unknown scenario" in m for m in problems_after("benign-busy-phone", "made-up-scenario"))
    assert any("unknown command" in m for m in problems_after("stalkerlab simulate", "stalkerlab erase"))
    assert any("has no feedback" in m for m in problems_after("- [ ] wrong\n  > Because.", "- [ ] wrong"))
    assert any("4 questions" in m for m in problems_after("<quiz>\nQuestion 0?", "<notaquiz>\nQuestion 0?"))
    assert any("'!!! next'" in m for m in problems_after('!!! next "What to do next"', "Next:"))
    assert any("worked example" in m for m in problems_after("Word " * 45, "Short."))


@pytest.mark.parametrize("text", [
    "Delete the app straight away.",
    "You should remove the stalkerware immediately.",
    "We recommend a factory reset of the phone.",
    "Then confront him with the report.",
    "- [x] Uninstall it now",
    "??? success \"Remove it together\"",
    "Il faut supprimer l'application tout de suite.",
])
def test_safety_rule_catches_unsafe_advice(text):
    assert safety_problems(text, "page.md"), text


@pytest.mark.parametrize("text", [
    "Do not remove the app before there is a safety plan.",
    "Remove the app only once the safety plan covers the abuser's reaction.",
    "- [ ] Delete it now\n  > Removal can alert the abuser.",
    "??? option \"Option A: Delete it now\"",
    "Removal can alert the abuser and destroy evidence.",
    "```bash\nrm -rf lab/m0  # delete the lab folder\n```",
])
def test_safety_rule_allows_guarded_or_rejected_text(text):
    assert safety_problems(text, "page.md") == []


def test_no_page_advises_removal_before_safety_planning(layout):
    problems = []
    for page in sorted(layout.docs_dir.rglob("*.md")):
        problems += safety_problems(page.read_text(encoding="utf-8"), page.name)
    assert not problems, "\n".join(map(str, problems))


def test_safety_module_comes_before_any_module_about_changing_the_phone(layout):
    class TaggedLoader(yaml.SafeLoader):  # mkdocs.yml uses MkDocs' own tags (!relative), not needed here
        pass

    TaggedLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
    nav = yaml.load(layout.config_file.read_text(encoding="utf-8"), Loader=TaggedLoader)["nav"]
    order = re.findall(r"modules/(\d\d)-", str(nav))
    assert order.index("02") < order.index("04") < order.index("09")


def test_tracks_are_consistent_with_their_landing_pages(layout):
    tracks = layout.tracks()
    assert [t.id for t in tracks] == ["police", "support-workers", "instructors"]
    for track in tracks:
        landing = (layout.docs_dir / track.landing).read_text(encoding="utf-8")
        for page in track.pages:
            assert Path(page).name in landing, f"{track.landing} does not link to {page}"


def test_every_reference_link_points_to_an_entry(layout):
    references = (layout.docs_dir / "references.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r"\{#([a-z0-9-]+)\}", references))
    used = set()
    for page in layout.docs_dir.rglob("*.md"):
        used |= set(re.findall(r"references\.md#([a-z0-9-]+)", page.read_text(encoding="utf-8")))
    assert used, "no page cites the references"
    assert used <= anchors, f"citations without a reference entry: {sorted(used - anchors)}"
    for required in ("cas", "kaspersky-sos-2023", "nnedv-safetynet", "echap", "eu-directive", "istanbul"):
        assert required in anchors


def test_no_diagram_would_load_mermaid_from_the_internet(layout):
    # Material's bundle fetches mermaid from unpkg.com only when a page contains a mermaid diagram.
    for page in layout.docs_dir.rglob("*.md"):
        assert "```mermaid" not in page.read_text(encoding="utf-8"), page


def test_every_page_is_in_the_navigation(layout):
    config = layout.config_file.read_text(encoding="utf-8")
    for page in layout.source_pages("en"):
        rel = page.relative_to(layout.docs_dir).as_posix()
        assert rel in config, f"{rel} is not in the nav of mkdocs.yml"


def test_a_positive_worked_example_needs_its_own_safety_box(tmp_path):
    modules = tmp_path / "modules"
    modules.mkdir()
    page = modules / "m.md"
    positive = "The verdict is `stalkerware`: the app sends every photo to its server. " + "Word " * 40
    page.write_text(GOOD_MODULE.replace("Word " * 45, positive))
    assert any("positive finding without" in p.message for p in structure_problems(page, "modules/m.md"))
    boxed = positive + '\n\n!!! safety "Plan first"\n    Nothing changes on the phone before a safety plan.\n'
    page.write_text(GOOD_MODULE.replace("Word " * 45, boxed))
    assert structure_problems(page, "modules/m.md") == []
    # instructor pages talk about learners' verdicts, not about a person in danger
    page.write_text(GOOD_MODULE.replace("Word " * 45, positive))
    assert structure_problems(page, "instructors/m.md") == []


def test_every_worked_example_with_a_positive_result_carries_a_safety_box(layout):
    positive = [p for p in layout.docs_dir.glob("modules/*.md")
                if "!!! safety" in sections(p.read_text(encoding="utf-8")).get("worked-example", "")]
    names = {p.name for p in positive}
    assert {"05-network-traffic.md", "08-law-and-process.md", "10-capstone.md"} <= names


def test_references_must_name_the_page_and_every_citation_an_entry(tmp_path):
    docs = tmp_path / "docs"
    (docs / "modules").mkdir(parents=True)
    (docs / "references.md").write_text(
        "### Good {#good}\nA report. <https://example.org/reports/2023/page.html>\n\n"
        "### Home {#home}\nA site. <https://example.org/>\n\n### Bare {#bare}\nNo link.\n")
    (docs / "modules" / "m.md").write_text("See [this](../references.md#good) and [that](../references.md#gone).")
    messages = [str(p) for p in reference_problems(docs)]
    assert any("'home' links to a home page" in m for m in messages)
    assert any("'bare' links to no page" in m for m in messages)
    assert any("modules/m.md: cites references.md#gone" in m for m in messages)
    assert not any("'good'" in m for m in messages)


def test_shared_snippets_follow_the_safety_rule(course_copy):
    snippet = course_copy.course_dir / "includes" / "guided-capture-protocol.md"
    assert "Decide whether to do it at all" in snippet.read_text(encoding="utf-8")
    snippet.write_text(snippet.read_text(encoding="utf-8") + "\nThen uninstall the app straight away.\n")
    problems = check_course(course_copy.docs_dir)
    assert any(p.file.startswith("includes/guided-capture-protocol.md") for p in problems)


def test_the_guided_capture_protocol_keeps_its_caveats(layout):
    # Module 5 asks a person to use a possibly monitored phone: the protocol must keep every caveat.
    protocol = (layout.course_dir / "includes" / "guided-capture-protocol.md").read_text(encoding="utf-8")
    for caveat in ("whether to do it at all", "safety plan", "Location sharing", "neutral", "may be seen",
                   "Stop at any time"):
        assert caveat in protocol, caveat
    module = (layout.docs_dir / "modules" / "05-network-traffic.md").read_text(encoding="utf-8")
    assert '--8<-- "guided-capture-protocol.md"' in module
    assert "take a photo, send a message, open a map" not in module


def _run_stalkerlab(*argv: str) -> None:
    from stalkerlab.cli import main

    assert main(list(argv)) == 0, argv


@pytest.mark.slow
def test_module_4_worked_example_gives_the_times_the_report_shows(layout, tmp_path, monkeypatch):
    # The worked example quotes the report of Lab 4's own commands; run them and compare, row by row.
    monkeypatch.chdir(tmp_path)
    _run_stalkerlab("simulate", "stalkerware-tls12-self-signed", "--seed", "7", "--out", "lab/m4-a")
    _run_stalkerlab("detect", "--device", "lab/m4-a/device", "--out", "lab/m4-a/report", "--no-pdf")
    report = json.loads((tmp_path / "lab/m4-a/report/report.json").read_text(encoding="utf-8"))
    example = sections((layout.docs_dir / "modules/04-phone-state.md").read_text(encoding="utf-8"))["worked-example"]
    rows = re.findall(r"^\| (\d\d:\d\d:\d\d) \| (.+?) \| `([^`]+)` \|$", example, re.M)
    assert len(rows) == 3
    timeline = {(r["time"][11:19], r["ref"]): r["what"] for r in report["timeline"]}
    for time, what, ref in rows:
        assert (time, ref) in timeline, f"{time} {ref} is not in the report's timeline"
        assert what.replace("`", "") == timeline[(time, ref)]
    enabled = [r for r in report["timeline"] if "accessibility service found switched on" in r["what"]]
    assert enabled and "Android keeps no time for when it was enabled" in enabled[0]["what"]
    assert "Android keeps no time for when it was enabled" in example


@pytest.mark.slow
def test_lab_7_asks_for_the_feed_version_the_report_shows(layout, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _run_stalkerlab("simulate", "stalkerware-raw-ip", "--seed", "7", "--out", "lab/m7")
    _run_stalkerlab("detect", "--pcap", "lab/m7/capture.pcap", "--out", "lab/m7/report", "--no-pdf")
    feed = json.loads((tmp_path / "lab/m7/report/report.json").read_text(encoding="utf-8"))["manifest"]["feeds"][0]
    assert (feed["source"], feed["date"], feed["commit"]) == ("built-in", None, None)
    hands_on = sections((layout.docs_dir / "modules/07-documentation.md").read_text(encoding="utf-8"))["hands-on"]
    assert f"`{feed['source']}`" in hands_on and "`null`" in hands_on and "SHA-256" in hands_on


AGENDAS = {"tracks/police.md": 3, "tracks/support-workers.md": 2, "tracks/instructors.md": 1}


def agenda_tables(text: str) -> list[list[list[str]]]:
    """The tables with a Minutes column, as rows of cells (header and separator left out)."""
    tables, rows = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif rows:
            if [c.lower() for c in rows[0]].count("minutes"):
                tables.append(rows[2:])
            rows = []
    return tables


@pytest.mark.parametrize("page, expected", AGENDAS.items())
def test_every_agenda_adds_up(layout, page, expected):
    text = (layout.docs_dir / page).read_text(encoding="utf-8")
    tables = agenda_tables(text)
    assert len(tables) == expected
    for rows in tables:
        header_index = next(i for i, c in enumerate(rows[-1]) if c.strip("* ").isdigit())
        minutes = [int(row[header_index].strip("* ")) for row in rows]
        assert sum(minutes[:-1]) == minutes[-1], rows[-1]
    assert agenda_problems(text, page, layout.docs_dir / page, page_durations(layout.docs_dir)) == []


def test_police_workshop_days_fit_their_hours(layout):
    text = (layout.docs_dir / "tracks/police.md").read_text(encoding="utf-8")
    days = agenda_tables(text)
    assert [int(rows[-1][1].strip("*")) for rows in days] == [450, 450, 450]  # 09:00 to 16:30 each
    taught = {m for rows in days[1:] for m in re.findall(r"modules/(\d\d)-", str(rows))}
    assert taught == {f"{n:02d}" for n in range(11)}  # the two-day workshop teaches every module


def test_an_overbooked_agenda_is_reported(layout):
    page = layout.docs_dir / "tracks/police.md"
    overbooked = """### Day 2 (09:00 to 12:00)

| Start | Minutes | Session |
|---|--:|---|
| 09:00 | 65 | [Module 5](../modules/05-network-traffic.md) |
| 10:05 | 35 | [Module 7](../modules/07-documentation.md) |
| 10:40 | 10 | Break |
| 10:55 | 40 | [Module 10](../modules/10-capstone.md) |
| | **160** | **Total** |
"""
    messages = [p.message for p in agenda_problems(overbooked, "police.md", page, page_durations(layout.docs_dir))]
    assert "65 minutes for pages that take 75" in messages
    assert "40 minutes for pages that take 90" in messages
    assert any("starts at 10:55" in m for m in messages)
    assert any("agenda rows add up to 150 minutes, the Total row says 160" in m for m in messages)
    assert any("the heading says 09:00 to 12:00" in m for m in messages)
    missing_total = overbooked.replace("| | **160** | **Total** |\n", "")
    assert any("no Total row" in p.message for p in agenda_problems(missing_total, "p.md", page, {}))


@pytest.mark.parametrize("block", [
    "```bash\nsha256sum lab/m7/capture.pcap > lab/m7/acquisition.sha256\n```",
    "```text\nfind lab/m7/device -type f -exec sha256sum {} +\n```",
    "```\nfor s in a b; do stalkerlab simulate $s --out x; done\n```",
    "    ```text\n    stalkerlab detect --pcap a.pcap \\\n        --out b\n    ```",
    "```text\nstalkerlab simulate x --out lab/x && stalkerlab detect --pcap lab/x/capture.pcap --out r\n```",
])
def test_shell_only_commands_are_reported(block):
    assert command_problems(block, "page.md"), block


def test_every_command_in_the_course_is_portable(layout):
    problems = []
    for page in sorted(layout.docs_dir.rglob("*.md")):
        problems += command_problems(page.read_text(encoding="utf-8"), page.name)
    assert not problems, "\n".join(map(str, problems))
    assert command_problems("```yaml\nid: my-scenario\n```\n```text\nstalkerlab scenarios --long\n```", "p.md") == []


COUNTRY_PAGES = ["france", "germany", "spain", "italy", "england-wales", "ireland"]
OFFICIAL_SOURCES = {"france": "legifrance.gouv.fr", "germany": "gesetze-im-internet.de", "spain": "boe.es",
                    "italy": "normattiva.it", "england-wales": "legislation.gov.uk",
                    "ireland": "irishstatutebook.ie"}


@pytest.mark.parametrize("country", COUNTRY_PAGES)
def test_country_page_says_it_is_not_legal_advice_and_cites_the_official_text(layout, country):
    text = (layout.docs_dir / "jurisdictions" / f"{country}.md").read_text(encoding="utf-8")
    assert "Not legal advice" in text and "Checked 2026-12" in text
    for heading in ("## Offences that may fit", "## What a victim can ask for", "## Who to call"):
        assert heading in text, heading
    references = (layout.docs_dir / "references.md").read_text(encoding="utf-8")
    offence_rows = [line for line in sections_by_title(text)["## Offences that may fit"].splitlines()
                    if line.startswith("| ") and not line.startswith("| What happened")]
    assert offence_rows
    for row in offence_rows:
        anchors = re.findall(r"references\.md#([a-z0-9-]+)", row)
        assert anchors, f"{country}: an offence without a source: {row[:60]}"
        entries = [references.split("{#" + anchor + "}", 1)[1].split("\n### ", 1)[0] for anchor in anchors]
        assert any(OFFICIAL_SOURCES[country] in entry for entry in entries), f"{anchors}: no official text"
    assert re.search(r"references\.md#helpline-", sections_by_title(text)["## Who to call"])


def sections_by_title(text: str) -> dict[str, str]:
    parts = re.split(r"^(## .*)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_new_pages_are_in_the_navigation_and_the_tracks_print_them(layout):
    config = layout.config_file.read_text(encoding="utf-8")
    for page in ["guides/acquisition.md", "guides/accounts-step-by-step.md", "guides/real-reports.md",
                 "handouts/incident-log.md", "handouts/what-the-report-means.md", "handouts/referral-sheet.md",
                 *[f"jurisdictions/{c}.md" for c in COUNTRY_PAGES]]:
        assert page in config, page
    printed = {page for track in layout.tracks() for page in track.print_also}
    assert {"handouts/incident-log.md", "handouts/what-the-report-means.md", "handouts/referral-sheet.md",
            "guides/acquisition.md", "guides/accounts-step-by-step.md"} <= printed


@pytest.mark.slow
def test_real_reports_guide_says_what_the_reports_show(layout, tmp_path, monkeypatch):
    # The guide quotes two reports of the real detector; run the commands it shows and compare.
    guide = (layout.docs_dir / "guides/real-reports.md").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for line in re.findall(r"^stalkerlab .*$", guide, re.M):
        _run_stalkerlab(*line.split()[1:], *(["--no-pdf"] if " detect " in f" {line} " else []))
    busy = json.loads((tmp_path / "lab/real-a/report/report.json").read_text(encoding="utf-8"))
    assert busy["verdict"] == "no-indicators"
    notes = next(f for f in busy["findings"] if f["subject"] == "sync.jotter-notes-example.app")
    assert notes["level"] == "medium" and "heuristic" in notes["tags"]
    assert f"`sync.jotter-notes-example.app` every {notes['title'].split()[-2]} seconds" in guide
    for explanation in notes["benign_explanations"]:
        assert f'"{explanation.rstrip(".")}"' in guide
    visit = json.loads((tmp_path / "lab/real-b/report/report.json").read_text(encoding="utf-8"))
    assert visit["verdict"] == "no-indicators"
    assert [(f["name"], f["confidence"]) for f in visit["families"]] == [("MirrorSpy", "low")]
    assert '"confidence": "low"' in guide
    titles = {f["title"] for f in visit["findings"] if f["indicator"]}
    assert titles == {"The phone visited the sales website of MirrorSpy"}
    assert "The phone visited the sales website of MirrorSpy" in guide
    html = (tmp_path / "lab/real-b/report/report.html").read_text(encoding="utf-8")
    shown = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Websites visited The phone visited the sales website of MirrorSpy , which sells a stalkerware app" in shown
