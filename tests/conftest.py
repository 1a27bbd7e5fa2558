"""Shared fixtures: the path of ../shared (skipping cleanly without it) and the CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from stalkerlab.cli import main

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project (it is developer material, not part of the product)")
    return SHARED


@pytest.fixture
def run_cli(capsys):
    """Run `stalkerlab ARGS...` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
