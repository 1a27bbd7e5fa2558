"""Answer normalisation: what a learner may type differently and still be right, and what is refused."""

from __future__ import annotations

import pytest
from stalkerlab.labs.answer_types import Unreadable, normalise, score_set, split_items, within


@pytest.mark.parametrize(("kind", "typed", "normal"), [
    ("domain", "Cp.MirrorSync.Example.", "cp.mirrorsync.example"),
    ("domain", "https://up.mirrorsync.example/upload?x=1", "up.mirrorsync.example"),
    ("domain", "  münchen.example ", "xn--mnchen-3ya.example"),
    ("ip", "2001:0db8:0000::0001", "2001:db8::1"),
    ("ip", "[2001:db8::1]", "2001:db8::1"),
    ("ip", "198.51.100.6", "198.51.100.6"),
    ("mac", "82-93-FB-85-4A-9C", "82:93:fb:85:4a:9c"),
    ("mac", "8293.fb85.4a9c", "82:93:fb:85:4a:9c"),
    ("package", " com.Sys.Mirror.Helper ", "com.sys.mirror.helper"),
    ("sha256", "AB" * 32, "ab" * 32),
    ("integer", "1,426,942 bytes", 1426942),
    ("integer", "300 s", 300),
    ("integer", 300.0, 300),
    ("packet", "frame 146", 146),
    ("packet", "#7", 7),
    ("timestamp", "2026-03-15T09:02:07Z", 1773565327.0),
    ("timestamp", "2026-03-15 09:02:07", 1773565327.0),
    ("choice", " Watchware ", "watchware"),
])
def test_what_a_learner_may_type(kind, typed, normal):
    assert normalise(kind, typed) == normal


@pytest.mark.parametrize(("kind", "typed"), [
    ("domain", "not a domain!"), ("domain", ""), ("ip", "198.51.100.300"), ("mac", "82:93:fb"),
    ("package", "mirror"), ("sha256", "abc"), ("integer", "three hundred"), ("packet", "0"),
    ("timestamp", "yesterday"), ("integer", True),
])
def test_what_is_refused_says_what_shape_is_wanted(kind, typed):
    with pytest.raises(Unreadable) as refused:
        normalise(kind, typed)
    assert str(refused.value)


def test_tolerances_for_times_and_numbers():
    assert within("timestamp", 100.0, 100.9, 1) and not within("timestamp", 100.0, 101.5, 1)
    assert within("integer", 300, 330, "15%") and not within("integer", 300, 350, "15%")
    assert within("integer", 300, 305, 5) and not within("integer", 300, 306, 5)
    assert not within("domain", "a.example", "b.example", 5)


def test_partial_credit_for_a_set_never_rewards_listing_everything():
    assert score_set({"a", "b"}, {"a", "b"}).fraction == 1
    assert score_set({"a", "b"}, {"a"}).fraction == 0.5
    assert score_set({"a", "b"}, {"a", "x"}).fraction == 0
    assert score_set({"a", "b"}, {"a", "b", "x", "y", "z"}).fraction == 0


def test_list_items_by_line_comma_or_semicolon():
    assert split_items("a.example\n b.example; c.example,,") == ["a.example", "b.example", "c.example"]
