"""report.json: the report dict as canonical JSON (sorted keys, fixed indentation), so that the same
evidence always gives the same bytes, and the JSON Schema that documents every field of it."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def report_json_text(report: dict) -> str:
    text = json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    # a lone surrogate from the evidence ("\ud800" in a JSON input) has no UTF-8 form: keep it as its JSON escape,
    # which reads back as the same string
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@cache
def _schema_text() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")


def load_report_schema() -> dict:
    """The JSON Schema (draft 2020-12) of report.json; a fresh copy each call, safe to modify."""
    return json.loads(_schema_text())
