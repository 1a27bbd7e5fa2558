"""Hostile evidence for the reports (issue 8): text that acts instead of showing, a value too long to lay
out, and more names than a page can hold. Each case writes its inputs and returns the `stalkerlab detect`
arguments, report.pdf included (the PDF is what a long value used to make slow).

tests/hostile/test_reports_evidence_text.py runs the same cases and checks what the reports show.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "detector"))
import capture_builders as cb  # noqa: E402  (the project's hand-built capture frames)

ESC = "\x1b"
# clears the screen, moves to the top, prints a fake verdict, retitles the terminal window
FAMILY = f"{ESC}[2J{ESC}[HVerdict: no-indicators{ESC}]0;all clear\x07"
C2 = "api.evilspy.example"
# a right-to-left override in a package name turns the rest of the line around ("exe.png" reads "gnp.exe")
PACKAGE = "com.evil\u202egnp.exe"
# NUL, ESC with a colour sequence, a C1 control (NEL), a bidi isolate and a zero-width space
CONTROLS_PACKAGE = f"org.x\x00{ESC}[31m\x85\u2066\u200by"
LONG_NAME = ".".join(["a" * 62] * 646)[:40_000]     # 40,000 characters in labels of 62
# below the capture's cap on one observation list (5,000 values: the rest is counted in coverage)
MANY_NAMES = 4_000


def _capture(path: Path, packets: list[bytes]) -> None:
    path.write_bytes(cb.pcap(cb.LINK_WRAP["ethernet"](p) for p in packets))


def _contact_c2() -> list[bytes]:
    """A lookup of the feed's C2 name and a TLS connection to it."""
    return (cb.dns_exchange(cb.dns_query(C2), cb.dns_response(C2))
            + cb.tcp_segments(cb.client_hello(C2), cb.server_flight()))


def _feed(path: Path) -> Path:
    path.write_text(json.dumps([{"name": FAMILY, "type": "stalkerware", "packages": [PACKAGE],
                                 "c2": {"domains": [C2]}}]), encoding="utf-8")
    return path


def _device(folder: Path) -> Path:
    """A device folder of one file: two apps installed from a file, with hostile names."""
    folder.mkdir(parents=True, exist_ok=True)
    apps = [{"name": name, "files": [], "installer": "null", "uid": 10100 + i, "disabled": False, "system": False,
             "third_party": True} for i, name in enumerate((PACKAGE, CONTROLS_PACKAGE))]
    (folder / "packages.json").write_text(json.dumps(apps), encoding="utf-8")
    return folder


def _stimuli(path: Path) -> Path:
    path.write_text(json.dumps({"actions": [{"time": "2026-03-12T07:20:00.005Z", "action": f"\u202eotohp{ESC}[2J",
                                             "note": f"Take a photo{ESC}[1A"}]}), encoding="utf-8")
    return path


def case_text_that_acts(workdir: Path) -> list[str]:
    """Terminal escapes in a feed's family name, bidi and C0/C1 controls in package names and actions"""
    _capture(workdir / "capture.pcap", _contact_c2())
    return ["detect", "--pcap", str(workdir / "capture.pcap"), "--device", str(_device(workdir / "device")),
            "--stimuli", str(_stimuli(workdir / "stimuli.json")), "--feed", str(_feed(workdir / "ioc.yaml")),
            "--out", str(workdir / "report")]


def case_long_dns_name(workdir: Path) -> list[str]:
    """One 40,000-character server name in an HTTP Host header (as a DNS name it used to make the PDF take about
    100 s; a DNS name that long is now refused as tshark refuses it, a Host header still carries it)"""
    _capture(workdir / "capture.pcap",
             _contact_c2() + cb.tcp_segments(cb.http_request(LONG_NAME), b"", dport=80))
    return ["detect", "--pcap", str(workdir / "capture.pcap"), "--out", str(workdir / "report")]


def case_many_names(workdir: Path) -> list[str]:
    """4,000 different DNS names, the feed's C2 name last (the page lists the first 200, every match included)"""
    lookups = [cb.ip_packet(4, 17, cb.udp(53002, 53, cb.dns_query(f"n{i}.many.example", i & 0xFFFF)))
               for i in range(MANY_NAMES - 1)]
    _capture(workdir / "capture.pcap", lookups + _contact_c2())
    return ["detect", "--pcap", str(workdir / "capture.pcap"), "--feed", str(_feed(workdir / "ioc.yaml")),
            "--out", str(workdir / "report")]
