"""Scenario networks of every size (issue 8): `stalkerlab simulate` on a phone hotspot's /28 (an iPhone's
172.20.10.0/28) ended in a ValueError traceback. Networks with room for the access point, a phone and a
broadcast address (down to a /30) work; smaller ones, IPv6-only ones and public ones are refused in one line
that names the scenario file and the key; a class A network is never listed address by address."""

from __future__ import annotations

import ipaddress
import json
import sys
from pathlib import Path

import pytest
from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.inet import IP
from scapy.utils import rdpcap

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from hostile_cases.simulator import write_scenario  # noqa: E402


def simulated(run_cli, tmp_path: Path, subnet: str, ipv6: bool = True, minutes: str = "1") -> tuple[dict, Path]:
    scenario = write_scenario(tmp_path, subnet, ipv6)
    out = tmp_path / "out"
    code, _stdout, err = run_cli("simulate", scenario, "--seed", "3", "--duration", minutes, "--out", out)
    assert code == 0, err
    return json.loads((out / "truth.json").read_text()), out / "capture.pcap"


@pytest.mark.parametrize("ipv6", [True, False], ids=["ipv6", "ipv4-only"])
@pytest.mark.parametrize("subnet", ["172.20.10.0/28", "192.168.43.8/29", "192.168.43.4/30"])
def test_small_networks_work_as_far_as_their_addresses_allow(run_cli, tmp_path, subnet, ipv6):
    truth, capture = simulated(run_cli, tmp_path, subnet, ipv6)
    network = ipaddress.ip_network(subnet)
    phone, gateway = ipaddress.ip_address(truth["phone"]["ipv4"]), ipaddress.ip_address(truth["network"]["gateway"])
    assert gateway == network.network_address + 1
    assert phone in network and phone not in (gateway, network.network_address, network.broadcast_address)
    assert (truth["phone"]["ipv6"] is not None) == ipv6
    packets = rdpcap(str(capture))
    ack = next(p for p in packets if DHCP in p and ("message-type", 5) in p[DHCP].options)
    assert ipaddress.ip_address(ack[BOOTP].yiaddr) == phone
    assert dict(o for o in ack[DHCP].options if isinstance(o, tuple))["subnet_mask"] == str(network.netmask)
    sources = {p[IP].src for p in packets if IP in p and p[IP].src != str(gateway)
               and ipaddress.ip_address(p[IP].src) in network}
    assert sources == {str(phone)}, "the phone is the only LAN address besides the access point"


@pytest.mark.parametrize("subnet", ["172.20.10.0/31", "172.20.10.1/32"])
def test_networks_without_room_for_a_phone_are_refused_in_one_line(run_cli, tmp_path, subnet):
    scenario = write_scenario(tmp_path, subnet)
    code, _stdout, err = run_cli("simulate", scenario, "--out", tmp_path / "out")
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(scenario) in err and "network.subnet" in err and "/30 or larger" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("subnet, problem", [
    ("fd00:20:10::/64", "is IPv6"),                  # an IPv6-only Wi-Fi: a phone always gets an IPv4 address
    ("2001:db8::/64", "is IPv6"),
    ("8.8.8.0/24", "not a private network"),
    ("172.20.10.5/28", "is not a network like"),     # host bits set: an address, not a network
    ("hotspot", "is not a network like"),
])
def test_other_networks_are_refused_in_one_line(run_cli, tmp_path, subnet, problem):
    scenario = write_scenario(tmp_path, subnet)
    code, _stdout, err = run_cli("simulate", scenario, "--out", tmp_path / "out")
    assert code == 2 and err.count("\n") == 1
    assert str(scenario) in err and "network.subnet" in err and problem in err


def test_a_class_a_network_is_not_listed_address_by_address(run_cli, tmp_path):
    """10.0.0.0/8 took 52 s and 1.5 GB (a list of 16 million addresses); the bar is in bench_hostile.py."""
    truth, _capture = simulated(run_cli, tmp_path, "10.0.0.0/8", minutes="0.5")
    assert ipaddress.ip_address(truth["phone"]["ipv4"]) in ipaddress.ip_network("10.0.0.0/8")
    assert truth["network"]["gateway"] == "10.0.0.1"
