"""The AndroidQF files other than dumpsys.txt, each formatted as AndroidQF writes it.

JSON files are written the way AndroidQF's Go code writes them: packages.json pretty-printed with
four-space indents (as in MVT's test artefacts), the others compact. Text files end with a newline.
"""

from __future__ import annotations

import json

from stalkerlab.simulator.device.marked_text import Clock, MarkedText
from stalkerlab.simulator.device.signing import certificate_record
from stalkerlab.simulator.device.state import DeviceState

ANDROIDQF_VERSION = "v1.7.2"


def packages_json(state: DeviceState) -> MarkedText:
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


def _iso_local(t: float, clock: Clock) -> str:
    """Go's time.Time JSON form (RFC 3339, fraction without trailing zeros, "Z" for a zero offset), in
    the acquiring computer's zone (taken as the phone's)."""
    local = clock.local(t)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if local.microsecond:
        text += f".{local.microsecond:06d}".rstrip("0")
    offset = local.strftime("%z")
    return text + ("Z" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}")


def acquisition_json(state: DeviceState) -> str:
    clock = Clock(state.timezone)
    record = {
        "uuid": state.acquisition_uuid,
        "androidqf_version": ANDROIDQF_VERSION,
        "storage_path": f"/home/analyst/androidqf/{state.acquisition_uuid}",
        "started": _iso_local(state.acquisition_started, clock),
        "completed": _iso_local(state.acquisition_completed, clock),
        "collector": {
            "ExePath": "/data/local/tmp/collector",
            "Installed": True,
            "Architecture": "arm64",
        },
        "tmp_dir": "/data/local/tmp/",
        "sdcard": "/sdcard/",
        "cpu": "arm64-v8a",
        "serial": state.persona.serial,
        "adb_host_public_key": state.adb_host_key,
    }
    return json.dumps(record, indent=1) + "\n"


def getprop_txt(state: DeviceState) -> MarkedText:
    out = MarkedText()
    for key, value in state.properties:
        out.add(f"[{key}]: [{value}]", ("device", key))
    return out


def settings_txt(state: DeviceState, namespace: str) -> MarkedText:
    out = MarkedText()
    for key, value in state.settings[namespace]:
        mark = None
        if key in ("enabled_accessibility_services", "enabled_notification_listeners",
                   "package_verifier_enable", "upload_apk_enable", "accessibility_enabled"):
            mark = ("settings", key)
        out.add(f"{key}={value}", mark)
    return out


def ps_txt(state: DeviceState) -> MarkedText:
    out = MarkedText()
    out.add(f"{'USER':<12} {'PID':>5} {'PPID':>5} {'VSZ':>7} {'RSS':>6} {'WCHAN':<16} {'ADDR':>4} S NAME")
    for p in state.processes:
        out.add(f"{p.user:<12} {p.pid:>5} {p.ppid:>5} {p.vsz:>7} {p.rss:>6} {p.wchan:<16} {0:>4} {p.state} {p.name}",
                (p.name, "process"))
    return out


def mounts_json(state: DeviceState) -> str:
    return json.dumps(list(state.mounts), indent=1) + "\n"


def root_binaries_json(state: DeviceState) -> str:
    return json.dumps(list(state.root_binaries)) + "\n"


def files_json(state: DeviceState) -> MarkedText:
    """AndroidQF's collector `find` records, one JSON array (MVT also accepts one record per line)."""
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
