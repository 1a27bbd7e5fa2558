"""AndroidQF's settings_system.txt, settings_secure.txt and settings_global.txt: "key=value" lines."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.state import DeviceState

# the settings the answer key cites
CITED = frozenset(("enabled_accessibility_services", "enabled_notification_listeners", "package_verifier_enable",
                   "upload_apk_enable", "accessibility_enabled"))


def render(state: DeviceState, namespace: str) -> MarkedText:
    out = MarkedText()
    for key, value in state.settings[namespace]:
        out.add(f"{key}={value}", ("settings", key) if key in CITED else None)
    return out
