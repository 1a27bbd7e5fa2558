"""The shortest capture `simulate` accepts (--duration 0.5, thirty seconds) works for every catalogue scenario:
actions planned later than the end are dropped, and a family whose only trace is a visit to its sales website
(vendor-website-visit) then visits it at the start of the capture, instead of ending in an IndexError."""

from __future__ import annotations

import json

import pytest
from stalkerlab.simulator.world.catalogue import Catalogue


@pytest.mark.slow
@pytest.mark.parametrize("scenario_id", Catalogue().scenario_ids())
def test_a_thirty_second_capture_of_each_scenario(run_cli, tmp_path, scenario_id):
    code, _out, err = run_cli("simulate", scenario_id, "--seed", "2", "--duration", "0.5", "--out", tmp_path)
    assert code == 0, err
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["capture"]["packets"] > 0


def test_the_website_visit_comes_at_the_start_when_no_action_is_left(run_cli, tmp_path):
    code, _out, err = run_cli("simulate", "vendor-website-visit", "--seed", "2", "--duration", "1.5", "--out", tmp_path)
    assert code == 0, err
    truth = json.loads((tmp_path / "truth.json").read_text())
    visits = [tag for tag in truth["key_packets"] if tag.startswith("website:")]
    assert visits and truth["actions"] == []
