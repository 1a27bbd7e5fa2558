"""NTP (RFC 5905) client request and server response: the phone sets its clock when it joins the network."""

from __future__ import annotations

import struct

NTP_EPOCH_OFFSET = 2208988800    # seconds from 1900-01-01 (NTP's era) to 1970-01-01


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
