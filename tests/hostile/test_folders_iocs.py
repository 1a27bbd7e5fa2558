"""Issue 8, data loss: `iocs update --dir DIR` used to replace DIR whole, `--dir FILE` replaced the file with
a folder and `--dir .` ended in an OSError traceback and a stray `..old-*` folder. The feed folder now follows
the rule of every command's folder. The source here is a local copy (--local): the folder rule is the same
whatever the source (tests/detector/test_iocs_update.py covers the downloads)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from stalkerlab.detector.iocs import load_feeds

from tests.detector.test_iocs import ECHAP_YAML
from tests.hostile.test_folders_simulate import MARKER, tree

WATCHWARE_YAML = "- name: ParentWatch\n  type: watchware\n  packages: [com.parentwatch.example]\n"


@pytest.fixture
def copy(tmp_path) -> Path:
    """A local copy of a feed, as someone would download it by hand."""
    folder = tmp_path / "downloaded"
    folder.mkdir()
    (folder / "ioc.yaml").write_text(ECHAP_YAML)
    return folder


def update(run_cli, copy: Path, dest, *extra):
    return run_cli("iocs", "update", "--source", copy, "--local", "--dir", dest, *extra)


def test_dir_that_is_a_file_is_refused_and_the_file_kept(run_cli, copy, tmp_path):
    target = tmp_path / "thesis.odt"
    target.write_bytes(b"a year of work")
    code, _, err = update(run_cli, copy, target)
    assert code == 2 and "exists and is not a folder" in err and err.count("\n") == 1
    assert target.read_bytes() == b"a year of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloaded", "thesis.odt"]


def test_dir_dot_is_refused_without_a_traceback_or_a_stray_folder(run_cli, copy, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "case-notes.txt").write_text("notes")
    monkeypatch.chdir(work)
    code, _, err = update(run_cli, copy, ".")
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1 and "did not make" in err
    assert tree(work) == {"case-notes.txt": hashlib.sha256(b"notes").hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloaded", "work"]


def test_dir_dot_in_an_empty_folder_becomes_the_feed_folder(run_cli, copy, tmp_path, monkeypatch):
    empty = tmp_path / "feed"
    empty.mkdir()
    monkeypatch.chdir(empty)
    code, _, err = update(run_cli, copy, ".")
    assert code == 0, err
    assert sorted(p.name for p in empty.iterdir()) == [MARKER, "ioc.yaml", "provenance.json"]
    assert update(run_cli, copy, ".")[0] == 0                          # its own folder now
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloaded", "feed"]


def test_a_foreign_folder_is_refused_and_force_keeps_what_is_not_the_feed(run_cli, copy, tmp_path):
    dest = tmp_path / "Documents"
    dest.mkdir()
    (dest / "letter.txt").write_text("keep me")
    (dest / "watchware.yaml").write_text(WATCHWARE_YAML)             # an older feed file of the same name
    before = tree(dest)
    code, _, err = update(run_cli, copy, dest)
    assert code == 2 and "did not make" in err and tree(dest) == before
    code, _, err = update(run_cli, copy, dest, "--force")
    assert code == 0, err
    assert (dest / "letter.txt").read_text() == "keep me"
    # feed files of the same names are the command's with --force: the old watchware.yaml does not stay to be
    # loaded with a feed it does not belong to
    assert sorted(p.name for p in dest.iterdir()) == [MARKER, "ioc.yaml", "letter.txt", "provenance.json"]
    assert json.loads((dest / MARKER).read_text())["files"] == ["ioc.yaml", "provenance.json"]


def test_a_feed_update_keeps_what_the_user_put_beside_it(run_cli, copy, tmp_path):
    dest = tmp_path / "echap"
    assert update(run_cli, copy, dest)[0] == 0
    (dest / "my-extra-hosts.txt").write_text("evil.example\n")
    (copy / "watchware.yaml").write_text(WATCHWARE_YAML)
    assert update(run_cli, copy, dest)[0] == 0
    assert (dest / "my-extra-hosts.txt").exists() and (dest / "watchware.yaml").exists()
    (copy / "watchware.yaml").unlink()
    assert update(run_cli, copy, dest)[0] == 0
    assert not (dest / "watchware.yaml").exists()                     # its own, no longer in the feed
    assert load_feeds([dest], training=False).match_package("com.fakespy.agent")


def test_an_export_never_overwrites_the_feed_it_was_made_from(run_cli, copy):
    feed = copy / "ioc.yaml"
    for out in (feed, copy / "export.json"):
        code, _, err = run_cli("iocs", "export", "--format", "stix2", "--no-training", "--feed", copy, "--out", out)
        assert code == 2 and "the input given as --feed" in err and err.count("\n") == 1
    assert feed.read_text() == ECHAP_YAML and [p.name for p in copy.iterdir()] == ["ioc.yaml"]
