"""Feed loaders and the matcher, through load_feeds and IndicatorSet (fictional values; real feeds only
from ../shared at test time)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stalkerlab.detector.iocs import load_feeds

from stalkerlab.common.errors import UserError

ECHAP_YAML = """\
- name: FakeSpy
  names: [FakeSpy Pro, PhoneFake]
  type: stalkerware
  packages: [com.fakespy.agent]
  certificates: ["ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01"]
  websites: [fakespy.example]
  distribution: [dl.fakespy.example]
  c2:
    domains: [api.fakespy.example]
    ip: [203.0.113.9]
- name: OtherSpy
  type: stalkerware
  c2:
    ips: [203.0.113.0/24, "2001:db8::/32", not-an-address]
"""
SAMPLES_CSV = ("SHA256,Package Name,Certificate,Version,App\n"
               + "AA" * 32 + ",com.fakespy.agent,ABCDEF0123456789ABCDEF0123456789ABCDEF01,1,PhoneFake\n")


def stix_bundle(*objects) -> str:
    return json.dumps({"type": "bundle", "id": "bundle--0b7c0a1e-0f6c-4c2b-9a0e-1c1d2e3f4a5b",
                       "objects": list(objects)})


def malware(n: int, name: str) -> dict:
    return {"type": "malware", "spec_version": "2.1", "id": f"malware--00000000-0000-4000-8000-00000000000{n}",
            "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "name": name, "is_family": True}


def indicator(n: int, pattern: str) -> dict:
    return {"type": "indicator", "spec_version": "2.1", "id": f"indicator--00000000-0000-4000-8000-{n:012d}",
            "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "pattern": pattern,
            "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"}


def indicates(n: int, source: dict, target: dict) -> dict:
    return {"type": "relationship", "spec_version": "2.1",
            "id": f"relationship--00000000-0000-4000-8000-{n:012d}", "created": "2024-01-01T00:00:00Z",
            "modified": "2024-01-01T00:00:00Z", "relationship_type": "indicates",
            "source_ref": source["id"], "target_ref": target["id"]}


@pytest.fixture
def echap_dir(tmp_path) -> Path:
    folder = tmp_path / "echap"
    folder.mkdir()
    (folder / "ioc.yaml").write_text(ECHAP_YAML)
    (folder / "samples.csv").write_text(SAMPLES_CSV)
    return folder


def test_echap_folder_roles_aliases_misspelt_ip_and_samples(echap_dir):
    s = load_feeds([echap_dir], training=False)
    assert [f.name for f in s.feeds] == ["echap-ioc", "echap-samples"]
    assert {h.role for h in s.match_domain("x.api.fakespy.example")} == {"c2", "website"}
    assert [h.role for h in s.match_domain("dl.fakespy.example")] == ["distribution", "website"]
    assert not s.match_domain("notfakespy.example")
    assert s.match_ip("203.0.113.9")[0].family == "FakeSpy"        # `c2.ip`, Echap's misspelling
    assert s.match_package("com.fakespy.agent")[0].role == "package"
    assert s.match_cert_sha1("ABCDEF0123456789ABCDEF0123456789ABCDEF01")[0].kind == "cert_sha1"
    # the sample names the app by an alias; the hash is attributed to the family
    hit, = s.match_apk_hash("aa" * 32)
    assert (hit.family, hit.kind, hit.role, hit.feed) == ("FakeSpy", "apk_sha256", "apk", "echap-samples")
    assert s.match_apk_hash("AA" * 32) and not s.match_apk_hash("bb" * 32)
    assert s.feeds[0].skipped == 1 and s.feeds[0].apps == 2


def test_cidr_networks_match_addresses_inside_only(echap_dir):
    s = load_feeds([echap_dir], training=False)
    assert [h.kind for h in s.match_ip("203.0.113.200")] == ["cidr"]
    assert [h.value for h in s.match_ip("2001:db8::1:2")] == ["2001:db8::/32"]
    assert {h.family for h in s.match_ip("203.0.113.9")} == {"FakeSpy", "OtherSpy"}
    assert not s.match_ip("203.0.114.1") and not s.match_ip("2001:db9::1") and not s.match_ip("garbage")


def test_training_feed_keeps_its_families_and_omits_the_unknown_one():
    s = load_feeds()
    assert s.feeds[0].name == "stalkerlab-training" and s.feeds[0].indicators > 0
    assert s.match_domain("x.api.mirrorsync.example")[0].family == "MirrorSpy"
    assert not s.match_domain("telemetry.owl-metrics.example")
    assert s.family("mirrorspy pro") == "MirrorSpy"


def test_stix_bundle_families_patterns_and_skips(tmp_path):
    fam = malware(1, "FakeSpy")
    patterns = ["[domain-name:value='c2.fakespy.example']", "[ipv4-addr:value='198.51.100.7']",
                "[ipv6-addr:value = '2001:db8::7']", "[url:value='https://dl.fakespy.example/get.apk']",
                "[app:id='com.fakespy.agent']", "[app:cert.sha1='abcdef0123456789abcdef0123456789abcdef01']",
                "[file:hashes.sha256='" + "CC" * 32 + "']", "[file:hashes.'SHA-1'='" + "dd" * 20 + "']",
                "[file:name='fake.apk']", "[process:name='fakespyd']", "[email-addr:value='boss@fakespy.example']",
                "[domain-name:value='a.example' OR domain-name:value='b.example']",    # not single: skipped
                "[network-traffic:dst_port = 443]"]                                     # not accepted: skipped
    objects = [fam]
    for n, p in enumerate(patterns):
        objects += [indicator(n, p), indicates(n, indicator(n, p), fam)]
    path = tmp_path / "fake.stix2"
    path.write_text(stix_bundle(*objects))
    s = load_feeds([path], training=False)
    info, = s.feeds
    assert (info.format, info.indicators, info.skipped) == ("stix2", 11, 2)
    assert s.match_domain("x.c2.fakespy.example")[0].family == "FakeSpy"
    assert s.match_domain("dl.fakespy.example")[0].kind == "domain"         # the host of the URL
    assert s.match_ip("198.51.100.7") and s.match_ip("2001:db8:0::7")
    assert s.match_package("com.fakespy.agent") and s.match_cert_sha1("ABCDEF0123456789ABCDEF0123456789ABCDEF01")
    assert s.match_apk_hash("cc" * 32)[0].kind == "apk_sha256" and s.match_apk_hash("dd" * 20)[0].kind == "apk_sha1"
    assert info.kinds["email"] == 1 and info.kinds["process_name"] == 1


def test_real_stix_samples_load(shared_dir):
    folder = shared_dir / "mvt-artifacts" / "stix2"
    s = load_feeds([folder / "cytrox.stix2"], training=False)
    assert s.feeds[0].indicators == 343 and s.family("predator") == "Predator"
    some = next(iter(s.domains))
    assert s.match_domain("www." + some)[0].family == "Predator"
    # Amnesty's bundle has no malware objects and a bundle-level spec_version: the threat actor names it
    s = load_feeds([folder / "638cd3ee5e5f019f84f9e0ea.json"], training=False)
    assert s.feeds[0].indicators > 0 and {i.family for i in s.all()} == {"NSO"}


def test_tinycheck_feed(tmp_path):
    path = tmp_path / "tc.json"
    path.write_text(json.dumps({"iocs": [
        {"type": "domain", "tag": "stalkerware", "tlp": "white", "value": "c2.tinyspy.example"},
        {"type": "ip4addr", "tag": "stalkerware", "tlp": "white", "value": "192.0.2.44"},
        {"type": "ip6addr", "tag": "stalkerware", "tlp": "white", "value": "2001:db8::44"},
        {"type": "cidr", "tag": "watchware", "tlp": "white", "value": "198.51.100.0/25"},
        {"type": "sha1cert", "tag": "stalkerware", "tlp": "white", "value": "ab" * 20},
        {"type": "freedns", "tag": "suspect", "tlp": "white", "value": "ddns.example"}]}))
    s = load_feeds([path], training=False)
    assert s.feeds[0].format == "tinycheck-json" and s.feeds[0].skipped == 1
    assert s.match_domain("a.c2.tinyspy.example")[0].family == "unnamed (tc)"
    assert s.match_ip("192.0.2.44") and s.match_ip("2001:db8::44")
    assert s.match_ip("198.51.100.100")[0].family_type == "watchware" and not s.match_ip("198.51.100.200")
    assert s.match_cert_sha1("AB" * 20)[0].role == "certificate"


def test_real_tinycheck_and_hosts_files(shared_dir):
    gen = shared_dir / "echap" / "generated"
    s = load_feeds([gen / "indicators-for-tinycheck.json", gen / "hosts"], training=False)
    assert [f.format for f in s.feeds] == ["tinycheck-json", "host-list"]
    assert all(f.indicators > 100 for f in s.feeds)
    assert s.feeds[0].kinds.get("ipv4", 0) > 0


def test_host_lists_both_styles(tmp_path):
    path = tmp_path / "blocklist.txt"
    path.write_text("# a comment\n127.0.0.1 localhost\n0.0.0.0 c2.hostspy.example up.hostspy.example  # why\n"
                    "bare.hostspy.example\n\n203.0.113.0/28\n")
    s = load_feeds([path], training=False)
    assert s.feeds[0].indicators == 4
    assert s.match_domain("x.up.hostspy.example")[0].role == "c2"
    assert s.match_domain("bare.hostspy.example") and s.match_ip("203.0.113.5") and not s.match_domain("localhost")


@pytest.mark.parametrize("name,content,problem", [
    ("feed.json", '{"hello": 1}', "neither a STIX 2.1 bundle nor a TinyCheck feed"),
    ("feed.json", '{"iocs": [', "is not valid JSON"),
    ("feed.yaml", "name: [unclosed", "is not valid YAML"),
    ("feed.yaml", "just: a mapping\n", "expected Echap's ioc.yaml format"),
    ("list.txt", "ok.example\nthis is not a host line\n", "list.txt:2: not a host list line"),
    ("list.txt", "0.0.0.0 bad_name!.example\n", "is not a host name"),
    ("data.csv", "a,b\n1,2\n", "not Echap's samples.csv"),
    ("blob", "\0\1\2binary", "is a binary file"),
    ("empty.txt", "# nothing\n", "no host names or addresses"),
])
def test_bad_feeds_are_one_line_errors_naming_the_file(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(UserError) as err:
        load_feeds([path], training=False)
    message = str(err.value)
    assert str(path) in message and problem in message and "\n" not in message


def test_stix_bundle_with_no_usable_indicator_is_an_error(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text(stix_bundle(indicator(1, "[network-traffic:dst_port = 443]")))
    with pytest.raises(UserError, match="no usable indicator"):
        load_feeds([path], training=False)


def test_folder_without_feeds_and_missing_path(tmp_path):
    (tmp_path / "README.md").write_text("not a feed")
    with pytest.raises(UserError, match="no feed files in this folder"):
        load_feeds([tmp_path], training=False)
    with pytest.raises(UserError, match="no such feed file or folder"):
        load_feeds([tmp_path / "missing.yaml"], training=False)


def test_manifest_entry_carries_counts_and_provenance(shared_dir):
    s = load_feeds([shared_dir / "echap"], training=False)
    entry = s.feeds[0].as_dict()
    assert {"name", "format", "source", "sha256", "indicators", "apps", "date", "commit"} <= entry.keys()
    assert entry["name"] == "echap-ioc" and entry["apps"] == 147 and len(entry["sha256"]) == 64
    # ../shared/echap/PROVENANCE.txt names the commit the copy was taken at
    assert len(entry["commit"]) == 40 and entry["date"]
    assert s.feeds[-1].name == "echap-samples" and s.feeds[-1].indicators > 3000


def test_the_real_echap_feed_loads_with_its_counts(shared_dir):
    """The limits on hostile feeds (size, nesting, values, no YAML aliases) leave Echap's feed whole."""
    s = load_feeds([shared_dir / "echap"], training=False)
    assert [(f.name, f.indicators, f.apps, f.skipped, f.kinds) for f in s.feeds] == [
        ("echap-ioc", 2747, 147, 2, {"cert_sha1": 472, "domain": 1591, "ipv4": 68, "package": 616}),
        ("echap-watchware", 159, 27, 0, {"cert_sha1": 14, "domain": 114, "ipv4": 1, "package": 30}),
        ("echap-samples", 3228, 71, 0, {"apk_sha256": 3228})]


@pytest.mark.slow
def test_apk_hash_from_a_stix_feed_is_found_by_detect(run_cli, shared_dir, tmp_path):
    """End to end: an APK SHA-256 in a feed becomes a device finding, and the feed is in the manifest."""
    acquisition = shared_dir / "mvt-artifacts" / "androidqf"
    app = next(p for p in json.loads((acquisition / "packages.json").read_text()) if p["name"] == "com.malware.blah")
    digest = app["files"][0]["sha256"]
    fam = malware(1, "FakeSpy")
    ind = indicator(1, f"[file:hashes.sha256='{digest}']")
    feed = tmp_path / "apk.stix2"
    feed.write_text(stix_bundle(fam, ind, indicates(1, ind, fam)))
    code, _, err = run_cli("detect", "--device", acquisition, "--feed", feed, "--out", tmp_path / "report")
    assert code == 0, err
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    hits = [f for f in report["findings"] if f["rule_id"] == "dev.ioc.apk_hash"]
    assert [(f["subject"], f["indicator"]["family"], f["indicator"]["kind"]) for f in hits] == [
        ("com.malware.blah", "FakeSpy", "apk_sha256")]
    entry = next(f for f in report["manifest"]["feeds"] if f["name"] == "apk")
    assert entry["format"] == "stix2" and entry["indicators"] == 1 and len(entry["sha256"]) == 64


def test_the_shipped_training_feed_is_the_worlds_families_projected():
    """The detector ships its training feed as data; it must say what the simulator's families say."""
    from stalkerlab.detector.iocs.echap_yaml import TRAINING_FEED
    from stalkerlab.simulator.world.training_feed import training_feed_text

    assert TRAINING_FEED.read_text(encoding="utf-8") == training_feed_text(), (
        "regenerate: python -m stalkerlab.simulator.world.training_feed detector/iocs/training-feed.yaml")
