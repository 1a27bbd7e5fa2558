"""report.html from real reports: plain summary and safety note before the technical annex, nothing to
load from anywhere, every finding and piece of evidence in the annex, and a timeline chart whose markers
are where the report says things happened."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from stalkerlab.detector.pipeline import DetectInputs, run_detection
from stalkerlab.detector.reports import render_html
from stalkerlab.simulator.simulate import prepare_scenario, simulate

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="session")
def phone(stalkerware_phone):
    return stalkerware_phone[0]


@pytest.fixture(scope="module")
def full_report(phone) -> dict:
    return run_detection(DetectInputs(phone / "capture.pcap", phone / "device", phone / "stimuli.json"))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def _panels(page: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", page, flags=re.S)]


def test_the_summary_comes_first_in_plain_words(full_report):
    page = render_html(full_report)
    annex = page.index("Technical annex")
    for text in ("Signs of stalkerware were found", "What this means", "What this does not mean",
                 "Before changing anything", "safety plan", "does not mean you did anything wrong"):
        assert page.index(text) < annex, text
    summary = page[:page.index("Timeline")]
    for jargon in ("frame ", "SHA-256", "rule", "indicator feed", "C2", "IOC"):
        assert jargon not in summary, jargon


def test_nothing_found_is_not_called_safe_or_clean(tmp_path):
    simulate(prepare_scenario("tracker-sdk"), 2, tmp_path, duration_min=12)
    report = run_detection(DetectInputs(tmp_path / "capture.pcap", tmp_path / "device", tmp_path / "stimuli.json"))
    assert report["verdict"] == "no-indicators"
    summary = render_html(report).split("Technical annex")[0]
    assert "not proof that the phone is free of monitoring" in summary
    assert "shared accounts" in summary and "Before changing anything" in summary
    assert "clean" not in summary.lower() and "is safe" not in summary


def test_the_page_loads_nothing(full_report):
    page = render_html(full_report)
    tags = _tags(page)
    assert not [t for t, _ in tags if t in ("script", "link", "img", "iframe", "object", "embed")]
    assert not [a for _, a in tags if {"src", "href", "srcset"} & set(a)]
    assert "url(" not in page and "@import" not in page


def test_the_annex_shows_every_finding_with_its_evidence_and_the_manifest(full_report):
    page = render_html(full_report)
    annex = page[page.index("Technical annex"):]
    for finding in full_report["findings"]:
        assert f"<code>{finding['rule_id']}</code>" in annex
        for evidence in finding["evidence"]:
            assert f"<code>{evidence['ref']}</code>" in annex
    assert "dumpsys.txt:" in annex and "frame " in annex
    for item in full_report["manifest"]["inputs"] + full_report["manifest"]["feeds"]:
        assert item["sha256"] in annex
    for row in full_report["observations"]["dns"]:
        assert row["name"] in annex
    assert full_report["manifest"]["tool"]["version"] in annex


def test_the_chart_has_a_panel_for_the_install_story_and_one_for_the_capture(full_report):
    page = render_html(full_report)
    panels = _panels(page)
    assert len(panels) == 2 and "later" in page[page.index("Timeline"):page.index("Technical annex")]
    for svg in panels:
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and desc is not None and "UTC" in desc.text
        labels = [t.text for t in svg.iter(f"{SVG}text")]
        for lane in ("What the person did", "Contacts with flagged servers", "Data sent out (uploads)",
                     "Changes on the phone"):
            assert any(label and label.startswith(lane) for label in labels), lane
    install, capture = panels
    installed = next(r for r in full_report["timeline"] if "installed" in r["what"])
    assert installed["ref"] in ET.tostring(install, encoding="unicode")
    actions = [s["action"] for s in full_report["stimuli"]]
    capture_labels = [t.text for t in capture.iter(f"{SVG}text")]
    assert all(a in capture_labels for a in actions)


def _marker_times(svg: ET.Element, noun: str) -> list[tuple[float, str]]:
    """(x, title) of every marker group whose title names the lane `noun`."""
    out = []
    for g in svg.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title").text
        if f" {noun}: " not in title:
            continue
        path, circle = g.find(f"{SVG}path"), g.find(f"{SVG}circle")
        out.append((float(path.get("d")[1:].split()[0]) if path is not None else float(circle.get("cx")), title))
    return sorted(out)


def test_uploads_are_drawn_after_the_actions_they_follow(full_report):
    capture = _panels(render_html(full_report))[1]
    actions = _marker_times(capture, "Action")
    uploads = _marker_times(capture, "Upload")
    upload_frames = {e["ref"] for f in full_report["findings"] if f["rule_id"] == "net.flow.upload_after_action"
                     for e in f["evidence"]}
    assert len(actions) == len(full_report["stimuli"]) and len(uploads) == len(upload_frames)
    assert all(any(ref in title for ref in upload_frames) for _, title in uploads)
    # each upload sits right of an action and left of the next one (actions are minutes apart)
    for (action_x, _), next_action in zip(actions, actions[1:] + [(float("inf"), "")], strict=True):
        assert sum(1 for x, _ in uploads if action_x <= x < next_action[0]) == 1


def test_the_same_report_gives_the_same_page_and_no_clock_time(full_report):
    page = render_html(full_report)
    assert page == render_html(full_report)
    today = datetime.now(timezone.utc)
    assert today.strftime("%Y-%m-%d") not in page and f"{today.day} {today.strftime('%B')} {today.year}" not in page


def test_a_device_only_report_says_what_was_not_recorded(phone):
    report = run_detection(DetectInputs(device=phone / "device"))
    page = render_html(report)
    assert "internet traffic was not recorded" in page
    panels = _panels(page)
    labels = [t.text for svg in panels for t in svg.iter(f"{SVG}text")]
    assert "Contacts with flagged servers — no network recording" in labels
    assert "What the person did — not recorded" in labels
    numbered = [t.text for svg in panels for t in svg.iter(f"{SVG}text") if t.text and t.text.isdigit()]
    device_rows = [r for r in report["timeline"] if r["source"] == "device"]
    assert device_rows and numbered == [str(i) for i in range(1, len(device_rows) + 1)]


@pytest.mark.slow
def test_a_vendor_site_visit_is_told_as_a_visit_not_as_a_family(run_cli, tmp_path):
    """Issue 10: after reading a vendor's site, `detect` said "Family: MirrorSpy (confidence low)"."""
    phone = tmp_path / "phone"
    assert run_cli("simulate", "vendor-website-visit", "--seed", "3", "--out", phone)[0] == 0
    code, out, err = run_cli("detect", "--pcap", phone / "capture.pcap", "--device", phone / "device",
                             "--stimuli", phone / "stimuli.json", "--out", tmp_path / "r", "--no-pdf")
    assert code == 0, err
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["verdict"] == "no-indicators" and [f["name"] for f in report["families"]] == ["MirrorSpy"]
    assert "Visited the sales website of MirrorSpy" in out and "Family:" not in out
    summary = (tmp_path / "r" / "report.html").read_text().split("Technical annex")[0]
    assert "The phone visited the sales website of <bdi>MirrorSpy</bdi>" in summary
    assert "Apps we recognised" not in summary and "not a sign that the app is on the phone" in summary


def test_a_family_found_on_the_phone_is_still_named(full_report):
    summary = render_html(full_report).split("Technical annex")[0]
    assert "<h2>Apps we recognised</h2>" in summary and "<bdi>MirrorSpy</bdi>, a stalkerware app" in summary
    assert "Websites visited" not in summary
