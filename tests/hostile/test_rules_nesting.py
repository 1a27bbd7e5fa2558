"""Hostile rule and policy files: nesting thousands deep (YAML, detection blocks, a condition's brackets)
and files that are not text give one line naming the file, through `stalkerlab detect --rules`, never a
traceback."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from stalkerlab.detector.verdict_policy import load_policy

from stalkerlab.common.errors import UserError

HEAD = "id: net.class.x\ntitle: t\nlevel: low\nlogsource: {stream: flow}\nexplanation: e\n" \
       "tests: {positive: [a], negative: [b]}\n"
DEEP = 3_000


@pytest.fixture
def capture(tmp_path) -> Path:
    """A capture with one UDP packet (an empty pcap is refused before the rules are read)."""
    udp = struct.pack("!HHHH", 5000, 4444, 8, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 1, 0, 64, 17, 0, bytes([192, 168, 1, 2]), bytes([203, 0, 113, 5]))
    frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp
    path = tmp_path / "one.pcap"
    path.write_bytes(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
                     + struct.pack("<IIII", 1773500000, 0, len(frame), len(frame)) + frame)
    return path


@pytest.mark.parametrize("body, message", [
    ("detection: {s: {dport: 1}, condition: '" + "(" * DEEP + "s" + ")" * DEEP + "'}\n", "nested too deeply"),
    ("detection: {s: " + "[" * 900 + "{dport: 1}" + "]" * 900 + ", condition: s}\n", "nested too deeply"),
    pytest.param("detection: " + "[" * DEEP + "]" * DEEP + "\n", "nested too deeply", marks=pytest.mark.slow),
], ids=["condition-brackets", "detection-blocks", "yaml"])
def test_deeply_nested_rules_are_one_line_errors(run_cli, tmp_path, capture, body, message):
    rule = tmp_path / "deep.yml"
    rule.write_text(HEAD + body)
    code, _out, err = run_cli("detect", "--pcap", capture, "--rules", rule, "--out", tmp_path / "r", "--no-pdf")
    assert code == 2 and err.count("\n") == 1 and str(rule) in err and message in err


def test_a_binary_rule_file_is_a_one_line_error(run_cli, tmp_path, capture):
    rule = tmp_path / "junk.yml"
    rule.write_bytes(bytes(range(256)) * 40)
    code, _out, err = run_cli("detect", "--pcap", capture, "--rules", rule, "--out", tmp_path / "r", "--no-pdf")
    assert code == 2 and err.count("\n") == 1 and str(rule) in err


@pytest.mark.slow
def test_a_deeply_nested_policy_is_a_one_line_error(tmp_path):
    policy = tmp_path / "policy.yml"
    policy.write_text("verdicts: " + "[" * DEEP + "]" * DEEP + "\n")
    with pytest.raises(UserError, match="policy.yml: nested too deeply"):
        load_policy(policy)
