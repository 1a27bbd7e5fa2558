"""The phone's settings (system, secure, global): the shared defaults of device/data/settings.yml, what
the make, the person and the scenario set, what a family switched on (accessibility, notification access,
Play Protect off) and a few values that differ from phone to phone."""

from __future__ import annotations

from stalkerlab.simulator.device.build.draft import Draft
from stalkerlab.simulator.device.state import Component
from stalkerlab.simulator.tables import table

_TABLE = table("device", "settings")
NAMESPACES = ("system", "secure", "global")


def phone_settings(draft: Draft, a11y: list[Component], listeners: list[Component],
                   play_protect_off: bool) -> dict[str, tuple[tuple[str, str], ...]]:
    """{namespace: sorted (key, value) pairs}. The random values are drawn in a fixed order."""
    p, rng, scenario = draft.persona, draft.rng, draft.instance.scenario
    values = {name: dict(_TABLE[name]) for name in NAMESPACES}
    for name, extra in _TABLE["by_manufacturer"].get(p.manufacturer, {}).items():
        values[name].update(extra)
    system, secure, glob = values["system"], values["secure"], values["global"]

    ime = _TABLE["input_methods"].get(p.manufacturer, _TABLE["input_methods"]["default"])
    secure["android_id"] = "".join(rng.choice("0123456789abcdef") for _ in range(16))
    secure.update(default_input_method=ime, enabled_input_methods=ime, bluetooth_name=p.model,
                  accessibility_enabled="1" if a11y else "0",
                  enabled_notification_listeners=":".join(c.flat for c in listeners))
    secure["ui_night_mode"] = str(rng.choice((1, 2)))
    if a11y:
        secure["enabled_accessibility_services"] = ":".join(c.flat for c in a11y)
        secure["touch_exploration_enabled"] = "0"

    glob["boot_count"] = str(rng.randint(40, 400))
    glob["device_name"] = p.model
    # Uninstalling an app does not switch Play Protect back on: the setting outlives the family.
    glob["package_verifier_enable"] = glob["upload_apk_enable"] = "0" if play_protect_off else "1"
    glob["bluetooth_on"] = str(rng.choice((0, 1)))
    glob["private_dns_mode"] = "hostname" if scenario.private_dns else "opportunistic"
    if scenario.private_dns:
        glob["private_dns_specifier"] = _TABLE["private_dns_specifier"]

    system["screen_brightness"] = str(rng.randint(40, 200))
    system["screen_off_timeout"] = str(rng.choice((30000, 60000, 120000)))
    system["time_12_24"] = "12" if p.locale == "en_US" else "24"
    system["volume_music"] = str(rng.randint(3, 15))
    system["volume_ring"] = str(rng.randint(3, 15))
    return {name: tuple(sorted(values[name].items())) for name in NAMESPACES}
