"""tshark as the tests' oracle: the fields Wireshark shows, packet by packet."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

needs_tshark = pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark is not installed")


def tshark_rows(pcap: Path, fields: list[str], display_filter: str | None = None) -> list[list[list[str]]]:
    """One row per packet shown, one cell per field, each cell the list of the field's values there."""
    args = ["tshark", "-r", str(pcap), "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
    if display_filter:
        args += ["-Y", display_filter]
    out = subprocess.run([*args, *sum((["-e", f] for f in fields), [])], capture_output=True, text=True,
                         check=True).stdout
    return [[[v for v in cell.split("|") if v] for cell in row.split("\t")] for row in out.splitlines()]


@cache
def tshark_has_field(field: str) -> bool:
    out = subprocess.run(["tshark", "-G", "fields"], capture_output=True, text=True).stdout
    return f"\t{field}\t" in out
