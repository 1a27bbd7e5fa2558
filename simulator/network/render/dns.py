"""DNS messages (RFC 1035) as the phone's resolver and the gateway send them: queries, responses with A / AAAA
answers (through one CNAME for CDNs, names compressed), NXDOMAIN / NODATA with the zone's SOA, and the mDNS
queries the phone multicasts on the Wi-Fi."""

from __future__ import annotations

import ipaddress
import struct

QTYPES = {"A": 1, "AAAA": 28, "CNAME": 5, "HTTPS": 65, "PTR": 12, "SOA": 6}
MDNS_QU_CLASS = 0x8001          # IN, "unicast response wanted" bit set


def dns_name(name: str) -> bytes:
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode("idna") if not label.isascii() else label.encode()
        out += bytes([len(raw)]) + raw
    return out + b"\x00"


def dns_query(txid: int, name: str, qtype: str, flags: int = 0x0100) -> bytes:
    return struct.pack("!HHHHHH", txid, flags, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", QTYPES[qtype], 1)


def dns_response(txid: int, name: str, qtype: str, answers: tuple[str, ...], ttl: int, rcode: int,
                 cname: str | None) -> bytes:
    question = dns_name(name) + struct.pack("!HH", QTYPES[qtype], 1)
    records = []
    owner = b"\xc0\x0c"                                   # pointer to the question's name
    if rcode == 0 and cname and answers:
        cname_offset = 12 + len(question) + 12            # where the CNAME's rdata starts
        rdata = dns_name(cname)
        records.append(owner + struct.pack("!HHIH", QTYPES["CNAME"], 1, ttl, len(rdata)) + rdata)
        owner = struct.pack("!H", 0xC000 | cname_offset)
    if rcode == 0:
        for addr in answers:
            packed = ipaddress.ip_address(addr).packed
            rtype = QTYPES["AAAA"] if len(packed) == 16 else QTYPES["A"]
            records.append(owner + struct.pack("!HHIH", rtype, 1, ttl, len(packed)) + packed)
    authority = []
    if rcode == 3 or not records:
        zone = name.rstrip(".").split(".")[-1]
        mname, rname = dns_name(f"a.nic.{zone}"), dns_name(f"hostmaster.nic.{zone}")
        soa = mname + rname + struct.pack("!IIIII", 2026031401, 1800, 900, 604800, 3600)
        authority.append(dns_name(zone) + struct.pack("!HHIH", QTYPES["SOA"], 1, 900, len(soa)) + soa)
    flags = 0x8180 | (rcode & 0xF)
    header = struct.pack("!HHHHHH", txid, flags, 1, len(records), len(authority), 0)
    return header + question + b"".join(records) + b"".join(authority)


def mdns_query(name: str) -> bytes:
    return struct.pack("!HHHHHH", 0, 0, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", QTYPES["PTR"], MDNS_QU_CLASS)
