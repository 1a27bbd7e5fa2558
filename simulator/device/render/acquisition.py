"""AndroidQF's acquisition.json: the acquisition's id, AndroidQF's version, when it started and completed
(in the acquiring computer's zone, taken as the phone's) and the computer's ADB key."""

from __future__ import annotations

import json

from stalkerlab.simulator.device.marked_text import Clock
from stalkerlab.simulator.device.state import DeviceState

ANDROIDQF_VERSION = "v1.7.2"


def go_time(t: float, clock: Clock) -> str:
    """Go's time.Time JSON form: RFC 3339, the fraction without trailing zeros, "Z" for a zero offset."""
    local = clock.local(t)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if local.microsecond:
        text += f".{local.microsecond:06d}".rstrip("0")
    offset = local.strftime("%z")
    return text + ("Z" if offset == "+0000" else f"{offset[:3]}:{offset[3:]}")


def render(state: DeviceState) -> str:
    clock = Clock(state.timezone)
    record = {
        "uuid": state.acquisition_uuid,
        "androidqf_version": ANDROIDQF_VERSION,
        "storage_path": f"/home/analyst/androidqf/{state.acquisition_uuid}",
        "started": go_time(state.acquisition_started, clock),
        "completed": go_time(state.acquisition_completed, clock),
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
