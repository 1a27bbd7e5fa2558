"""AndroidQF's small JSON files: mounts.json and root_binaries.json (lists of strings, one-space indents),
files.json (the collector's `find` records, one JSON array; MVT also accepts one record per line)."""

from __future__ import annotations

import json

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.state import DeviceState


def render_mounts(state: DeviceState) -> str:
    return json.dumps(list(state.mounts), indent=1) + "\n"


def render_root_binaries(state: DeviceState) -> str:
    return json.dumps(list(state.root_binaries)) + "\n"


def render_files(state: DeviceState) -> MarkedText:
    records = [{
        "path": f.path, "size": f.size, "mode": f.mode, "user_id": f.user_id, "user_name": "",
        "group_id": f.group_id, "group_name": "", "changed_time": f.changed_time,
        "modified_time": f.modified_time, "access_time": f.access_time, "error": "", "context": f.context,
        "sha1": "", "sha256": f.sha256, "sha512": "", "md5": "",
    } for f in state.files]
    out = MarkedText()
    for line in json.dumps(records, indent=1).splitlines():
        mark = None
        if line.strip().startswith('"path": '):
            mark = ("file", json.loads(line.strip()[len('"path": '):].rstrip(",")))
        out.add(line, mark)
    return out
