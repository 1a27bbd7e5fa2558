"""DNS messages (RFC 1035), also as mDNS and LLMNR speak them: every question, and the A / AAAA / CNAME
answers with their TTLs. Name compression is followed at most 20 jumps, so a pointer loop ends as "not DNS"
instead of a hang. A message cut short (a small snapshot length) keeps what was read before the cut, as
Wireshark shows it; a name longer than DNS allows (255) is no name."""

from __future__ import annotations

import socket
import struct

from stalkerlab.detector.capture.events import DnsAnswer, DnsMessage

QTYPE_NAMES = {1: "A", 28: "AAAA", 5: "CNAME", 65: "HTTPS", 12: "PTR", 16: "TXT", 33: "SRV", 6: "SOA"}
MAX_JUMPS = 20
MAX_ANSWERS = 64
MAX_RECORDS = 256              # record names read from one mDNS message
MAX_NAME = 255


def _name(data: bytes, pos: int) -> tuple[str, int]:
    labels, jumps, end, length_total = [], 0, None, 0
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
        if length & 0xC0:
            raise ValueError("unknown label type")
        if length == 0:
            return ".".join(labels).lower(), (end if end is not None else pos + 1)
        if pos + 1 + length > len(data):
            raise ValueError("label runs past the message")
        length_total += length + 1
        if length_total > MAX_NAME:
            raise ValueError("name too long")
        labels.append(data[pos + 1:pos + 1 + length].decode("ascii", "replace"))
        pos += 1 + length


def _questions(data: bytes, count: int) -> tuple[list[tuple[str, int]], int | None]:
    """[(name, qtype)] of the questions, and where the answers start (None when the message is cut or
    damaged inside the questions: the questions read before stay)."""
    questions, pos = [], 12
    for _ in range(count):
        try:
            name, pos = _name(data, pos)
        except ValueError:
            return questions, None
        if pos + 4 > len(data):
            return questions, None                  # Wireshark shows a question only with its type and class
        questions.append((name, (data[pos] << 8) | data[pos + 1]))
        pos += 4
    return questions, pos


def parse_dns(data: bytes, record_names: bool = False) -> DnsMessage | None:
    """None when not DNS. `record_names` also reads the owner name of every record (mDNS announcements carry
    their service names there and may have no question at all)."""
    if len(data) < 12:
        return None
    txid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", data[:12])
    questions, pos = _questions(data, qd)
    if not questions and not (record_names and qd == 0 and pos is not None and an + ns + ar):
        return None
    answers, owners = [], []
    try:
        for index in range(min(an + ns + ar if record_names else an, MAX_RECORDS)):
            if pos is None:
                break
            owner, pos = _name(data, pos)
            rtype, _cls, ttl, rdlen = struct.unpack("!HHIH", data[pos:pos + 10])
            pos += 10
            rdata = data[pos:pos + rdlen]
            owners.append(owner)
            if index < min(an, MAX_ANSWERS):
                if rtype == 1 and rdlen == 4:
                    answers.append(DnsAnswer("A", socket.inet_ntop(socket.AF_INET, rdata), ttl))
                elif rtype == 28 and rdlen == 16:
                    answers.append(DnsAnswer("AAAA", socket.inet_ntop(socket.AF_INET6, rdata), ttl))
                elif rtype == 5:
                    answers.append(DnsAnswer("CNAME", _name(data, pos)[0], ttl))
            pos += rdlen
    except (ValueError, struct.error, IndexError):
        pass                    # the records read before a cut or damage stay, as Wireshark shows them
    first, qtype = questions[0] if questions else ("", 0)
    return DnsMessage(txid, bool(flags & 0x8000), flags & 0xF, first, QTYPE_NAMES.get(qtype, str(qtype)),
                      tuple(answers), questions=tuple(name for name, _ in questions),
                      record_names=tuple(dict.fromkeys(owners)) if record_names else ())
