"""Hostile text in indicator feeds (issue 8): a family name, alias, type, feed file name or provenance record
carrying terminal escape sequences, C1 controls, bidi overrides, line breaks or lone surrogates. `iocs list`
and `iocs show` print it as data (controls made visible), exports never carry it raw, and a line break can
never start a Suricata rule of the feed's choosing."""

from __future__ import annotations

import json
import re

import pytest

# clear the screen, home the cursor and print a fake all-clear in green; then C1 CSI, a bidi override, a
# line break and a zero-width joiner
HOSTILE = ("\x1b[2J\x1b[H\x1b[32mNo stalkerware found\x1b[0m\x9b31m\u202eFake\nalert ip any any -> any any (sid:1;)"
           "\u200d")
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def _no_raw_controls(text: str) -> bool:
    return RAW.search(text) is None


@pytest.fixture
def hostile_feed(tmp_path):
    """A feed folder: Echap YAML with the hostile family, alias and type, a provenance record with hostile
    text, and a STIX bundle whose malware name is a lone surrogate."""
    folder = tmp_path / "feed"
    folder.mkdir()
    app = [{"name": HOSTILE, "names": [f"alias {HOSTILE}"], "type": f"stalker{HOSTILE}",
            "packages": ["com.hostile.agent"], "c2": {"domains": ["c2.hostile.example", f"x{HOSTILE}.example"]}}]
    (folder / "ioc.yaml").write_text(json.dumps(app))    # JSON is YAML; every control written as an escape
    (folder / "provenance.json").write_text(json.dumps({"source": f"https://{HOSTILE}", "commit": HOSTILE,
                                                        "retrieved": HOSTILE}))
    return folder


def test_list_shows_controls_from_feed_and_provenance_as_data(run_cli, hostile_feed):
    code, out, err = run_cli("iocs", "list", "--feed", hostile_feed)
    assert code == 0, err
    assert _no_raw_controls(out)
    assert "commit: \\x1b[2J\\x1b[H\\x1b[32mNo stalkerware found" in out and "\\u202eFake\\nalert" in out
    # the indicator value with controls is not a domain: skipped and counted, never listed
    assert "1 domain, 1 package); 1 entries skipped" in out


def test_show_shows_family_alias_and_type_as_data(run_cli, hostile_feed):
    code, out, err = run_cli("iocs", "show", f"alias {HOSTILE}", "--feed", hostile_feed)
    assert code == 0, err
    assert _no_raw_controls(out)
    lines = out.splitlines()
    assert lines[0].startswith("\\x1b[2J\\x1b[H\\x1b[32mNo stalkerware found\\x1b[0m\\x9b31m\\u202eFake\\nalert")
    assert "also called: alias \\x1b[2J" in lines[1] and "c2.hostile.example" in out


def test_unknown_family_name_is_echoed_as_data(run_cli, hostile_feed):
    code, _, err = run_cli("iocs", "show", HOSTILE + "nope", "--feed", hostile_feed)
    assert code == 2 and _no_raw_controls(err) and len(err.strip().splitlines()) == 1


def test_a_feed_file_named_with_escapes_is_listed_as_data(run_cli, tmp_path):
    feed = tmp_path / "evil\x1b[2J\x9b.txt"
    feed.write_text("c2.named.example\n")
    code, out, err = run_cli("iocs", "list", "--no-training", "--feed", feed)
    assert code == 0 and _no_raw_controls(out) and "evil\\x1b[2J\\x9b" in out, err
    feed.write_text("not a host line\n")
    code, _, err = run_cli("iocs", "list", "--feed", feed)
    assert code == 2 and _no_raw_controls(err) and len(err.strip().splitlines()) == 1


def test_exports_carry_no_raw_controls_and_no_injected_rule(run_cli, hostile_feed):
    code, rules, err = run_cli("iocs", "export", "--format", "suricata", "--feed", hostile_feed)
    assert code == 0 and _no_raw_controls(rules), err
    # every line is a comment or one of this export's rules, numbered from 1,900,000: nothing injected
    body = [line for line in rules.splitlines() if not line.startswith("#")]
    assert body and all(line.startswith("alert ") and re.search(r"sid:19\d{5}; rev:1;\)$", line) for line in body)
    assert not any("sid:1;" in line for line in body)
    for fmt in ("stix2", "tinycheck"):
        code, text, err = run_cli("iocs", "export", "--format", fmt, "--feed", hostile_feed)
        assert code == 0 and _no_raw_controls(text), err
        json.loads(text)
    code, text, _ = run_cli("iocs", "export", "--format", "stix2", "--feed", hostile_feed)
    names = {o["name"] for o in json.loads(text)["objects"] if o["type"] == "malware"}
    assert HOSTILE in names           # the name itself is kept, escaped only in the JSON text


def test_a_lone_surrogate_in_a_stix_name_is_replaced_not_a_crash(run_cli, tmp_path):
    feed = tmp_path / "odd.stix2"
    feed.write_text('{"type": "bundle", "objects": [{"type": "malware", "id": "malware--1", "name": "Odd\\ud800",'
                    ' "aliases": ["\\udfff"]}, {"type": "indicator", "id": "indicator--1", "pattern_type": "stix",'
                    ' "pattern": "[domain-name:value=\'c2.odd.example\']"}, {"type": "indicator", "id":'
                    ' "indicator--2", "pattern_type": "stix", "pattern": "[domain-name:value=\'x\\ud800.example\']"}]}')
    code, out, err = run_cli("iocs", "show", "Odd\ufffd", "--no-training", "--feed", feed)
    assert code == 0 and "Odd\ufffd (stalkerware)" in out and "c2.odd.example" in out, err
    code, out, err = run_cli("iocs", "list", "--no-training", "--feed", feed)
    assert code == 0 and "1 indicators, 1 families (1 domain); 1 entries skipped" in out, err
    for fmt in ("stix2", "suricata", "tinycheck"):
        code, _, err = run_cli("iocs", "export", "--format", fmt, "--out", tmp_path / f"out.{fmt}", "--feed", feed)
        assert code == 0, err
