"""`stalkerlab simulate` end to end: determinism, per-seed variation, atomic output, one-line errors,
real-family mode."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml


def digest_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files_and_seeds_differ(run_cli, tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        code, out, err = run_cli("simulate", "stalkerware-tls12-self-signed", "--seed", seed,
                                 "--out", tmp_path / name, "--duration", "3")
        assert code == 0, err
    a, b, c = (digest_tree(tmp_path / n) for n in "abc")
    assert a == b
    assert {"capture.pcap", "truth.json", "stimuli.json", "device/packages.json", "device/dumpsys.txt"} <= set(a)
    assert a["capture.pcap"] != c["capture.pcap"] and a["device/packages.json"] != c["device/packages.json"]
    ta = json.loads((tmp_path / "a" / "truth.json").read_text())
    tc = json.loads((tmp_path / "c" / "truth.json").read_text())
    assert ta["phone"] != tc["phone"] and ta["capture"]["start"] != tc["capture"]["start"]


def test_pcapng_carries_the_synthetic_comment(run_cli, tmp_path):
    code, _, err = run_cli("simulate", "short-idle-capture", "--out", tmp_path / "o", "--pcapng")
    assert code == 0, err
    data = (tmp_path / "o" / "capture.pcapng").read_bytes()
    assert data[:4] == b"\x0a\x0d\x0d\x0a" and b"synthetic training data" in data


def test_an_unwritable_output_folder_is_a_one_line_error(run_cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, out, err = run_cli("simulate", "short-idle-capture", "--out", blocker / "out")
    assert code == 2 and str(blocker) in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_bad_scenario_file_leaves_nothing_behind(run_cli, tmp_path):
    bad = tmp_path / "s.yml"
    bad.write_text("id: s\ntitle: x\nduration: 1m\nclock_start: 2026-01-01T00:00:00Z\nexpected_verdict: maybe\n"
                   "explanation: none\n")
    code, _, err = run_cli("simulate", bad, "--out", tmp_path / "o")
    assert code == 2 and "expected_verdict" in err and str(bad) in err
    assert not (tmp_path / "o").exists()
    assert not list(tmp_path.glob(".o.stalkerlab-*"))


def test_existing_output_is_replaced_whole(run_cli, tmp_path):
    out = tmp_path / "o"
    assert run_cli("simulate", "short-idle-capture", "--out", out, "--seed", 1)[0] == 0
    first = digest_tree(out)
    assert run_cli("simulate", "short-idle-capture", "--out", out, "--seed", 2)[0] == 0
    second = digest_tree(out)
    assert set(first) == set(second) and first["capture.pcap"] != second["capture.pcap"]


@pytest.mark.slow
def test_demo_says_where_the_files_are_and_what_they_show(run_cli, tmp_path):
    code, out, err = run_cli("demo", "--out", tmp_path / "demo")
    assert code == 0, err
    truth = json.loads((tmp_path / "demo" / "truth.json").read_text())
    assert str((tmp_path / "demo" / "capture.pcap").resolve()) in out
    assert "Expected verdict: stalkerware" in out and truth["family"] in out
    for domain in truth["c2"]["domains"]:
        assert domain in out


def test_version(run_cli):
    with pytest.raises(SystemExit) as done:
        run_cli("--version")
    assert done.value.code == 0


@pytest.mark.slow
def test_real_family_mode_uses_the_feed_entry(run_cli, tmp_path, shared_dir):
    feed = shared_dir / "echap" / "ioc.yaml"
    entries = yaml.safe_load(feed.read_text())
    entry = next(e for e in entries if e.get("packages") and (e.get("c2") or {}).get("domains"))
    code, _, err = run_cli("simulate", "stalkerware-https-sni", "--out", tmp_path / "r", "--duration", "6",
                           "--feed", feed, "--family", entry["name"])
    assert code == 0, err
    truth = json.loads((tmp_path / "r" / "truth.json").read_text())
    assert truth["family"] == entry["name"] and truth["package"] in entry["packages"]
    assert truth["c2"]["domains"] and set(truth["c2"]["domains"]) <= set(entry["c2"]["domains"])
    packages = json.loads((tmp_path / "r" / "device" / "packages.json").read_text())
    assert any(p["name"] == truth["package"] for p in packages)


def test_real_family_mode_with_an_unknown_name(run_cli, tmp_path, shared_dir):
    code, _, err = run_cli("simulate", "stalkerware-https-sni", "--out", tmp_path / "r",
                           "--feed", shared_dir / "echap" / "ioc.yaml", "--family", "NoSuchSpy")
    assert code == 2 and "no app named 'NoSuchSpy'" in err
