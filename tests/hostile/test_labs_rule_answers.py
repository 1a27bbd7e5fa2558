"""Hostile rule answers (issue 8): a learner's rule is parsed and run on the shared server, so whatever is
typed into the answer box is refused or judged quickly, in one line, and never costs an attempt when it is
not a rule."""

from __future__ import annotations

import time

import pytest
from stalkerlab.labs.answer_types import MAX_ANSWER_CHARS
from stalkerlab.labs.checking import UNREADABLE, WRONG, check
from stalkerlab.labs.definition import find_lab
from stalkerlab.labs.expected import Expected

SECONDS = 1.0


@pytest.fixture(scope="module")
def task():
    return find_lab("unknown-family-rule").task("rule")


@pytest.fixture(scope="module")
def key() -> Expected:
    names = [f"host{i}.example" for i in range(2000)]   # a busy capture: thousands of records to run on
    own = {"dns": [{"name": "t2.owl-metrics.example"}] + [{"name": n} for n in names],
           "destination": [{"label": n, "beacon_count": i % 9} for i, n in enumerate(names)]}
    return Expected({"targets": ["t2.owl-metrics.example"], "own": own, "quiet": []})


def _alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


HOSTILE = {
    "alias bomb": _alias_bomb(),
    "deep nesting": "[" * 1500 + "]" * 1500,
    "many values": "detection: [" + ", ".join(["1"] * 1900) + "]\n",
    "a tab and control characters": "id:\tx\x00\x07\n",
    "a huge condition": ("id: lab.x\ntitle: t\nlevel: low\nlogsource: {stream: dns}\nexplanation: e\n"
                         "detection:\n  s: {name: a}\n  condition: " + " or ".join(["s"] * 600) + "\n"),
    "catastrophic pattern": ("id: lab.x\ntitle: t\nlevel: low\nlogsource: {stream: dns}\nexplanation: e\n"
                             "detection: {s: {name|re: '^(a|aa)+$'}, condition: s}\n"),
    "binary noise": bytes(range(256)).decode("latin-1") * 10,
    "a long list tried many times": ("id: lab.x\ntitle: t\nlevel: low\nlogsource: {stream: dns}\nexplanation: e\n"
                                     "detection:\n  s: {name: [" + ", ".join(f"n{i}.example" for i in range(90))
                                     + "]}\n  condition: s or s or s or s\n"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_rule_text_is_answered_quickly_in_one_line(task, key, name):
    started = time.perf_counter()
    result = check(task, key, HOSTILE[name][:MAX_ANSWER_CHARS])
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS, f"{name}: {elapsed:.2f} s"
    assert result.status in (UNREADABLE, WRONG) and "\n" not in result.message, result
    if result.status == UNREADABLE:
        assert not result.counts_as_attempt


def test_an_answer_over_the_limit_is_refused_before_it_is_parsed(task, key):
    result = check(task, key, "# " + "x" * MAX_ANSWER_CHARS)
    assert result.status == UNREADABLE and "too long" in result.message
