"""Hostile rule files for `detect --rules`: a class's worth of them over a busy capture (the engine's work
grows with records x rules), and a condition nested thousands deep."""

from __future__ import annotations

import struct
from pathlib import Path

RULE = """id: net.class.r{n}
title: Rule {n} fired on {{dport}}
level: low
logsource: {{stream: flow}}
detection: {{s: {{dport|gte: {n}}}, condition: s}}
explanation: A learner's rule number {n}.
tests: {{positive: [{{record: {{dport: {n}}}}}], negative: [{{record: {{dport: 0}}}}]}}
"""


def _capture(path: Path, packets: int) -> Path:
    """A pcap of `packets` UDP datagrams from one phone to as many ports (flows)."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i in range(packets):
        udp = struct.pack("!HHHH", 40000, 1024 + i % 60000, 8, 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, i & 0xFFFF, 0, 64, 17, 0, bytes([192, 168, 1, 2]),
                         bytes([203, 0, 113, 1 + i % 200]))
        frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp
        out.append(struct.pack("<IIII", 1773500000 + i // 100, (i % 100) * 10000, len(frame), len(frame)) + frame)
    path.write_bytes(b"".join(out))
    return path


def case_many_rule_files(workdir: Path) -> list[str]:
    """200 rule files in the --rules folder (a class's worth), over a capture of 5,000 flows"""
    rules = workdir / "rules"
    rules.mkdir()
    for n in range(200):
        (rules / f"r{n:04d}.yml").write_text(RULE.format(n=1024 + n * 25).replace("dport|gte", "dport"))
    pcap = _capture(workdir / "flows.pcap", 5_000)
    return ["detect", "--pcap", str(pcap), "--rules", str(rules), "--out", str(workdir / "report"), "--no-pdf"]


def case_condition_nested_deep(workdir: Path) -> list[str]:
    """a rule whose condition nests 20,000 brackets deep"""
    rule = workdir / "deep.yml"
    rule.write_text(RULE.format(n=1).replace("condition: s", "condition: '" + "(" * 20_000 + "s" + ")" * 20_000
                                             + "'"))
    pcap = _capture(workdir / "one.pcap", 1)
    return ["detect", "--pcap", str(pcap), "--rules", str(rule), "--out", str(workdir / "report"), "--no-pdf"]
