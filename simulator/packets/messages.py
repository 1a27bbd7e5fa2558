"""Clear-text messages: DNS (with name compression), DHCP, NTP, mDNS, HTTP/1.1."""

from __future__ import annotations

import ipaddress
import struct
from datetime import datetime, timezone

QTYPES = {"A": 1, "AAAA": 28, "CNAME": 5, "HTTPS": 65, "PTR": 12, "SOA": 6}
NTP_EPOCH_OFFSET = 2208988800


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
    return struct.pack("!HHHHHH", 0, 0, 1, 0, 0, 0) + dns_name(name) + struct.pack("!HH", QTYPES["PTR"], 0x8001)


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


def ntp_timestamp(t: float) -> bytes:
    seconds = int(t) + NTP_EPOCH_OFFSET
    fraction = int((t - int(t)) * (1 << 32)) & 0xFFFFFFFF
    return struct.pack("!II", seconds & 0xFFFFFFFF, fraction)


def ntp_request(t: float) -> bytes:
    return bytes([0x23, 0, 6, 0xE9]) + b"\0" * 36 + ntp_timestamp(t)


def ntp_response(request_t: float, received_t: float, sent_t: float) -> bytes:
    return (bytes([0x24, 2, 6, 0xE9]) + struct.pack("!II", 0x00000010, 0x00000020) + b"GOOG"
            + ntp_timestamp(sent_t - 30) + ntp_timestamp(request_t) + ntp_timestamp(received_t)
            + ntp_timestamp(sent_t))


def http_date(t: float) -> str:
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


def http_request_head(method: str, host: str, path: str, headers: tuple[tuple[str, str], ...], body_len: int) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers]
    if body_len or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {body_len}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def http_response_head(status: int, t: float, headers: tuple[tuple[str, str], ...], body_len: int) -> bytes:
    reason = {200: "OK", 204: "No Content", 404: "Not Found"}.get(status, "OK")
    lines = [f"HTTP/1.1 {status} {reason}", f"Date: {http_date(t)}"]
    lines += [f"{k}: {v}" for k, v in headers]
    if status != 204:
        if not any(k.lower() == "content-type" for k, _ in headers):
            lines.append("Content-Type: application/octet-stream")
        lines.append(f"Content-Length: {body_len}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
