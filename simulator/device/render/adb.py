"""`dumpsys adb`: the acquiring computer's key, which USB debugging accepted."""

from __future__ import annotations

import base64
import hashlib

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.render.service_dump import ServiceDump


def adb_fingerprint(key: str) -> str:
    """The MD5 fingerprint adbd prints for a key ("F0:A1:...")."""
    digest = hashlib.md5(base64.b64decode(key.split(" ", 1)[0])).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


def render(dump: ServiceDump) -> MarkedText:
    out = MarkedText()
    out.add("ADB MANAGER STATE (dumpsys adb):")
    out.add("{")
    out.add("  debugging_manager={")
    out.add("    connected_to_adb=true")
    key = dump.state.adb_host_key
    connected = int((dump.state.acquisition_started - 20) * 1000)
    out.add(f"    last_key_received={adb_fingerprint(key)}")
    out.add(f"    user_keys={key}")
    out.add()
    out.add("    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>")
    out.add('    <keyStore version="1">')
    out.add(f'    <adbKey key="{key}" lastConnection="{connected}" />')
    out.add("    </keyStore>")
    out.add()
    out.add("  }")
    out.add("}")
    return out
