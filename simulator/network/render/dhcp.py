"""DHCP (RFC 2131) as a phone joining the Wi-Fi and the access point exchange it: DISCOVER, OFFER, REQUEST,
ACK, with the phone's hostname (option 12) and Android's vendor class (option 60, android-dhcp-<version>)."""

from __future__ import annotations

import ipaddress
import struct


def dhcp(op: int, msg_type: int, xid: int, client_mac: bytes, yiaddr: str, siaddr: str, hostname: str | None,
         server_id: str | None, requested: str | None, lease_s: int, subnet_prefix: int, router: str | None,
         elapsed: int = 0, vendor_class: str = "android-dhcp-14") -> bytes:
    fixed = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, 1, 6, 0, xid, elapsed, 0, b"\0" * 4,
                        ipaddress.ip_address(yiaddr).packed, ipaddress.ip_address(siaddr).packed, b"\0" * 4,
                        client_mac + b"\0" * 10, b"\0" * 64, b"\0" * 128)
    opts = b"\x63\x82\x53\x63" + bytes([53, 1, msg_type])
    if op == 1:
        opts += bytes([61, 7, 1]) + client_mac                                     # client identifier
        opts += bytes([57, 2]) + struct.pack("!H", 1500)                           # max message size
        vendor = vendor_class.encode()[:255]
        opts += bytes([60, len(vendor)]) + vendor                                 # vendor class
    if requested:
        opts += bytes([50, 4]) + ipaddress.ip_address(requested).packed
    if server_id:
        opts += bytes([54, 4]) + ipaddress.ip_address(server_id).packed
    if hostname:
        raw = hostname.encode()[:63]
        opts += bytes([12, len(raw)]) + raw
    if op == 1:
        opts += bytes([55, 9, 1, 3, 6, 15, 26, 28, 51, 58, 59])                   # parameter request list
    else:
        mask = ipaddress.ip_network(f"0.0.0.0/{subnet_prefix}").netmask.packed
        opts += bytes([51, 4]) + struct.pack("!I", lease_s) + bytes([58, 4]) + struct.pack("!I", lease_s // 2)
        opts += bytes([59, 4]) + struct.pack("!I", lease_s * 7 // 8) + bytes([1, 4]) + mask
        if router:
            opts += bytes([3, 4]) + ipaddress.ip_address(router).packed + bytes([6, 4])
            opts += ipaddress.ip_address(router).packed
    opts += b"\xff"
    body = fixed + opts
    return body + b"\0" * max(0, 300 - len(body))
