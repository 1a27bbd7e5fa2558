"""DHCP (RFC 2131) client messages: the hostname and MAC a phone gives when it joins the network, which
tie a capture to the phone being checked."""

from __future__ import annotations

from stalkerlab.detector.capture.events import DhcpMessage

MAGIC_COOKIE = b"\x63\x82\x53\x63"
MESSAGE_TYPES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK", 7: "RELEASE",
                 8: "INFORM"}


def parse_dhcp(data: bytes) -> DhcpMessage | None:
    if len(data) < 240 or data[236:240] != MAGIC_COOKIE or data[1] != 1 or data[2] != 6:
        return None
    message = hostname = vendor_class = requested_ip = None
    pos = 240
    while pos < len(data) and data[pos] != 255:
        code = data[pos]
        if code == 0:                                   # padding
            pos += 1
            continue
        if pos + 1 >= len(data):
            break
        value = data[pos + 2:pos + 2 + data[pos + 1]]
        pos += 2 + data[pos + 1]
        if code == 53 and value:
            message = MESSAGE_TYPES.get(value[0], str(value[0]))
        elif code == 12:
            hostname = value.rstrip(b"\0").decode("ascii", "replace")      # some clients pad it with NULs
        elif code == 60:
            vendor_class = value.decode("ascii", "replace")
        elif code == 50 and len(value) == 4:
            requested_ip = ".".join(map(str, value))
    return DhcpMessage(message, ":".join(f"{b:02x}" for b in data[28:34]), hostname, vendor_class, requested_ip)
