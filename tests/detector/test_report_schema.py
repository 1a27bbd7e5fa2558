"""report.json against its shipped JSON Schema: real reports of every kind validate, the schema refuses
what it does not document, and every field it documents is described."""

from __future__ import annotations

import copy
import json
import re
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from stalkerlab.detector.pipeline import REPORT_SCHEMA, DetectInputs, run_detection
from stalkerlab.detector.reports import load_report_schema, report_json_text
from stalkerlab.simulator.simulate import prepare_scenario, simulate

# (case, scenario, inputs given) -> the verdict the world expects
CASES = {
    "stalkerware": ("stalkerware-https-sni", ("pcap", "device", "stimuli"), "stalkerware"),
    "removed": ("stalkerware-removed-last-week", ("pcap", "device", "stimuli"), "stalkerware"),
    "watchware": ("watchware-parental", ("pcap", "device", "stimuli"), "watchware"),
    "suspected": ("unknown-family", ("pcap", "device", "stimuli"), "stalkerware-suspected"),
    "benign": ("tracker-sdk", ("pcap", "device", "stimuli"), "no-indicators"),
    "inconclusive": ("private-dns-doh", ("pcap", "device", "stimuli"), "inconclusive"),
    "device-only": ("stalkerware-https-sni", ("device",), "stalkerware"),
    "pcap-only": ("stalkerware-https-sni", ("pcap",), "stalkerware"),
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, dict]:
    folders, out = {}, {}
    for case, (scenario, given, _verdict) in CASES.items():
        if scenario not in folders:
            folders[scenario] = tmp_path_factory.mktemp(scenario)
            simulate(prepare_scenario(scenario), 5, folders[scenario], duration_min=12)
        folder = folders[scenario]
        paths = {"pcap": folder / "capture.pcap", "device": folder / "device", "stimuli": folder / "stimuli.json"}
        out[case] = run_detection(DetectInputs(**{k: paths[k] for k in given}))
    return out


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = load_report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_real_reports_validate_against_the_schema(reports, validator, case):
    report = json.loads(report_json_text(reports[case]))   # as written to disk
    assert report["verdict"] == CASES[case][2]
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(report)]
    # a new field in the report needs its description in detector/reports/report.schema.json (and docs)
    assert not errors, "\n".join(errors[:10])


@pytest.mark.slow
def test_the_schema_refuses_what_it_does_not_document(reports, validator):
    good = json.loads(report_json_text(reports["stalkerware"]))
    assert validator.is_valid(good)
    undocumented = copy.deepcopy(good)
    undocumented["findings"][0]["score"] = 0.9
    clean = dict(good, verdict="clean")
    local_time = copy.deepcopy(good)
    local_time["timeline"][0]["time"] = "2026-03-15 10:04:48+01:00"
    no_safety = {k: v for k, v in good.items() if k != "safety_note"}
    for bad in (undocumented, clean, local_time, no_safety):
        assert not validator.is_valid(bad)


def _undescribed(node: object, path: str = "#") -> list[str]:
    """Every property schema (at any depth) that has no description of its own."""
    missing = []
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            if "description" not in sub:
                missing.append(f"{path}/properties/{name}")
        for key, sub in node.items():
            missing += _undescribed(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            missing += _undescribed(sub, f"{path}/{i}")
    return missing


def test_every_field_is_described_and_the_version_is_the_reports():
    schema = load_report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"]["const"] == REPORT_SCHEMA
    assert not _undescribed(schema)
    assert all("description" in d for d in schema["$defs"].values())
    # shipped inside the package, so an installed detector can hand it to anyone checking a report
    assert json.loads((files("stalkerlab.detector.reports") / "report.schema.json").read_text()) == schema


def _field_names(node: object) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        names |= set(node.get("properties") or ())
        for sub in node.values():
            names |= _field_names(sub)
    elif isinstance(node, list):
        for sub in node:
            names |= _field_names(sub)
    return names


def test_the_investigators_doc_names_every_field():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "report-format.md").read_text(encoding="utf-8")
    # a name counts inside any code span: `name`, `findings[]`, `coverage.capture`
    spans = " ".join(re.findall(r"`([^`]+)`", re.sub(r"```.*?```", "", doc, flags=re.S)))
    missing = sorted(name for name in _field_names(load_report_schema())
                     if not re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", spans))
    assert not missing, f"docs/report-format.md does not explain: {missing}"
