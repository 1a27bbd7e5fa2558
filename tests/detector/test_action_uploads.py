"""Uploads after the person's actions (detector/analysis/action_uploads.py): an upload counts for the last
action before it, a run of uploads counts once, and the chance of a coincidence is measured against how much
of the capture the actions cover."""

from __future__ import annotations

import pytest
from stalkerlab.detector.analysis.action_uploads import ActionTimeline, follow
from stalkerlab.detector.stimuli import Stimulus

START, END = 1_000.0, 2_800.0          # a 30-minute capture


def timeline(*actions: tuple[float, str]) -> ActionTimeline:
    return ActionTimeline.of([Stimulus(START + t, a) for t, a in actions], START, END)


def flow(start: float, *bursts: tuple[float, int]) -> dict:
    return {"start": START + start, "bursts": [(START + t, b) for t, b in bursts]}


def test_overlapping_windows_are_counted_once_in_the_share():
    assert timeline((100, "photo"), (130, "sms")).window_share == round(90 / 1800, 3)
    assert timeline().window_share == 0.0


def test_one_upload_counts_for_the_last_action_before_it():
    tl = timeline((100, "browse"), (130, "photo"))
    result = follow([flow(120, (140, 5000))], tl)
    assert [s.action for s in result.actions] == ["photo"] and result.opened_after == "browse"


def test_a_run_of_uploads_seconds_apart_is_one_use_of_an_app():
    tl = timeline((100, "location"), (130, "message"), (160, "browse"))
    session = flow(102, *((t, 4000) for t in range(102, 220, 12)))
    result = follow([session], tl)
    assert [s.action for s in result.actions] == ["location"] and result.upload_sessions == 1


def test_uploads_after_separate_actions_in_a_quiet_capture_are_unlikely_by_chance():
    actions = [(t, "photo") for t in (200, 550, 830, 1130, 1490)]
    tl = timeline(*actions)
    uploads = follow([flow(t + 5, (t + 5, 900_000)) for t, _ in actions], tl)
    assert len(uploads.actions) == 5 and uploads.baseline_bursts == 0
    assert uploads.chance == pytest.approx(tl.window_share ** 5, rel=1e-3) and uploads.chance < 0.001
    beacons = [flow(t, (t, 600)) for t in range(0, 1800, 120)]
    c2 = follow(beacons + [flow(205, (205, 900_000)), flow(835, (835, 40_000))], tl)
    assert [s.time - START for s in c2.actions] == [200, 830] and c2.baseline_bursts > 10
    assert c2.upload_sessions == 2 and c2.chance == pytest.approx(tl.window_share ** 2, rel=1e-3)


def test_bursts_like_its_usual_traffic_are_not_uploads():
    tl = timeline((200, "sms"), (600, "call"))
    result = follow([flow(t, (t, 800)) for t in range(0, 1800, 300)], tl)
    assert result.actions == [] and result.upload_sessions == 0 and result.chance == 1.0


def test_thousands_of_bursts_do_not_overflow_the_chance():
    tl = timeline(*((t, "video") for t in range(0, 1800, 100)))
    busy = follow([flow(0, *((t / 4, 5000) for t in range(7200)))], tl)
    assert 0.0 <= busy.chance <= 1.0
