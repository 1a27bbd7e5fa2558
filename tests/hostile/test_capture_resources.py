"""Hostile captures (issue 8): floods of one-packet flows, records that cannot be packets, time that runs
backwards. Memory stays bounded and the report says what was summarised or damaged; nothing crashes.

The big files are the ones of benchmarks/hostile_cases/capture.py (generated with struct, the 2 GB one
sparse); the quick tests use the same generators at smaller sizes.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests" / "detector")]

from capture_builders import LINK_WRAP, client_hello, ip_packet, pcap, tcp  # noqa: E402
from hostile_cases.capture import (  # noqa: E402
    PCAP_HEADER,
    write_syn_flood,
    write_zero_length_records,
)
from stalkerlab.detector.capture.flow_table import MAX_FLOWS  # noqa: E402
from stalkerlab.detector.capture.flows import analyse_packets  # noqa: E402

# peak memory of a child process, after it ran `stalkerlab ARGS`
MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, done.stderr[-300:])
"""


def detect_cli(run_cli, pcap_path: Path, out: Path) -> dict:
    code, _out, err = run_cli("detect", "--pcap", pcap_path, "--out", out, "--no-pdf")
    assert code == 0, err
    return json.loads((out / "report.json").read_text())


def detect_in_child(pcap_path: Path, out: Path) -> tuple[int, dict]:
    """(peak RSS in MB, report) of `stalkerlab detect` in a fresh process."""
    done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "stalkerlab.cli", "detect",
                           "--pcap", str(pcap_path), "--out", str(out), "--no-pdf"],
                          capture_output=True, text=True, check=True)
    code, rss_mb, err = done.stdout.split(" ", 2)
    assert code == "0", err
    return int(rss_mb), json.loads((out / "report.json").read_text())


def test_a_flood_of_one_packet_flows_is_summarised_within_the_flow_cap(tmp_path):
    flows = 3 * MAX_FLOWS
    facts = analyse_packets(write_syn_flood(tmp_path / "flood.pcap", flows))
    assert facts.packets == flows
    assert len(facts.flows) <= MAX_FLOWS
    assert len(facts.flows) + facts.flows_summarised == flows
    assert facts.flows_summarised - facts.flows_unlisted == sum(s.flows for s in facts.summaries)
    assert facts.bytes == flows * 40                     # every packet still counted, summarised or not


def hello_then_flood(tmp_path: Path) -> Path:
    """A TLS connection, then 30,000 probes."""
    handshake = [ip_packet(4, 6, tcp(40001, 443, b"", flags=0x02)),
                 ip_packet(4, 6, tcp(443, 40001, b"", flags=0x12), outbound=False),
                 ip_packet(4, 6, tcp(40001, 443, client_hello("c2.stalker.example")))]
    flood = write_syn_flood(tmp_path / "flood.pcap", 3 * MAX_FLOWS).read_bytes()
    path = tmp_path / "hello-then-flood.pcap"
    path.write_bytes(pcap([LINK_WRAP["ethernet"](p) for p in handshake], start=1_699_999_990)
                     + flood[len(PCAP_HEADER):])
    return path


def test_flows_with_a_handshake_outlive_the_flood(tmp_path):
    facts = analyse_packets(hello_then_flood(tmp_path))
    assert facts.flows_summarised > 0
    assert [(f.sni, f.pk_out, f.pk_in) for f in facts.flows if f.hello] == [("c2.stalker.example", 2, 1)]


@pytest.mark.slow
def test_names_of_flows_before_a_flood_are_observed(tmp_path, run_cli):
    report = detect_cli(run_cli, hello_then_flood(tmp_path), tmp_path / "report")
    coverage = report["coverage"]["capture"]
    assert coverage["flows_summarised"] > 0 and coverage["packets"] == 3 * MAX_FLOWS + 3
    assert [o["name"] for o in report["observations"]["sni"]] == ["c2.stalker.example"]


def test_an_empty_tail_ends_the_reading_as_damage_and_keeps_the_times(tmp_path, run_cli):
    report = detect_cli(run_cli, write_zero_length_records(tmp_path / "zeros.pcap", 1 << 20), tmp_path / "out")
    coverage = report["coverage"]["capture"]
    assert coverage["packets"] == 1 and coverage["truncated"]
    assert "zero length" in coverage["partial_reason"]
    assert coverage["damaged_records"] >= 1024
    capture = report["manifest"]["capture"]
    assert capture["first_packet_time"] == capture["last_packet_time"] == "2023-11-14T22:13:20.000Z"
    assert report["manifest"]["inputs"][0]["size"] == 1 << 20      # hashed whole all the same


def _records(*records: tuple[int, bytes]) -> bytes:
    """A pcap (snaplen 100) of (seconds, frame) records; a frame of None is a zero-length record."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 100, 101)]
    for sec, frame in records:
        out.append(struct.pack("<IIII", sec, 0, len(frame), len(frame)) + frame)
    return b"".join(out)


def _syn(dst: int) -> bytes:
    return struct.pack("!BBHHHBBH4sI", 0x45, 0, 40, 1, 0x4000, 64, 6, 0, bytes([192, 168, 1, 23]),
                       0xCB007100 + dst) + tcp(40000 + dst, 443, b"", flags=0x02)


def test_time_running_backwards_is_reported_and_the_duration_spans_earliest_to_latest(tmp_path, run_cli):
    path = tmp_path / "backwards.pcap"
    path.write_bytes(_records((1_700_000_100, _syn(1)), (1_700_000_050, _syn(2)), (1_700_000_200, _syn(3)),
                              (1_700_000_150, _syn(4))))
    report = detect_cli(run_cli, path, tmp_path / "out")
    coverage = report["coverage"]["capture"]
    assert (coverage["time_backwards"], coverage["time_backwards_frame"]) == (2, 2)
    assert coverage["duration_s"] == 150
    assert report["manifest"]["capture"]["first_packet_time"] == "2023-11-14T22:14:10.000Z"
    assert report["manifest"]["capture"]["last_packet_time"] == "2023-11-14T22:16:40.000Z"


def test_records_that_cannot_be_packets_count_as_damage_and_keep_frame_numbers(tmp_path, run_cli):
    """Two empty records and one longer than the snapshot length (100): frames stay numbered as Wireshark
    numbers them, so the evidence of frame 5 still points at frame 5."""
    oversized = _syn(3) + bytes(100)
    path = tmp_path / "damaged.pcap"
    path.write_bytes(_records((1_700_000_000, _syn(1)), (0, b""), (0, b""), (1_700_000_001, oversized),
                              (1_700_000_002, _syn(5))))
    report = detect_cli(run_cli, path, tmp_path / "out")
    coverage = report["coverage"]["capture"]
    assert coverage["damaged_records"] == 3 and coverage["packets"] == 5
    assert coverage["time_backwards"] == 0 and not coverage["truncated"]
    assert {o["first_frame"] for o in report["observations"]["ips"]} == {1, 4, 5}


@pytest.mark.slow
def test_half_a_million_one_packet_flows_stay_under_the_memory_bar(tmp_path):
    rss_mb, report = detect_in_child(write_syn_flood(tmp_path / "flood.pcap", 500_000), tmp_path / "out")
    assert rss_mb < 400
    coverage = report["coverage"]["capture"]
    assert coverage["packets"] == 500_000
    assert coverage["flows"] + coverage["flows_summarised"] == 500_000
    assert coverage["destinations_unanalysed"] > 0 and coverage["observations_unlisted"] > 0


@pytest.mark.slow
def test_a_sparse_2_gb_capture_of_zero_length_records_is_a_partial_analysis(tmp_path):
    rss_mb, report = detect_in_child(write_zero_length_records(tmp_path / "zeros.pcap", 2 << 30), tmp_path / "out")
    assert rss_mb < 400
    coverage = report["coverage"]["capture"]
    assert coverage["packets"] == 1 and coverage["truncated"] and report["verdict_reasons"][-1]["code"] == "partial"
    assert report["manifest"]["capture"]["last_packet_time"] == "2023-11-14T22:13:20.000Z"
