"""Hostile scenarios for `stalkerlab simulate` (issue 8): Wi-Fi networks of every size, from a class A
private network (16 million addresses) to a phone hotspot's /28 (an iPhone's 172.20.10.0/28) and less.

tests/hostile/test_simulator_networks.py writes the same scenario files.
"""

from __future__ import annotations

from pathlib import Path

import yaml

# a catalogue scenario with a family, DNS, TLS and MQTT traffic, moved onto another network
BASE_SCENARIO = Path(__file__).resolve().parents[2] / "simulator" / "world" / "scenarios" / "stalkerware-mqtt.yml"


def write_scenario(folder: Path, subnet: str, ipv6: bool = True, kind: str = "hotspot") -> Path:
    """The base scenario on the network `subnet`, as a scenario file in `folder`."""
    scenario = yaml.safe_load(BASE_SCENARIO.read_text(encoding="utf-8"))
    scenario["network"] = {"kind": kind, "ssid": "iPhone", "subnet": subnet, "ipv6": ipv6}
    path = Path(folder) / f"network-{subnet.replace('/', '-').replace(':', '_')}.yml"
    path.write_text(yaml.safe_dump(scenario, sort_keys=False), encoding="utf-8")
    return path


def case_class_a_network(workdir: Path) -> list[str]:
    """A home network of 16 million addresses (10.0.0.0/8): the addresses are never listed one by one."""
    return ["simulate", str(write_scenario(workdir, "10.0.0.0/8", kind="home-wifi")), "--duration", "5",
            "--out", str(workdir / "simulated")]


def case_phone_hotspot(workdir: Path) -> list[str]:
    """An iPhone hotspot (172.20.10.0/28): 14 addresses, the phone among them."""
    return ["simulate", str(write_scenario(workdir, "172.20.10.0/28")), "--duration", "5",
            "--out", str(workdir / "simulated")]
