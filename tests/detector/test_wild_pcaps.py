"""Real captures from public test suites (../shared/wild-pcaps, sources and licences in its PROVENANCE.md;
read from there, never copied into the project): for every file, the names the report observes equal the
names tshark shows, kind by kind (issue 10). An investigator who opens the capture in Wireshark must find no
name the report left out, and none the report made up.

tshark is asked to read HTTP by content on any port, as the detector does (an HTTP request to an SSH port is
still a request); names are compared in lower case, without a trailing dot or a Host port, and tshark's
placeholders for a name it could not read ("<name too long>", "<Root>") are no names.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from stalkerlab.detector.capture.reader import SUPPORTED_LINKS
from tshark_oracle import needs_tshark

HEURISTICS = ["--enable-heuristic", "http_tcp", "-o", "tcp.try_heuristic_first:TRUE"]
FIELDS = ["frame.protocols", "dns.qry.name", "dns.resp.name", "tls.handshake.extensions_server_name", "http.host",
          "dhcp.option.hostname"]


def wild_pcaps() -> list[Path]:
    folder = Path(__file__).resolve().parents[3] / "shared" / "wild-pcaps"
    return sorted(p for p in folder.glob("*.pcap*")) if folder.is_dir() else []


def normalise(name: str, host: bool = False) -> str | None:
    name = name.strip().lower().rstrip(".")
    if host:
        name = name[1:name.find("]")] if name.startswith("[") and "]" in name else (
            name.rsplit(":", 1)[0] if name.count(":") == 1 else name)
    return None if not name or (name.startswith("<") and name.endswith(">")) else name


def tshark_names(pcap: Path) -> dict[str, set[str]]:
    out = subprocess.run(["tshark", "-r", str(pcap), *HEURISTICS, "-T", "fields", "-E", "occurrence=a",
                          "-E", "aggregator=\x1f", *sum((["-e", f] for f in FIELDS), [])],
                         capture_output=True, text=True, check=True).stdout
    seen: dict[str, set[str]] = {k: set() for k in ("dns", "local_names", "sni", "http_hosts", "dhcp")}
    for row in out.splitlines():
        protocols, questions, records, sni, hosts, dhcp = (cell.split("\x1f") for cell in row.split("\t"))
        local = {"mdns", "llmnr"} & set(protocols[0].split(":"))
        found = {"local_names" if local else "dns": questions + (records if local else []), "sni": sni,
                 "http_hosts": hosts, "dhcp": dhcp}
        for kind, values in found.items():
            seen[kind] |= {n for n in (normalise(v, kind == "http_hosts") for v in values) if n}
    return seen


def report_names(report: dict) -> dict[str, set[str]]:
    observed = {kind: {normalise(o["name"], kind == "http_hosts") for o in report["observations"][kind]}
                for kind in ("dns", "local_names", "sni", "http_hosts")}
    observed["dhcp"] = {normalise(p["hostname"]) for p in report["coverage"]["capture"]["phones"] if p["hostname"]}
    return {kind: names - {None} for kind, names in observed.items()}


def _link_type(pcap: Path) -> int | None:
    """The link type of a classic pcap (None for pcapng, whose interfaces each have one)."""
    head = pcap.read_bytes()[:24]
    if head[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        return int.from_bytes(head[20:24], "little") & 0x0FFFFFFF
    if head[:4] in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        return int.from_bytes(head[20:24], "big") & 0x0FFFFFFF
    return None


@pytest.mark.slow
@needs_tshark
def test_the_report_observes_every_name_tshark_shows_and_no_other(run_cli, shared_dir, tmp_path):
    pcaps = wild_pcaps()
    if not pcaps:
        pytest.skip("../shared/wild-pcaps is absent")
    differences, compared = [], 0
    for pcap in pcaps:
        out = tmp_path / pcap.stem
        code, _out, err = run_cli("detect", "--pcap", pcap, "--out", out, "--no-pdf")
        link = _link_type(pcap)
        if code == 2:
            # a refusal is only right for a link type the README lists as not read
            assert link is not None and link not in SUPPORTED_LINKS and "link type" in err, (pcap.name, err)
            continue
        assert code == 0, (pcap.name, err)
        theirs, ours = tshark_names(pcap), report_names(json.loads((out / "report.json").read_text()))
        for kind in theirs:
            compared += len(theirs[kind])
            missing, extra = sorted(theirs[kind] - ours[kind]), sorted(ours[kind] - theirs[kind])
            if missing or extra:
                differences.append(f"{pcap.name} {kind}: missing {missing[:5]} extra {extra[:5]}")
    assert compared > 100, "the corpus should show well over a hundred names"
    assert not differences, "\n".join(differences)
