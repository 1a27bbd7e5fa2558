"""Hypothesis over the device side through run_detection: AndroidQF artefacts mutated one at a time in a
folder, and zips whose bytes are mutated. The bar: a report whose failed checks name their artefact, or a
one-line error naming the acquisition; never another exception."""

from __future__ import annotations

import json
from datetime import timedelta

from capture_builders import mutated
from fuzz_regressions.targets import ARTEFACTS, device_folder, device_zip, seed_acquisition, stimuli, zip_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=60, deadline=timedelta(milliseconds=2000),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SEEDS = seed_acquisition()

# Text that parsers meet in damaged or foreign acquisitions: control characters, lone surrogates written
# as UTF-8 would be, NUL, BOMs, CR-only lines, very long tokens.
odd_text = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200),
    st.sampled_from((b"\xef\xbb\xbf", b"\xff\xfe", b"\x00" * 50, b"\r" * 20, b"\xed\xa0\x80", b"x" * 5000,
                     b"{" * 3000, b"[" * 3000, b'"' * 100, b"1e400", b"-0", b"NaN", b"Infinity")),
).map(lambda v: v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v)


@st.composite
def damaged_artefacts(draw) -> bytes:
    """A seed artefact with edits, or odd text spliced into one: first byte picks which (see ARTEFACTS)."""
    name = draw(st.sampled_from([n for n in SEEDS if n in ARTEFACTS]))
    content = SEEDS[name]
    if draw(st.booleans()):
        content = draw(mutated(content, kinds=("byte", "cut", "insert")))
    else:
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(odd_text) + content[at:]
    return bytes([ARTEFACTS.index(name)]) + content


@FUZZ
@given(damaged_artefacts())
def test_damaged_artefacts(tmp_path, data):
    device_folder(data, tmp_path)


@FUZZ
@given(st.sampled_from(range(len(ARTEFACTS))), odd_text)
def test_odd_text_as_any_artefact(tmp_path, which, text):
    device_folder(bytes([which]) + text, tmp_path)


@FUZZ
@given(mutated(zip_bytes(SEEDS), kinds=("byte", "length16", "cut", "insert"), max_edits=4))
def test_mutated_zips(tmp_path, data):
    device_zip(data, tmp_path)


@st.composite
def stimuli_files(draw) -> bytes:
    value = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                      st.sampled_from(("2026-03-14T10:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                       "2026-02-30T10:00:00", "20260314T100000Z", "2026-03-14")))
    action = st.dictionaries(st.sampled_from(("time", "action", "note")), value, max_size=3)
    body = draw(st.one_of(st.lists(st.one_of(action, value), max_size=4).map(lambda a: {"actions": a}), value))
    return json.dumps(body, allow_nan=True).encode()


@FUZZ
@given(st.one_of(stimuli_files(), odd_text))
def test_stimuli_files(tmp_path, data):
    stimuli(data, tmp_path)
