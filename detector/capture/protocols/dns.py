"""DNS messages (RFC 1035): the question and A / AAAA / CNAME answers with their TTLs. Name compression
is followed at most 20 jumps, so a pointer loop ends as "not DNS" instead of a hang."""

from __future__ import annotations

import socket
import struct

from stalkerlab.detector.capture.events import DnsAnswer, DnsMessage

QTYPE_NAMES = {1: "A", 28: "AAAA", 5: "CNAME", 65: "HTTPS", 12: "PTR", 16: "TXT", 33: "SRV", 6: "SOA"}
MAX_JUMPS = 20
MAX_ANSWERS = 64


def _name(data: bytes, pos: int) -> tuple[str, int]:
    labels, jumps, end = [], 0, None
    while True:
        if pos >= len(data):
            raise ValueError("name runs past the message")
        length = data[pos]
        if length & 0xC0 == 0xC0:
            if pos + 1 >= len(data):
                raise ValueError("cut pointer")
            jumps += 1
            if jumps > MAX_JUMPS:
                raise ValueError("compression loop")
            if end is None:
                end = pos + 2
            pos = ((length & 0x3F) << 8) | data[pos + 1]
            continue
        if length == 0:
            return ".".join(labels).lower(), (end if end is not None else pos + 1)
        labels.append(data[pos + 1:pos + 1 + length].decode("ascii", "replace"))
        pos += 1 + length


def parse_dns(data: bytes) -> DnsMessage | None:
    try:
        txid, flags, qd, an = struct.unpack("!HHHH", data[:8])
        if qd < 1:
            return None
        name, pos = _name(data, 12)
        qtype = struct.unpack("!H", data[pos:pos + 2])[0]
        pos += 4
        answers = []
        for _ in range(min(an, MAX_ANSWERS)):
            _owner, pos = _name(data, pos)
            rtype, _cls, ttl, rdlen = struct.unpack("!HHIH", data[pos:pos + 10])
            pos += 10
            rdata = data[pos:pos + rdlen]
            if rtype == 1 and rdlen == 4:
                answers.append(DnsAnswer("A", socket.inet_ntop(socket.AF_INET, rdata), ttl))
            elif rtype == 28 and rdlen == 16:
                answers.append(DnsAnswer("AAAA", socket.inet_ntop(socket.AF_INET6, rdata), ttl))
            elif rtype == 5:
                answers.append(DnsAnswer("CNAME", _name(data, pos)[0], ttl))
            pos += rdlen
        return DnsMessage(txid, bool(flags & 0x8000), flags & 0xF, name, QTYPE_NAMES.get(qtype, str(qtype)),
                          tuple(answers))
    except (ValueError, struct.error, IndexError):
        return None
