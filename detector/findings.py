"""Findings: what a rule or a device check concluded, with the evidence to check it.

Every finding carries enough for three readers: a plain sentence for the person being helped
(`explanation`), technical detail for an investigator (`detail`, `evidence`), and the innocent
explanations a support worker should consider (`benign_explanations`). Evidence always points back to a
packet number or an artefact line, so any finding can be verified by hand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

LEVELS = ("informational", "low", "medium", "high", "critical")
SAFETY_NOTE = (
    "Do not remove the app or change the phone's settings before a safety plan is in place: the person who "
    "installed it may notice, and removing it can destroy evidence."
)


@dataclass(frozen=True)
class Evidence:
    """One pointer back to the source: a packet or an artefact line."""

    source: str                  # "capture" | "device" | "stimuli"
    ref: str                     # "frame 1234" | "dumpsys.txt:567" | "packages.json"
    time: float | None = None    # epoch seconds (UTC)
    text: str = ""               # the line or a one-line summary of the packet
    file: str | None = None      # file name inside the evidence (capture.pcap, dumpsys.txt, ...)
    frame: int | None = None     # 1-based packet number, as Wireshark counts
    line: int | None = None      # 1-based line number in `file`


@dataclass(frozen=True)
class IndicatorHit:
    """The feed entry a finding matched (IOC findings only)."""

    value: str                   # the indicator as listed ("mirrorsync.example", "203.0.113.77", "ABCD...")
    kind: str                    # domain | ipv4 | ipv6 | cidr | cert_sha1 | package | signer_sha1 | apk_sha256
    role: str                    # c2 | distribution | website | package | certificate
    family: str                  # family name as the feed gives it
    family_type: str             # stalkerware | watchware | ...
    feed: str                    # feed name (and version) it came from
    matched: str = ""            # the observed value that matched (a subdomain, an address)


@dataclass(frozen=True)
class Finding:
    rule_id: str                 # stable id of the rule or check ("net.ioc.c2_domain", "dev.accessibility")
    level: str                   # one of LEVELS
    title: str                   # short, plain ("App can read everything on the screen")
    explanation: str             # one or two plain sentences for the person being helped
    detail: str                  # technical detail for an investigator
    subject: str | None = None   # the package, host or address the finding is about
    evidence: tuple[Evidence, ...] = ()
    indicator: IndicatorHit | None = None
    benign_explanations: tuple[str, ...] = ()
    safety_note: bool = False    # show SAFETY_NOTE with this finding
    first_seen: float | None = None
    last_seen: float | None = None
    tags: tuple[str, ...] = field(default=())   # e.g. ("heuristic",) or ("ioc",), ("suppressed-by:allowlist")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TimelineRow:
    time: float
    source: str                  # capture | device | stimuli
    what: str                    # plain sentence
    ref: str = ""                # evidence reference (frame / file:line)
    subject: str | None = None


@dataclass(frozen=True)
class CheckStatus:
    """How one device check or network stage went: never silent."""

    check: str
    status: str                  # "ok" | "not collected" | "error"
    detail: str = ""
