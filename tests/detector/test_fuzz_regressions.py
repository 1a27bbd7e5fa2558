"""Every input kept in fuzz_regressions/ replayed through its fuzz target: each once crashed the detector."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_regressions.targets import TARGETS

CORPUS = Path(__file__).parent / "fuzz_regressions"

# Crashes in detector/capture/reader.py and flows.py, which are being rewritten: strict, so that the
# fix shows up as a failure here and the marker is removed then.
READER_BUGS = {
    "capture/pcapng-interface-block-without-body.pcapng":
        "reader bug: an interface description block shorter than its 8-byte body raises struct.error",
    "capture/pcapng-enhanced-packet-block-shorter-than-its-header.pcapng":
        "reader bug: an enhanced packet block shorter than its 20-byte header raises struct.error",
    "capture/pcapng-simple-packet-block-without-body.pcapng":
        "reader bug: a simple packet block without its 4-byte length raises struct.error",
    "capture/pcapng-timestamp-after-year-9999.pcapng":
        "reader bug: a 64-bit pcapng timestamp in whole seconds is past year 9999 (OverflowError in iso())",
}


def _kept() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*/*") if p.parent.name != "__pycache__")


def _cases():
    for path in _kept():
        if path.parent.name not in TARGETS:
            continue
        key = f"{path.parent.name}/{path.name}"
        marks = [pytest.mark.xfail(strict=True, reason=READER_BUGS[key])] if key in READER_BUGS else []
        yield pytest.param(path, id=key, marks=marks)


@pytest.mark.parametrize("path", _cases())
def test_kept_crash_stays_fixed(path, tmp_path):
    TARGETS[path.parent.name](path.read_bytes(), tmp_path)


def test_every_kept_input_belongs_to_a_target():
    strays = [str(p.relative_to(CORPUS)) for p in _kept() if p.parent.name not in TARGETS]
    assert not strays, f"move these into a target folder ({', '.join(TARGETS)}): {strays}"
    assert set(READER_BUGS) <= {f"{p.parent.name}/{p.name}" for p in _kept()}
