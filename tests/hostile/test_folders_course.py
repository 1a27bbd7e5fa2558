"""Issue 8, data loss: `course build --out DIR` used to delete everything in DIR (`--out .` in a checkout
deleted the checkout, .git included). Now it refuses a folder that is not its own and any folder holding
the course; the SCORM and QTI zips replace only a zip the same command made."""

from __future__ import annotations

import importlib.util
import shutil
import zipfile
from pathlib import Path

import pytest
from stalkerlab.course.layout import CourseLayout

from tests.hostile.test_folders_simulate import MARKER, tree

needs_course_tools = pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("mkdocs", "material", "mkdocs_quiz", "mkdocs_static_i18n")),
    reason="the course build needs mkdocs, mkdocs-material, mkdocs-quiz and mkdocs-static-i18n")


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A source checkout as an author has it: .git, the course with its mkdocs.yml, other work."""
    root = tmp_path / "stalkerware-lab"
    shutil.copytree(CourseLayout.find().course_dir, root / "course",
                    ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / "README.md").write_text("unsaved work\n")
    return root


def test_build_into_the_checkout_itself_is_refused_and_deletes_nothing(run_cli, checkout, monkeypatch):
    before = tree(checkout)
    monkeypatch.chdir(checkout)
    code, _, err = run_cli("course", "--config", "course/mkdocs.yml", "build", "--out", ".")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "holds the input given as the course" in err
    assert tree(checkout) == before
    code, _, err = run_cli("course", "--config", "course/mkdocs.yml", "build", "--out", ".", "--force")
    assert code == 2 and tree(checkout) == before                   # --force never overrides the input rule
    assert sorted(p.name for p in checkout.parent.iterdir()) == ["stalkerware-lab"]


def test_build_into_a_folder_of_other_files_is_refused(run_cli, checkout, tmp_path):
    site = tmp_path / "usb-stick"
    site.mkdir()
    (site / "lesson-plan.odt").write_bytes(b"the instructor's plan")
    code, _, err = run_cli("course", "--config", checkout / "course/mkdocs.yml", "build", "--out", site)
    assert code == 2 and "did not make" in err and "--force" in err
    assert [p.name for p in site.iterdir()] == ["lesson-plan.odt"]


def test_build_inside_the_course_is_refused(run_cli, checkout):
    code, _, err = run_cli("course", "--config", checkout / "course/mkdocs.yml", "build", "--out",
                           checkout / "course" / "docs" / "site")
    assert code == 2 and "lies inside the input given as the course" in err
    assert not (checkout / "course" / "docs" / "site").exists()


@pytest.mark.slow
@needs_course_tools
def test_a_rebuild_replaces_only_its_own_files(run_cli, checkout, tmp_path):
    config = checkout / "course/mkdocs.yml"
    site = tmp_path / "site"
    assert run_cli("course", "--config", config, "build", "--out", site)[0] == 0
    (site / "README-for-the-classroom.txt").write_text("mine")
    (site / "index.html").write_text("edited by hand")            # its own file: rebuilt
    code, _, err = run_cli("course", "--config", config, "build", "--out", site)
    assert code == 0, err
    assert (site / "README-for-the-classroom.txt").read_text() == "mine"
    assert "edited by hand" not in (site / "index.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "stalkerware-lab"]
    # and with --force into somebody else's folder, theirs stay
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("theirs")
    assert run_cli("course", "--config", config, "build", "--out", other, "--force")[0] == 0
    assert (other / "keep.txt").read_text() == "theirs" and (other / "index.html").is_file()
    # the SCORM package of a built site leaves the folder's marker out
    assert run_cli("course", "--config", config, "scorm", "--site", site, "--out", tmp_path / "c.zip")[0] == 0
    with zipfile.ZipFile(tmp_path / "c.zip") as archive:
        assert f"site/{MARKER}" not in archive.namelist() and "site/README-for-the-classroom.txt" in archive.namelist()


@needs_course_tools
def test_a_zip_replaces_only_a_zip_the_same_command_made(run_cli, checkout, tmp_path):
    config = checkout / "course/mkdocs.yml"
    target = tmp_path / "quiz.zip"
    target.write_bytes(b"PK\x05\x06" + bytes(18))                   # somebody's (empty) zip
    code, _, err = run_cli("course", "--config", config, "qti", "--out", target, "--track", "police")
    assert code == 2 and "not made by stalkerlab course qti" in err and target.read_bytes()[:4] == b"PK\x05\x06"
    assert run_cli("course", "--config", config, "qti", "--out", target, "--track", "police", "--force")[0] == 0
    first = target.read_bytes()
    assert zipfile.ZipFile(target).comment == b"made by stalkerlab course qti"
    assert run_cli("course", "--config", config, "qti", "--out", target, "--track", "police")[0] == 0
    assert target.read_bytes() == first                              # its own: replaced, same bytes
    code, _, err = run_cli("course", "--config", config, "scorm", "--out", target)
    assert code == 2 and "not made by stalkerlab course scorm" in err
    assert not [p for p in tmp_path.iterdir() if ".stalkerlab-" in p.name]


@needs_course_tools
def test_a_killed_writers_temporary_zip_is_removed_and_a_live_ones_kept(run_cli, checkout, tmp_path):
    import fcntl

    dead = tmp_path / ".quiz.zip.stalkerlab-part-dead01"          # what kill -9 mid-write leaves
    dead.write_bytes(b"PK half a zip")
    live = tmp_path / ".quiz.zip.stalkerlab-part-live01"          # another writer, still at work
    live.write_bytes(b"PK")
    with open(live, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, _, err = run_cli("course", "--config", checkout / "course/mkdocs.yml", "qti", "--out",
                               tmp_path / "quiz.zip", "--track", "police")
        assert code == 0, err
    assert not dead.exists() and live.exists()


def test_a_zip_inside_an_input_is_refused(run_cli, checkout, tmp_path):
    site = tmp_path / "built"
    site.mkdir()
    (site / "index.html").write_text("<html></html>")
    code, _, err = run_cli("course", "--config", checkout / "course/mkdocs.yml", "scorm", "--site", site,
                           "--out", site / "course.zip")
    assert code == 2 and "lies inside the input given as --site" in err and not (site / "course.zip").exists()
    code, _, err = run_cli("course", "--config", checkout / "course/mkdocs.yml", "qti", "--out",
                           checkout / "course" / "docs" / "quiz.zip")
    assert code == 2 and "lies inside the input given as the course" in err
