"""Every catalogue scenario, simulated and read back by tshark: no malformed packets, no expert errors
(with checksum validation on), and every C2 name of the answer key visible as DNS, SNI or HTTP host."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from stalkerlab.simulator.simulate import prepare_scenario, simulate
from stalkerlab.simulator.world.catalogue import Catalogue

pytestmark = pytest.mark.slow

TSHARK = shutil.which("tshark")
CHECKSUMS = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"]


def tshark(*args: str) -> str:
    r = subprocess.run([TSHARK, *args], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    if TSHARK is None:
        pytest.skip("tshark is not installed (CI installs it with apt-get)")
    root = tmp_path_factory.mktemp("catalogue")
    out = {}
    for sid in Catalogue().scenario_ids():
        # 12 minutes is enough for every behaviour in the catalogue and keeps the test quick
        duration = None if sid == "short-idle-capture" else 12
        result = simulate(prepare_scenario(sid), 5, root / sid, duration_min=duration)
        out[sid] = (root / sid, result.truth)
    return out


@pytest.mark.parametrize("sid", Catalogue().scenario_ids())
def test_tshark_reads_the_capture_cleanly(simulated, sid):
    folder, truth = simulated[sid]
    pcap = str(folder / truth["capture"]["file"])
    bad = tshark("-r", pcap, *CHECKSUMS, "-Y", "_ws.malformed || _ws.expert.severity >= \"error\"",
                 "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message")
    assert bad.strip() == "", f"{sid}: malformed or expert errors:\n{bad[:2000]}"
    count = int(tshark("-r", pcap, "-T", "fields", "-e", "frame.number").split()[-1])
    assert count == truth["capture"]["packets"]


@pytest.mark.parametrize("sid", Catalogue().scenario_ids())
def test_every_c2_name_is_visible_to_tshark(simulated, sid):
    folder, truth = simulated[sid]
    pcap = str(folder / truth["capture"]["file"])
    fields = tshark("-r", pcap, "-T", "fields", "-E", "separator=|", "-e", "dns.qry.name",
                    "-e", "tls.handshake.extensions_server_name", "-e", "http.host", "-e", "ip.dst")
    names, addresses = set(), set()
    for line in fields.splitlines():
        dns, sni, host, dst = (line.split("|") + ["", "", "", ""])[:4]
        names.update(n for n in dns.split(",") + [sni, host.split(":")[0]] if n)
        addresses.update(a for a in dst.split(",") if a)
    assert set(truth["c2"]["domains"]) <= names
    assert set(truth["c2"]["ips"]) <= addresses


def test_key_packets_point_at_what_they_say(simulated):
    folder, truth = simulated["stalkerware-https-sni"]
    pcap = str(folder / truth["capture"]["file"])
    for tag, number in truth["key_packets"].items():
        frame = tshark("-r", pcap, "-Y", f"frame.number == {number}", "-T", "fields", "-e", "dns.qry.name",
                       "-e", "tls.handshake.type", "-e", "tcp.flags.syn", "-e", "dhcp.option.hostname").rstrip("\n")
        if tag.startswith("c2:dns:"):
            assert frame.split("\t")[0] == tag.removeprefix("c2:dns:")
        elif tag.endswith(":hello"):
            assert frame.split("\t")[1] == "1"          # ClientHello
        elif tag.startswith("c2:conn:"):
            assert frame.split("\t")[2] == "1"          # SYN
        elif tag == "dhcp":
            assert frame.split("\t")[3] == truth["phone"]["hostname"]


def test_truth_has_the_answer_key_fields(simulated):
    for sid, (folder, truth) in simulated.items():
        for key in ("scenario", "seed", "expected_verdict", "family", "package", "c2", "first_c2_time",
                    "beacon_period_s", "actions", "key_packets", "explanation"):
            assert key in truth, (sid, key)
        assert json.loads((folder / "truth.json").read_text()) == truth
        stimuli = json.loads((folder / "stimuli.json").read_text())
        assert [a["action"] for a in stimuli["actions"]] == [a["action"] for a in truth["actions"]]
