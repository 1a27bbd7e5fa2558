"""stimuli.json as the detector reads it: times in UTC, actions and optional notes."""

from __future__ import annotations

import json

from stalkerlab.detector.stimuli import load_stimuli


def test_a_missing_or_null_note_is_empty_not_the_word_none(tmp_path):
    path = tmp_path / "stimuli.json"
    path.write_text(json.dumps({"actions": [{"time": "2026-03-15T09:05:00Z", "action": "photo", "note": None},
                                            {"time": "2026-03-15T09:10:00+01:00", "action": "sms"}]}))
    by_action = {s.action: s for s in load_stimuli(path)}
    assert by_action["photo"].note == "" and by_action["sms"].note == ""
    assert by_action["photo"].time - by_action["sms"].time == 3600 - 5 * 60      # 09:10+01:00 is 08:10 UTC


def test_a_time_without_a_zone_is_utc_whatever_the_machine_zone(tmp_path, monkeypatch):
    import time

    path = tmp_path / "stimuli.json"
    path.write_text(json.dumps({"actions": [{"time": "2026-03-15T09:05:00", "action": "photo"},
                                            {"time": "2026-03-15T09:05:00Z", "action": "sms"}]}))
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        naive, utc = sorted(load_stimuli(path), key=lambda s: s.action)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert naive.time == utc.time
