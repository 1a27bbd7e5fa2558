"""The acquisition itself: its id, when AndroidQF ran, and the acquiring computer's ADB key."""

from __future__ import annotations

import base64
import hashlib
import uuid

from stalkerlab.simulator.device.build.draft import Draft


def acquisition_times(draft: Draft) -> tuple[float, float]:
    """(started, completed): a few minutes after the capture ends."""
    rng = draft.rng
    started = round(draft.instance.end + rng.uniform(60, 240), 6)
    return started, round(started + rng.uniform(150, 420), 6)


def acquisition_uuid(draft: Draft) -> str:
    i = draft.instance
    return str(uuid.UUID(bytes=hashlib.sha256(f"acquisition:{i.seed}:{i.scenario.id}".encode()).digest()[:16],
                         version=4))


def adb_host_key(seed: str) -> str:
    """An ADB public key in Android's RSA blob layout (len, n0inv, n[64], rr[64], e), base64, as `adb keygen`
    writes it. Stand-in numbers: only the layout matters to the tools reading it."""
    words = bytearray()
    block = seed.encode()
    while len(words) < 516:
        block = hashlib.sha256(block).digest()
        words += block
    blob = (64).to_bytes(4, "little") + bytes(words[:516]) + (65537).to_bytes(4, "little")
    return f"{base64.b64encode(blob).decode()} analyst@forensics-laptop"
