"""A dated feed much older than the evidence makes "nothing found" inconclusive, measured against the
evidence's own time (never the clock), so a re-analysis gives the same report."""

from __future__ import annotations

import hashlib
import json

import pytest
from stalkerlab.detector.pipeline import DetectInputs, run_detection
from stalkerlab.detector.verdict import stale_feed_reasons
from stalkerlab.simulator.simulate import prepare_scenario, simulate

FEED = b"""- name: PaperTrail
  type: stalkerware
  packages: [com.papertrail.example]
  c2:
    domains: [api.papertrail.example]
"""


@pytest.fixture(scope="module")
def quiet_phone(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quiet") / "case"
    simulate(prepare_scenario("benign-busy-phone"), 5, folder, duration_min=15)
    return folder


def _feed_folder(tmp_path, date: str):
    folder = tmp_path / f"feed-{date}"
    folder.mkdir()
    (folder / "ioc.yaml").write_bytes(FEED)
    (folder / "provenance.json").write_text(json.dumps({
        "source": "test", "retrieved": date, "date": date, "commit": None,
        "files": {"ioc.yaml": hashlib.sha256(FEED).hexdigest()}}))
    return folder


def _codes(report: dict) -> list[str]:
    return [r["code"] for r in report["verdict_reasons"]]


@pytest.mark.slow
def test_an_old_feed_makes_nothing_found_inconclusive(quiet_phone, tmp_path):
    fresh = run_detection(DetectInputs(pcap=quiet_phone / "capture.pcap", feeds=[_feed_folder(tmp_path, "2026-03-01")]))
    assert fresh["verdict"] == "no-indicators" and "feed_stale" not in _codes(fresh)
    old = run_detection(DetectInputs(pcap=quiet_phone / "capture.pcap", feeds=[_feed_folder(tmp_path, "2024-01-15")]))
    assert old["verdict"] == "inconclusive" and "feed_stale" in _codes(old)
    reason = next(r for r in old["verdict_reasons"] if r["code"] == "feed_stale")
    assert "2024-01-15" in reason["text"] and "stalkerlab iocs update" in reason["text"]
    assert old["manifest"]["settings"]["feed_stale_days"] == 90


def test_age_is_counted_from_the_evidence_not_the_clock():
    feeds = [{"name": "echap-ioc", "date": "2026-01-01"}, {"name": "stalkerlab-training", "date": None}]
    march, july = 1772323200.0, 1782864000.0          # 2026-03-01 and 2026-07-01, UTC
    assert stale_feed_reasons(feeds, march) == []
    assert [r["code"] for r in stale_feed_reasons(feeds, july)] == ["feed_stale"]
    assert stale_feed_reasons(feeds, None) == []


@pytest.mark.slow
def test_a_device_alone_is_dated_by_its_acquisition(quiet_phone, tmp_path):
    old = run_detection(DetectInputs(device=quiet_phone / "device", feeds=[_feed_folder(tmp_path, "2024-01-15")]))
    fresh = run_detection(DetectInputs(device=quiet_phone / "device", feeds=[_feed_folder(tmp_path, "2026-03-01")]))
    assert "feed_stale" in _codes(old) and "feed_stale" not in _codes(fresh)
