"""Hostile indicator feeds (issue 8): exponential YAML aliases, nesting tens of thousands deep, monstrous STIX
patterns, files and entry counts beyond the limits. A broken feed file is refused with exit 2 and one line
naming it and the reason; one bad entry in a good feed is skipped and counted. Time and memory of the same
inputs are measured by `python benchmarks/bench_hostile.py --only feeds` (bars: 10 s, 400 MB)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

from benchmarks.hostile_cases.feeds import (
    detect_with_feed,
    many_ors,
    nested_parentheses,
    write_billion_laughs,
    write_deep_json,
    write_deep_yaml,
    write_folder_of_big_files,
    write_folder_of_small_files,
    write_host_list,
    write_stix_with_one_bad_pattern,
)


def _refused(code: int, err: str, path, reason: str) -> bool:
    line = err.strip()
    return code == 2 and "\n" not in line and str(path) in line and reason in line and "Traceback" not in line


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_billion_laughs_is_refused_in_bounded_memory(tmp_path):
    """466 bytes that expand to 387 million values: refused before anything walks them. Run in a process
    limited to 1 GiB of address space, since the failure this guards against took 2.2 GB."""
    feed = write_billion_laughs(tmp_path / "ioc.yaml")
    for args in (detect_with_feed(tmp_path, feed), ["iocs", "list", "--feed", str(feed)]):
        done = subprocess.run([sys.executable, "-m", "stalkerlab.cli", *args], capture_output=True, text=True,
                              timeout=120, preexec_fn=_limit_memory, env={**os.environ, "NO_COLOR": "1"})
        assert _refused(done.returncode, done.stderr, feed, "uses a YAML alias (*a0)"), done.stderr
    assert not (tmp_path / "report").exists()


def test_anchors_without_aliases_still_load(run_cli, tmp_path):
    feed = tmp_path / "ioc.yaml"
    feed.write_text("- name: Anchored\n  c2: &servers\n    domains: [c2.anchored.example]\n")
    code, out, err = run_cli("iocs", "show", "Anchored", "--feed", feed)
    assert code == 0 and "c2.anchored.example" in out, err


DEEP = {    # case -> (file name, writer, reason)
    "yaml-flow": ("ioc.yaml", write_deep_yaml, "nests deeper than 100 levels"),
    "yaml-block": ("ioc.yaml", lambda p: p.write_text("- " * 50_000 + "x\n"), "nests deeper than 100 levels"),
    "json-tinycheck": ("feed.json", write_deep_json, "JSON nests deeper than 100 levels"),
    "json-stix": ("feed.json", lambda p: p.write_text('{"type": "bundle", "objects": [{"type": "malware", "x": '
                                                      + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}]}"),
                  "JSON nests deeper than 100 levels"),
}


@pytest.mark.parametrize("case", DEEP)
def test_nesting_50000_deep_is_refused(run_cli, tmp_path, case):
    name, write, reason = DEEP[case]
    feed = tmp_path / name
    write(feed)
    for args in (detect_with_feed(tmp_path, feed), ["iocs", "list", "--feed", feed]):
        code, _, err = run_cli(*args)
        assert _refused(code, err, feed, reason), err


def test_brackets_inside_json_strings_are_not_nesting(run_cli, tmp_path):
    feed = tmp_path / "tc.json"
    feed.write_text(json.dumps({"iocs": [{"type": "domain", "tag": "[" * 5000 + "{" * 5000,
                                          "value": "c2.brackets.example"}]}))
    code, out, err = run_cli("iocs", "list", "--no-training", "--feed", feed)
    assert code == 0 and "1 indicators" in out, err


@pytest.mark.parametrize("pattern", [nested_parentheses(3000), many_ors(20_000)], ids=["3000-parentheses", "20000-ors"])
def test_one_monstrous_stix_pattern_is_skipped_and_counted(run_cli, tmp_path, pattern):
    feed = write_stix_with_one_bad_pattern(tmp_path / "evil.stix2", pattern)
    code, out, err = run_cli(*detect_with_feed(tmp_path, feed))
    assert code == 0, err
    entry = next(f for f in json.loads((tmp_path / "report" / "report.json").read_text())["manifest"]["feeds"]
                 if f["name"] == "evil")
    assert (entry["indicators"], entry["skipped"], entry["apps"]) == (3, 1, 1)
    code, out, err = run_cli("iocs", "list", "--no-training", "--feed", feed)
    assert code == 0 and "3 indicators, 1 families (3 domain); 1 entries skipped" in out, err
    code, out, err = run_cli("iocs", "show", "EvilSpy", "--feed", feed)
    assert code == 0 and "c3.evil.example" in out and "x.evil.example" not in out, err


def test_a_bundle_of_only_monstrous_patterns_is_refused(run_cli, tmp_path):
    feed = write_stix_with_one_bad_pattern(tmp_path / "evil.stix2", many_ors(20_000), good=0)
    code, _, err = run_cli("iocs", "list", "--feed", feed)
    assert _refused(code, err, feed, "no usable indicator in this STIX bundle (1 skipped)"), err


def test_a_feed_over_16_mib_is_refused_without_reading_it_all(run_cli, tmp_path):
    feed = tmp_path / "huge.txt"
    with open(feed, "wb") as f:      # sparse: takes no disk
        f.truncate(2 << 30)
    code, _, err = run_cli(*detect_with_feed(tmp_path, feed))
    assert _refused(code, err, feed, "is larger than 16 MiB"), err


@pytest.mark.slow
def test_feeds_of_more_than_100000_values_together_are_refused(run_cli, tmp_path):
    """Two host lists of 50,000 names: each loads alone, not both."""
    folder = tmp_path / "feeds"
    folder.mkdir()
    first, second = (write_host_list(folder / f"{n}.txt", 50_000) for n in (1, 2))
    assert run_cli("iocs", "list", "--no-training", "--feed", first)[0] == 0
    code, _, err = run_cli("iocs", "list", "--no-training", "--feed", folder)
    assert _refused(code, err, second, "brings the feeds loaded to more than 100,000 values"), err


def test_a_folder_of_many_files_is_bounded_as_a_whole(run_cli, tmp_path):
    folder = write_folder_of_big_files(tmp_path / "feeds")
    code, _, err = run_cli(*detect_with_feed(tmp_path, folder))
    assert _refused(code, err, folder / "part31.json", "brings the feeds loaded to more than 32 MiB"), err


def test_too_many_json_values_are_refused_before_parsing(run_cli, tmp_path):
    feed = tmp_path / "tc.json"
    feed.write_text('{"iocs": [' + ",".join(["[]"] * 1_000_001) + "]}")
    code, _, err = run_cli("iocs", "list", "--feed", feed)
    assert _refused(code, err, feed, "holds more than 1,000,000 JSON strings, arrays and objects"), err


@pytest.mark.slow
def test_yaml_of_more_than_100000_values_is_refused_while_parsed(run_cli, tmp_path):
    feed = tmp_path / "ioc.yaml"
    feed.write_text("- name: Many\n  packages: [" + ",".join(["[]"] * 100_001) + "]\n")
    code, _, err = run_cli("iocs", "list", "--no-training", "--feed", feed)
    assert _refused(code, err, feed, "brings the feeds loaded to more than 100,000 values (YAML values, objects, "
                    "entries or lines), more than this detector loads at once (line 2)"), err


def test_a_folder_of_more_than_256_files_is_refused(run_cli, tmp_path):
    folder = write_folder_of_small_files(tmp_path / "feeds", 300)
    code, _, err = run_cli("iocs", "list", "--feed", folder)
    assert _refused(code, err, folder, "more than 256 feed files, more than this detector loads at once"), err


@pytest.mark.parametrize("name,content,reason", [
    ("ioc.yaml", "- name: Dated\n  version: 2024-13-45\n", "is not usable YAML (month must be in 1..12)"),
    ("ioc.yaml", "- name: Big\n  packages: [!!int " + "9" * 5000 + "]\n", "is not usable YAML (Exceeds the limit"),
    ("ioc.yaml", "- &a name: Twice\n- &a name: Again\n", "is not valid YAML (line 2)"),
    ("tc.json", '{"iocs": [' + "9" * 5000 + "]}", "is not usable JSON (Exceeds the limit"),
    ("samples.csv", "SHA256,Package Name,Certificate,Version,App\n" + "a" * 200_000 + ",p,c,1,App\n",
     "samples.csv:2: not a samples.csv row (field larger than field limit"),
], ids=["impossible-date", "5000-digit-int", "duplicate-anchor", "5000-digit-json-number", "200k-csv-field"])
def test_values_the_parsers_cannot_hold_are_one_line_errors(run_cli, tmp_path, name, content, reason):
    feed = tmp_path / name
    feed.write_text(content)
    code, _, err = run_cli("iocs", "list", "--feed", feed)
    assert _refused(code, err, feed, reason), err


def test_odd_values_in_an_echap_app_are_skipped_and_counted(run_cli, tmp_path):
    feed = tmp_path / "ioc.yaml"
    feed.write_text("- name: Odd\n  packages: [com.odd.ok, [nested, list], {a: mapping}, 12345]\n"
                    "  c2: [not, a, mapping]\n"
                    "- name: [a, list]\n  packages: [com.unnamed.app]\n")
    code, out, err = run_cli("iocs", "list", "--no-training", "--feed", feed)
    assert code == 0 and "2 indicators, 1 families (2 package); 3 entries skipped" in out, err


def test_a_hostile_provenance_record_is_refused(run_cli, tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "ioc.yaml").write_text("- name: Fine\n  c2:\n    domains: [c2.fine.example]\n")
    (folder / "provenance.json").write_text("[" * 50_000 + "]" * 50_000)
    code, _, err = run_cli("iocs", "list", "--feed", folder)
    assert _refused(code, err, folder / "provenance.json", "JSON nests deeper than 100 levels"), err
    (folder / "provenance.json").write_text(json.dumps({"commit": {"not": "text"}, "files": ["a", "list"]}))
    code, out, err = run_cli("iocs", "list", "--feed", folder)
    assert code == 0 and "commit:" not in out, err
