"""`stalkerlab detect` from inputs to the report dict: capture -> events -> rules -> findings; device
folder -> checks -> findings; both -> verdict, families, timeline, observations, coverage, manifest.

The report is a pure function of the inputs and settings (no wall clock, host or user in it), so the
same evidence always gives a byte-identical report.json.
"""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from stalkerlab.detector.analysis.network import analyse_network
from stalkerlab.detector.capture.flows import analyse_packets
from stalkerlab.detector.capture.reader import CaptureError
from stalkerlab.detector.device import analyse_device
from stalkerlab.detector.device.formats.json_document import visible
from stalkerlab.detector.findings import SAFETY_NOTE, Finding, TimelineRow
from stalkerlab.detector.iocs import load_feeds
from stalkerlab.detector.rules.engine import run_rules
from stalkerlab.detector.rules.schema import load_rules
from stalkerlab.detector.stimuli import load_stimuli
from stalkerlab.detector.verdict import FEED_STALE_DAYS, decide, stale_feed_reasons

from stalkerlab import __version__
from stalkerlab.common.errors import UserError
from stalkerlab.common.utc_time import iso
from stalkerlab.common.verdicts import VERDICT_WORDS

REPORT_SCHEMA = "stalkerlab-report/1"
@dataclass
class DetectInputs:
    pcap: Path | None = None
    device: Path | None = None
    stimuli: Path | None = None
    feeds: list[Path] = field(default_factory=list)
    rules: list[Path] = field(default_factory=list)


_CHUNK = 1 << 20
_ZEROS = bytes(_CHUNK)


def _hash_file(handle, digest, buffer: bytearray) -> int:
    """Feeds the file to `digest` in chunks through one reused buffer (a fresh 1 MB per read costs page
    faults); the holes of a sparse file are fed as zeros without reading them (reading them would fill the
    page cache with gigabytes of zeros). Returns the number of bytes hashed."""
    fd, view = handle.fileno(), memoryview(buffer)
    end, pos = os.fstat(fd).st_size, 0
    while pos < end:
        try:
            data = os.lseek(fd, pos, os.SEEK_DATA)
            hole = os.lseek(fd, data, os.SEEK_HOLE)
        except OSError as exc:
            if exc.errno != errno.ENXIO:          # no hole support: read everything
                data, hole = pos, end
            else:                                 # only a hole from here to the end
                data = hole = end
        for at in range(pos, data, _CHUNK):
            digest.update(_ZEROS[:min(_CHUNK, data - at)])
        os.lseek(fd, data, os.SEEK_SET)
        left = min(hole, end) - data
        while left > 0 and (count := handle.readinto(view[:min(_CHUNK, left)])):
            digest.update(view[:count])
            left -= count
        pos = min(hole, end) - left               # a file cut short while read ends the hashing there
        if left:
            break
    return pos


def _sha256(path: Path) -> tuple[str, int]:
    """SHA-256 of a file, or of a folder's files (relative name, NUL, bytes; in name order), streamed: a 2 GB
    file in a device folder costs seconds, never 2 GB of memory."""
    digest, size, buffer = hashlib.sha256(), 0, bytearray(_CHUNK)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for item in files:
        if item is not path:
            digest.update(os.fsencode(item.relative_to(path)) + b"\0")
        try:
            with open(item, "rb", buffering=0) as handle:
                size += _hash_file(handle, digest, buffer)
        except OSError as exc:
            raise UserError(f"{item}: cannot read it to hash the evidence ({exc.strerror})") from None
    return digest.hexdigest(), size


def _finding_dict(f: Finding) -> dict:
    d = asdict(f)
    d["first_seen"], d["last_seen"] = iso(f.first_seen), iso(f.last_seen)
    for e in d["evidence"]:
        e["time"] = iso(e["time"])
    return d


def run_detection(inputs: DetectInputs, progress=None) -> dict:
    """`progress(bytes_read)`, when given, follows the reading of the capture (for a progress bar)."""
    if not inputs.pcap and not inputs.device:
        raise UserError("give a capture (--pcap FILE) or a device folder (--device DIR|ZIP), or both")
    for label, path in (("--pcap", inputs.pcap), ("--device", inputs.device), ("--stimuli", inputs.stimuli)):
        if path is not None and not Path(path).exists():
            raise UserError(f"{path}: no such file or folder (given as {label})")
    indicators = load_feeds(inputs.feeds)
    rules = load_rules(inputs.rules)
    stimuli = load_stimuli(inputs.stimuli) if inputs.stimuli else []
    findings: list[Finding] = []
    timeline: list[TimelineRow] = [TimelineRow(s.time, "stimuli", f"The person: {s.action}"
                                               + (f" ({s.note})" if s.note else ""), "stimuli.json")
                                   for s in stimuli]
    suppressed: list[dict] = []
    observations = {"dns": [], "local_names": [], "sni": [], "http_hosts": [], "ips": []}
    coverage: dict = {"capture": None, "device": None}
    capture_meta = {"first_packet_time": None, "last_packet_time": None, "packets": 0}
    if inputs.pcap:
        try:
            facts = analyse_packets(Path(inputs.pcap), progress)
        except CaptureError as exc:
            raise UserError(str(exc)) from None
        net = analyse_network(facts, indicators, stimuli)
        net_findings, suppressed = run_rules(rules, net.streams)
        findings.extend(net_findings)
        timeline.extend(net.timeline)
        observations = net.observations.as_report(iso)
        coverage["capture"] = net.coverage
        capture_meta = {"first_packet_time": iso(facts.state.first_ts), "last_packet_time": iso(facts.state.last_ts),
                        "packets": facts.packets}
    if inputs.device:
        device = analyse_device(Path(inputs.device), indicators, rules=rules)
        findings.extend(device.findings)
        timeline.extend(device.timeline)
        coverage["device"] = {"collected": True, "checks": [asdict(s) for s in device.statuses]}
    feeds = [f.as_dict() for f in indicators.feeds]
    evidence_time = facts.state.last_ts if inputs.pcap else (device.acquired_at if inputs.device else None)
    verdict = decide(findings, have_capture=bool(inputs.pcap), have_device=bool(inputs.device),
                     stale_feeds=stale_feed_reasons(feeds, evidence_time))
    if coverage["capture"] and coverage["capture"]["truncated"]:
        verdict.reasons.append({"code": "partial", "text": "The capture file is cut short: "
                                + coverage["capture"]["partial_reason"] + ". The analysis covers what was read."})
    timeline.sort(key=lambda r: (r.time, r.source, r.what))
    manifest_inputs = []
    for role, path in (("pcap", inputs.pcap), ("device", inputs.device), ("stimuli", inputs.stimuli)):
        if path:
            # the capture was hashed while it was read
            digest, size = (facts.state.sha256, facts.state.size) if role == "pcap" else _sha256(Path(path))
            manifest_inputs.append({"role": role, "path": visible(Path(path).name), "sha256": digest, "size": size})
    return {
        "schema": REPORT_SCHEMA,
        "verdict": verdict.verdict,
        "verdict_text": VERDICT_WORDS[verdict.verdict],
        "verdict_reasons": verdict.reasons,
        "safety_note": SAFETY_NOTE,
        "families": [a.as_dict() for a in verdict.families],
        "findings": [_finding_dict(f) for f in findings],
        "suppressed": suppressed,
        "timeline": [{"time": iso(r.time), "source": r.source, "what": r.what, "ref": r.ref, "subject": r.subject}
                     for r in timeline],
        "observations": observations,
        "coverage": coverage,
        "stimuli": [{"time": iso(s.time), "action": s.action, "note": s.note} for s in stimuli] or None,
        "manifest": {
            "tool": {"name": "stalkerlab", "version": __version__},
            "inputs": manifest_inputs,
            "feeds": feeds,
            "rules": sorted(r.id for r in rules),
            "settings": {"extra_rules": [Path(p).name for p in inputs.rules], "feed_stale_days": FEED_STALE_DAYS},
            "capture": capture_meta,
        },
    }
