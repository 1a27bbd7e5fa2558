"""`stalkerlab course ...` through its argument parser: actions, outputs and one-line errors."""

from __future__ import annotations

import argparse
import importlib.util
import zipfile

import pytest

from stalkerlab.cli import COMMANDS, main
from stalkerlab.commands import cmd_course
from stalkerlab.common.errors import UserError


def run_course(*argv: str) -> int:
    """Until the lead lists "course" in stalkerlab.cli.COMMANDS, build the same parser the CLI would."""
    if "course" in COMMANDS:
        return main(["course", *argv])
    parser = argparse.ArgumentParser(prog="stalkerlab")
    cmd_course.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["course", *argv])
    try:
        return cmd_course.run(args)
    except UserError as exc:
        print(f"stalkerlab course: error: {exc}")
        return 2


def test_check_passes_on_the_course(capsys):
    assert run_course("check") == 0
    assert "pass the course rules" in capsys.readouterr().out


def test_check_fails_and_names_the_file_on_a_broken_course(course_copy, capsys):
    page = course_copy.docs_dir / "modules" / "09-safe-remediation.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nUninstall the app straight away.\n", encoding="utf-8")
    assert run_course("--config", str(course_copy.config_file), "check") == 1
    out = capsys.readouterr().out
    assert "modules/09-safe-remediation.md:" in out and "without safety planning" in out


@pytest.mark.skipif(not importlib.util.find_spec("mkdocs_quiz"), reason="the QTI export needs mkdocs-quiz")
def test_qti_action_writes_a_zip(tmp_path, capsys):
    out = tmp_path / "quiz.zip"
    assert run_course("qti", "--out", str(out), "--track", "police") == 0
    assert "QTI 1.2" in capsys.readouterr().out
    with zipfile.ZipFile(out) as zf:
        assert "imsmanifest.xml" in zf.namelist()


@pytest.mark.parametrize("argv, message", [
    (("qti", "--out", "quiz.txt"), "must be a .zip file"),
    (("scorm", "--out", "course.tar"), "must be a .zip file"),
    (("qti", "--out", "q.zip", "--track", "managers"), "no such track"),
    (("--config", "/nonexistent/mkdocs.yml", "check"), "no such MkDocs configuration"),
    (("serve", "--port", "70000"), "not a TCP port"),
])
def test_bad_input_is_one_line_error(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert run_course(*argv) == 2
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert message in text and "Traceback" not in text
    assert len([line for line in text.splitlines() if "error" in line]) == 1


@pytest.mark.slow
def test_build_and_scorm_actions(tmp_path, capsys, built_site):
    assert run_course("build", "--out", str(tmp_path / "site")) == 0
    assert (tmp_path / "site" / "index.html").is_file()
    assert run_course("scorm", "--out", str(tmp_path / "course.zip"), "--site", str(tmp_path / "site")) == 0
    out = capsys.readouterr().out
    assert "SCORM 1.2" in out and "police (" in out
    with zipfile.ZipFile(tmp_path / "course.zip") as zf:
        assert "scorm/launch-police.html" in zf.namelist()
