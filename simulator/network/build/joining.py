"""The phone joins the Wi-Fi when the capture starts (DHCP, ARP for the gateway, the time server, the Private
DNS resolver's address) and keeps talking to the LAN: ARP refreshes and mDNS queries now and then."""

from __future__ import annotations

from stalkerlab.simulator.network.build.connections import resolve
from stalkerlab.simulator.network.build.draft import Draft
from stalkerlab.simulator.network.plan import Arp, Dhcp, Exchange, Mdns, UdpSession
from stalkerlab.simulator.tables import table

SERVICES = table("network", "phone_services")


def join_network(draft: Draft) -> None:
    inst, rng = draft.inst, draft.rng
    draft.sessions.append(Dhcp(inst.start + 0.05, f"android-dhcp-{inst.persona.android_version}"))
    draft.facts.tags["dhcp"] = "DHCP request carrying the phone's hostname"
    draft.sessions.append(Arp(inst.start + 0.12, draft.lan.gateway_ip))
    t = inst.start + 0.3
    if draft.scenario.vpn:
        return                                   # everything else goes through the tunnel (blinding.py)
    if draft.scenario.private_dns:
        draft.dot_session = resolve(draft, SERVICES["private_dns_resolver"], t, ttl=3600)
    addr, t2 = resolve(draft, SERVICES["time_server"], t + 0.2, ttl=600)
    draft.sessions.append(UdpSession(t2, addr, 123, draft.port(), "ntp", draft.rtt(),
                                     exchanges=(Exchange(t2, 48, 48),), end=t2 + 0.2))
    at = draft.start + 300
    while at < draft.end:
        draft.sessions.append(Arp(at + rng.uniform(0, 120), draft.lan.gateway_ip))
        at += rng.uniform(900, 1500)
    at = draft.start + rng.uniform(5, 60)
    while at < draft.end:
        draft.sessions.append(Mdns(at, rng.choice(SERVICES["mdns_services"])))
        at += rng.uniform(200, 700)
