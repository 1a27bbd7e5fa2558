"""`stalkerlab iocs list|show|export` through the CLI (fictional feeds written per test)."""

from __future__ import annotations

import json
import re

import pytest
import stix2
from stalkerlab.detector.iocs import load_feeds

from tests.detector.test_iocs import ECHAP_YAML, SAMPLES_CSV


@pytest.fixture
def feed_dir(tmp_path):
    folder = tmp_path / "echap"
    folder.mkdir()
    (folder / "ioc.yaml").write_text(ECHAP_YAML)
    (folder / "samples.csv").write_text(SAMPLES_CSV)
    return folder


def test_list_shows_each_feed_with_hash_and_counts(run_cli, feed_dir):
    code, out, err = run_cli("iocs", "list", "--feed", feed_dir)
    assert code == 0, err
    assert "stalkerlab-training  (echap-yaml)" in out and "echap-ioc  (echap-yaml)" in out
    assert str(feed_dir / "ioc.yaml") in out and "1 entries skipped" in out
    code, out, _ = run_cli("iocs", "list", "--json", "--no-training", "--feed", feed_dir)
    feeds = json.loads(out)
    assert [f["name"] for f in feeds] == ["echap-ioc", "echap-samples"]
    assert feeds[1]["kinds"] == {"apk_sha256": 1} and re.fullmatch(r"[0-9a-f]{64}", feeds[0]["sha256"])


def test_show_by_alias_groups_by_role(run_cli, feed_dir):
    code, out, _ = run_cli("iocs", "show", "phonefake", "--feed", feed_dir)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "FakeSpy (stalkerware)" and "FakeSpy Pro" in lines[1]
    roles = [ln.strip() for ln in lines if ln.startswith("  ") and not ln.startswith("    ")][1:]
    assert roles == ["c2:", "distribution:", "website:", "package:", "certificate:", "apk:"]
    assert "203.0.113.9" in out and "aa" * 32 in out


def test_show_finds_the_families_a_format_names_itself(run_cli, tmp_path):
    """TinyCheck and host lists name no family: `iocs list` counts "unnamed (FILE)", so `show` finds it."""
    feed = tmp_path / "blocklist.txt"
    feed.write_text("c2.unnamed.example\n")
    code, out, err = run_cli("iocs", "show", "Unnamed (blocklist)", "--feed", feed)
    assert code == 0 and out.splitlines()[0] == "unnamed (blocklist) (stalkerware)" and "c2.unnamed.example" in out, err


def test_show_unknown_family_is_exit_2(run_cli):
    code, out, err = run_cli("iocs", "show", "NoSuchSpy")
    assert code == 2 and "NoSuchSpy: no family of that name" in err and "Traceback" not in err


def test_bad_feed_is_exit_2_one_line(run_cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"neither": true}')
    code, _, err = run_cli("iocs", "list", "--feed", bad)
    assert code == 2 and len(err.strip().splitlines()) == 1 and str(bad) in err


def test_stix_export_reloads_with_roles_families_and_types(run_cli, feed_dir, tmp_path):
    out_file = tmp_path / "out.stix2"
    code, _, err = run_cli("iocs", "export", "--format", "stix2", "--out", out_file, "--feed", feed_dir)
    assert code == 0, err
    original = load_feeds([feed_dir])
    again = load_feeds([out_file], training=False)
    strip = {(i.value, i.kind, i.role, i.family, i.family_type) for i in original.all()}
    assert {(i.value, i.kind, i.role, i.family, i.family_type) for i in again.all()} == strip
    assert again.family("PhoneFake") == "FakeSpy" and again.match_ip("203.0.113.77")   # CIDR kept
    # written without the stix2 library, checked with it: every object and pattern is valid STIX 2.1
    bundle = stix2.parse(out_file.read_text(), allow_custom=True, version="2.1")
    assert len(bundle.objects) == len(json.loads(out_file.read_text())["objects"]) > 10
    # the same set exports to the same ids: two exports diff cleanly
    code, first, _ = run_cli("iocs", "export", "--format", "stix2", "--feed", feed_dir)
    ids = sorted(o["id"] for o in json.loads(first)["objects"])
    assert ids == sorted(o["id"] for o in json.loads(out_file.read_text())["objects"])


def test_tinycheck_export_reloads(run_cli, feed_dir, tmp_path):
    out_file = tmp_path / "tc.json"
    assert run_cli("iocs", "export", "--format", "tinycheck", "--out", out_file, "--feed", feed_dir)[0] == 0
    again = load_feeds([out_file], training=False)
    assert again.feeds[0].format == "tinycheck-json"
    assert again.match_domain("x.api.fakespy.example") and again.match_ip("203.0.113.50")
    assert again.match_cert_sha1("ABCDEF0123456789ABCDEF0123456789ABCDEF01")
    assert again.match_domain("x.api.mirrorsync.example")[0].family_type == "stalkerware"
    assert not again.match_package("com.fakespy.agent")      # TinyCheck has no package indicators


def _rule_matches(rule: str, buffer: str, name: str) -> bool:
    """What Suricata does with `BUFFER; dotprefix; content:"X"; [nocase;] endswith;`."""
    m = re.search(rf'{re.escape(buffer)}; dotprefix; content:"([^"]+)"(; nocase)?; endswith;', rule)
    return bool(m) and ("." + name.lower()).endswith(m.group(1))


def test_suricata_rules_match_on_label_boundaries(run_cli, feed_dir):
    code, out, _ = run_cli("iocs", "export", "--format", "suricata", "--feed", feed_dir, "--no-training")
    assert code == 0
    rules = [ln for ln in out.splitlines() if ln and not ln.startswith("#")]
    sids = [int(re.search(r"sid:(\d+);", r).group(1)) for r in rules]
    assert len(set(sids)) == len(sids) and all(r.endswith("rev:1;)") for r in rules)
    c2 = [r for r in rules if '".api.fakespy.example"' in r]
    assert {r.split()[1] for r in c2} == {"dns", "tls", "http"}
    dns = next(r for r in c2 if r.startswith("alert dns"))
    assert _rule_matches(dns, "dns.query", "api.fakespy.example")
    assert _rule_matches(dns, "dns.query", "x.API.fakespy.example")
    assert not _rule_matches(dns, "dns.query", "evilapi.fakespy.example")
    assert any(r.startswith("alert ip $HOME_NET any -> [203.0.113.0/24] any") for r in rules)
    assert any('tls.cert_fingerprint; content:"ab:cd:ef:01' in r for r in rules)
    assert all(re.search(r'msg:"[^"]*";', r) for r in rules)


def test_export_into_a_missing_folder_is_exit_2(run_cli, tmp_path):
    code, _, err = run_cli("iocs", "export", "--format", "stix2", "--out", tmp_path / "no" / "x.json")
    assert code == 2 and "cannot write the export" in err


def test_real_echap_feed_exports_to_stix_and_back(run_cli, shared_dir, tmp_path):
    out_file = tmp_path / "echap.stix2"
    code, _, err = run_cli("iocs", "export", "--format", "stix2", "--no-training", "--out", out_file,
                           "--feed", shared_dir / "echap" / "watchware.yaml")
    assert code == 0, err
    original = load_feeds([shared_dir / "echap" / "watchware.yaml"], training=False)
    again = load_feeds([out_file], training=False)
    assert again.feeds[0].indicators == original.feeds[0].indicators
    assert {i.family_type for i in again.all()} == {"watchware"}
