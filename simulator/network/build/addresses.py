"""Addresses: the Wi-Fi LAN handed out by the access point, and "internet" addresses for every name.

Internet hosts only ever get documentation or benchmark addresses, so a generated capture can never
point anyone at a real server. Which address a name gets depends on the seed: learners with different
seeds see different numbers.
"""

from __future__ import annotations

import ipaddress
import random

from stalkerlab.simulator.network.plan import Lan
from stalkerlab.simulator.tables import table
from stalkerlab.simulator.world.model import SMALLEST_LAN_PREFIX, NetworkSetup

_TABLE = table("network", "addresses")
BENIGN_V4 = ipaddress.ip_network(_TABLE["benign_v4"])
SUSPECT_V4 = tuple(ipaddress.ip_network(n) for n in _TABLE["suspect_v4"])
MISC_V4 = ipaddress.ip_network(_TABLE["misc_v4"])
INTERNET_V6 = ipaddress.ip_network(_TABLE["internet_v6"])
ROUTER_OUIS = tuple(_TABLE["router_ouis"])


def random_mac(rng: random.Random, oui: str | None = None) -> str:
    if oui:
        tail = [rng.randrange(256) for _ in range(3)]
        return oui + ":" + ":".join(f"{b:02x}" for b in tail)
    # Android randomises its Wi-Fi MAC per network: locally administered, unicast.
    first = (rng.randrange(256) | 0x02) & 0xFE
    return ":".join(f"{b:02x}" for b in [first] + [rng.randrange(256) for _ in range(5)])


# An access point hands out addresses from the first ones up; on a home or shelter network the phone is
# seldom among the first twenty.
FIRST_PHONE_HOST = 19


def make_lan(network: NetworkSetup, hostname: str, rng: random.Random) -> Lan:
    subnet = ipaddress.ip_network(network.subnet)
    if subnet.prefixlen > SMALLEST_LAN_PREFIX:
        raise ValueError(f"{subnet} has no room for an access point and a phone (the catalogue refuses it)")
    hosts = subnet.num_addresses - 2            # host k is network + 1 + k; never listed (a /8 has 16 million)
    gateway = subnet.network_address + 1
    if hosts - 1 > FIRST_PHONE_HOST:
        phone = gateway + rng.randrange(FIRST_PHONE_HOST, hosts - 1)
    else:                                       # a phone hotspot (/28) or smaller: any address but the gateway's
        phone = gateway + rng.randrange(1, hosts)
    ipv6_prefix = None
    if network.ipv6:
        # a /64 inside 2001:db8::/32 for this LAN
        ipv6_prefix = int(INTERNET_V6.network_address) + (rng.randrange(1, 0xFFFF) << 80)
    return Lan(
        phone_mac=random_mac(rng),
        phone_ip=str(phone),
        phone_ipv6=str(ipaddress.IPv6Address(ipv6_prefix + rng.getrandbits(64))) if ipv6_prefix else None,
        phone_hostname=hostname,
        gateway_mac=random_mac(rng, rng.choice(ROUTER_OUIS)),
        gateway_ip=str(gateway),
        gateway_ipv6=str(ipaddress.IPv6Address(ipv6_prefix + 1)) if ipv6_prefix else None,
        subnet_prefix=subnet.prefixlen,
        ssid=network.ssid,
    )


class AddressBook:
    """Stable name -> address assignment for one capture, without collisions."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.v4: dict[str, str] = {}
        self.v6: dict[str, str] = {}
        self.used: set[str] = set()

    def _pick(self, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
        for _ in range(1000):
            offset = self.rng.randrange(2, min(network.num_addresses - 2, 2**48))
            addr = str(network.network_address + offset)
            if addr not in self.used:
                self.used.add(addr)
                return addr
        raise RuntimeError(f"address pool {network} exhausted")

    def reserve(self, addr: str) -> None:
        self.used.add(addr)

    def ipv4(self, name: str, suspect: bool = False) -> str:
        if name not in self.v4:
            pool = self.rng.choice(SUSPECT_V4) if suspect else BENIGN_V4
            self.v4[name] = self._pick(pool)
        return self.v4[name]

    def ipv6(self, name: str) -> str:
        if name not in self.v6:
            self.v6[name] = self._pick(INTERNET_V6)
        return self.v6[name]

    def misc(self, label: str) -> str:
        """An address with no DNS name (VPN servers, hard-coded resolvers) from 192.0.2.0/24."""
        key = f"@{label}"
        if key not in self.v4:
            self.v4[key] = self._pick(MISC_V4)
        return self.v4[key]
