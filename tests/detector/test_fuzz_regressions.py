"""Every input kept in fuzz_regressions/ replayed through its fuzz target: each once crashed the detector."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_regressions.targets import TARGETS

CORPUS = Path(__file__).parent / "fuzz_regressions"

# Crashes that are not fixed yet: strict, so that a fix shows up as a failure here and the marker goes.
KNOWN_BUGS: dict[str, str] = {}


def _kept() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*/*") if p.parent.name != "__pycache__")


def _cases():
    for path in _kept():
        if path.parent.name not in TARGETS:
            continue
        key = f"{path.parent.name}/{path.name}"
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[key])] if key in KNOWN_BUGS else []
        yield pytest.param(path, id=key, marks=marks)


@pytest.mark.parametrize("path", _cases())
def test_kept_crash_stays_fixed(path, tmp_path):
    TARGETS[path.parent.name](path.read_bytes(), tmp_path)


def test_every_kept_input_belongs_to_a_target():
    strays = [str(p.relative_to(CORPUS)) for p in _kept() if p.parent.name not in TARGETS]
    assert not strays, f"move these into a target folder ({', '.join(TARGETS)}): {strays}"
    assert set(KNOWN_BUGS) <= {f"{p.parent.name}/{p.name}" for p in _kept()}
