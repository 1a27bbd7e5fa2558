"""Answer types: how a learner's typed answer is normalised and compared with the expected value.

Normalisation forgives what does not matter (case and a trailing dot of a domain, the spelling of an IPv6
address, MAC separators, spaces in a hash, thousands separators) and nothing that does. A submission that
cannot be read as its type is `invalid`: it costs no attempt, and the learner is told what shape is wanted.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from stalkerlab.common.utc_time import epoch

MAX_ANSWER_CHARS = 4000


class Unreadable(ValueError):
    """The submission is not a value of the answer's type; the message says what shape is wanted."""


def _domain(text: str) -> str:
    text = text.strip()
    if "://" in text:   # a pasted URL: its host is the answer
        text = urlsplit(text).hostname or ""
    text = text.strip().rstrip(".").lower()
    try:
        name = text if text.isascii() else text.encode("idna").decode("ascii")
    except UnicodeError:
        name = ""
    if not re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*", name):
        raise Unreadable("a domain name such as api.example.com")
    return name


def _ip(text: str) -> str:
    try:
        return ipaddress.ip_address(text.strip().strip("[]")).compressed
    except ValueError:
        raise Unreadable("an IPv4 or IPv6 address such as 203.0.113.7 or 2001:db8::1") from None


def _mac(text: str) -> str:
    digits = re.sub(r"[\s:.-]", "", text.strip()).lower()
    if not re.fullmatch(r"[0-9a-f]{12}", digits):
        raise Unreadable("a MAC address such as 82:93:fb:85:4a:9c")
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def _package(text: str) -> str:
    text = text.strip()
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+", text):
        raise Unreadable("an Android package name such as com.example.app")
    return text.lower()


def _sha256(text: str) -> str:
    digits = re.sub(r"[\s:]", "", text.strip()).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digits):
        raise Unreadable("a SHA-256 hash: 64 hexadecimal characters")
    return digits


def _integer(text: str) -> int:
    text = re.sub(r"\s*(s|sec|secs|seconds?|bytes?|B|octets?)$", "", str(text).strip())   # a unit after it
    cleaned = re.sub(r"[\s,_'\u00a0\u202f]", "", text)
    if not re.fullmatch(r"[+-]?\d+", cleaned):
        raise Unreadable("a whole number such as 1426942")
    return int(cleaned)


def _packet(text: str) -> int:
    cleaned = re.sub(r"^(frame|packet|no\.?|#)\s*", "", str(text).strip().lower())
    value = _integer(cleaned)
    if value < 1:
        raise Unreadable("a packet number as Wireshark shows it (the first packet is 1)")
    return value


def _timestamp(text: str) -> float:
    try:
        return epoch(str(text).strip().replace(" ", "T", 1) if "T" not in str(text) else str(text).strip())
    except ValueError:
        raise Unreadable("a date and time such as 2026-03-15T09:02:07Z (UTC)") from None


def _choice(text: str) -> str:
    return str(text).strip().lower()


NORMALISE = {"domain": _domain, "ip": _ip, "mac": _mac, "package": _package, "sha256": _sha256,
             "integer": _integer, "packet": _packet, "timestamp": _timestamp, "choice": _choice}


def normalise(kind: str, value: object) -> object:
    """The comparable form of an expected value or a submission of this type (Unreadable when it is not one)."""
    if isinstance(value, bool) or value is None:
        raise Unreadable("an answer")
    if kind in ("integer", "packet") and isinstance(value, int | float):
        return round(value)   # an expected 300.0 seconds is the whole number 300
    if kind == "timestamp" and isinstance(value, int | float):
        return float(value)
    return NORMALISE[kind](str(value))


def within(kind: str, expected: object, submitted: object, tolerance: float | str | None) -> bool:
    """Equal, or close enough for a timestamp (seconds) or a number (absolute, or "5%" of the expected)."""
    if tolerance in (None, 0) or kind not in ("timestamp", "integer"):
        return expected == submitted
    if isinstance(tolerance, str) and tolerance.endswith("%"):
        allowed = abs(float(expected)) * float(tolerance[:-1]) / 100
    else:
        allowed = float(tolerance)
    return abs(float(expected) - float(submitted)) <= allowed


def split_items(text: str) -> list[str]:
    """The items of a typed list: one per line, or separated by commas or semicolons."""
    return [item.strip() for item in re.split(r"[\n,;]+", str(text)) if item.strip()]


@dataclass(frozen=True)
class SetScore:
    right: int
    wrong: int
    missing: int

    @property
    def fraction(self) -> float:
        """Partial credit: each wrong item cancels a right one, so listing everything earns nothing."""
        total = self.right + self.missing
        return max(0.0, (self.right - self.wrong) / total) if total else 0.0


def score_set(expected: set, submitted: set) -> SetScore:
    return SetScore(len(expected & submitted), len(submitted - expected), len(expected - submitted))
