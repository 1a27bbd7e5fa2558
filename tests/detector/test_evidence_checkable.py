"""An investigator can check every finding by hand: each piece of capture evidence names something that
Wireshark (tshark) shows in that very packet, and each piece of device evidence quotes the artefact line
it points to."""

from __future__ import annotations

from pathlib import Path

import pytest
from stalkerlab.detector.pipeline import DetectInputs, run_detection
from stalkerlab.simulator.simulate import prepare_scenario, simulate
from tshark_oracle import needs_tshark, tshark_rows

FIELDS = ["frame.number", "dns.qry.name", "tls.handshake.extensions_server_name", "http.host", "ip.src", "ip.dst",
          "ipv6.src", "ipv6.dst", "x509sat.uTF8String", "x509sat.printableString", "x509ce.dNSName"]
SCENARIOS = ["stalkerware-https-sni", "stalkerware-http-port", "stalkerware-tls12-self-signed", "stalkerware-raw-ip",
             "stalkerware-removed-last-week", "unknown-family"]


def _frames_as_tshark_sees_them(pcap: Path, frames: set[int]) -> dict[int, set[str]]:
    if not frames:
        return {}
    wanted = ", ".join(str(n) for n in sorted(frames))
    return {int(number[0]): {v for cell in cells for v in cell}
            for number, *cells in tshark_rows(pcap, FIELDS, f"frame.number in {{{wanted}}}")}


@pytest.mark.slow
@needs_tshark
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_piece_of_evidence_can_be_found_where_it_points(tmp_path, scenario):
    case = tmp_path / "case"
    simulate(prepare_scenario(scenario), 8, case, duration_min=25)
    report = run_detection(DetectInputs(pcap=case / "capture.pcap", device=case / "device",
                                        stimuli=case / "stimuli.json"))
    evidence = [(f["rule_id"], e) for f in report["findings"] for e in f["evidence"]]
    capture = [(rule, e) for rule, e in evidence if e["source"] == "capture"]
    device = [(rule, e) for rule, e in evidence if e["source"] == "device" and e["line"]]
    assert device and (capture or scenario == "stalkerware-removed-last-week"), "evidence on both sides"
    packets = _frames_as_tshark_sees_them(case / "capture.pcap", {e["frame"] for _, e in capture})
    for rule, e in capture:
        shown = packets.get(e["frame"], set())
        assert any(value in e["text"] for value in shown), (rule, e["ref"], e["text"], sorted(shown))
    for rule, e in device:
        lines = (case / "device" / e["file"]).read_text(encoding="utf-8").splitlines()
        assert lines[e["line"] - 1].strip() == e["text"].strip(), (rule, e["ref"], e["text"])
