"""The old import path of the capture plan, kept for code written against it: the plan is the network wing's
contract, in simulator/network/plan.py."""

from stalkerlab.simulator.network.plan import (
    Arp,
    CaptureIndex,
    CapturePlan,
    CertSpec,
    Dhcp,
    DnsLookup,
    Exchange,
    HttpExchange,
    Lan,
    Mdns,
    Session,
    TcpSession,
    Tls,
    UdpSession,
)

__all__ = ["Arp", "CaptureIndex", "CapturePlan", "CertSpec", "Dhcp", "DnsLookup", "Exchange", "HttpExchange", "Lan",
           "Mdns", "Session", "TcpSession", "Tls", "UdpSession"]
