"""AndroidQF's packages.json: one record per package with its APK files (hashes, signing certificate),
installer, uid and flags, pretty-printed with four-space indents as in MVT's test artefacts."""

from __future__ import annotations

import json

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.signing import certificate_record
from stalkerlab.simulator.device.state import DeviceState


def render(state: DeviceState) -> MarkedText:
    records = []
    for pkg in state.packages:
        records.append({
            "name": pkg.name,
            "files": [{
                "path": pkg.apk.path,
                "local_name": "",
                "md5": pkg.apk.md5,
                "sha1": pkg.apk.sha1,
                "sha256": pkg.apk.sha256,
                "sha512": pkg.apk.sha512,
                "error": "",
                "verified_certificate": True,
                "certificate": certificate_record(pkg.signer),
                "certificate_error": "",
                "trusted_certificate": pkg.trusted_certificate,
            }],
            "installer": pkg.installer,
            "uid": pkg.uid,
            "disabled": pkg.disabled,
            "system": pkg.system,
            "third_party": not pkg.system,
        })
    out = MarkedText()
    current = None
    for line in json.dumps(records, indent=4).splitlines():
        stripped = line.strip()
        mark = None
        if stripped.startswith('"name": '):
            current = json.loads(stripped[len('"name": '):].rstrip(","))
            mark = (current, "package_entry")
        elif stripped.startswith('"Sha1": ') and current:
            mark = (current, "certificate")
        elif stripped.startswith('"installer": ') and current:
            mark = (current, "installer_entry")
        out.add(line, mark)
    return out
