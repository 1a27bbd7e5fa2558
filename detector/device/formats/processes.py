"""Running processes: `ps -A` tables (ps.txt, processes.txt) and AndroidQF processes.json."""

from __future__ import annotations

from dataclasses import dataclass

from stalkerlab.detector.device.formats.json_document import JsonDocument, JsonTextError, NotAList
from stalkerlab.detector.device.formats.line_index import split_lines

# A phone runs a few hundred to a couple of thousand processes.
MAX_PROCESSES = 100_000
MAX_PROCESS_CHARS = 64 * 1024


class ProcessesError(ValueError):
    pass


@dataclass(frozen=True)
class ProcessRecord:
    user: str
    pid: int
    ppid: int
    name: str
    label: str
    line: int


def parse_ps(text: str) -> list[ProcessRecord]:
    """USER PID PPID VSZ RSS WCHAN ADDR S NAME, with an optional LABEL column first (ps -Z)."""
    lines = split_lines(text)
    header_at = next((i for i, line in enumerate(lines) if "PID" in line.split() and "USER" in line.split()), None)
    if header_at is None:
        raise ProcessesError("no ps header line (USER PID PPID ...)")
    cols = lines[header_at].split()
    label_first = cols[0] == "LABEL"
    out = []
    for i in range(header_at + 1, len(lines)):
        parts = lines[i].split(None, len(cols) - 1)
        if len(parts) < len(cols):
            continue
        label = parts.pop(0) if label_first else ""
        try:
            pid, ppid = int(parts[1]), int(parts[2])
        except ValueError:
            continue
        out.append(ProcessRecord(parts[0], pid, ppid, parts[-1].strip(), label, i + 1))
    return out


def parse_json(text: str) -> list[ProcessRecord]:
    doc = JsonDocument(text)
    out = []
    try:
        for pos, item in doc.elements("process", MAX_PROCESSES, MAX_PROCESS_CHARS):
            if not isinstance(item, dict):
                continue
            name = next((v for v in (item.get("name"), item.get("proc_name"), item.get("cmdline"))
                         if isinstance(v, str) and v), "")
            try:
                pid, ppid = int(item.get("pid") or 0), int(item.get("ppid") or 0)
            except (TypeError, ValueError, OverflowError):     # OverflowError: a pid of 1e400 is infinity
                continue
            at = doc.member_offsets(pos)
            out.append(ProcessRecord(str(item.get("user") or item.get("uid") or ""), pid, ppid, str(name),
                                     str(item.get("label") or item.get("context") or ""),
                                     doc.line_at(at.get("pid", pos))))
    except NotAList:
        raise ProcessesError("expected a JSON list of processes") from None
    except JsonTextError as exc:
        raise ProcessesError(str(exc)) from None
    return out
