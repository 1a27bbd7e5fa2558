"""`dumpsys settings`: one row per setting with the package that wrote it and its default, as the settings
provider prints it (the plain settings_*.txt files are render/settings.py)."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.render.service_dump import ServiceDump
from stalkerlab.simulator.tables import table

_TABLE = table("device", "dumpsys")
CHANGED_BY = {(key, value): (writer, default) for key, value, writer, default in _TABLE["changed_settings"]}
SWITCHED_ON = frozenset(_TABLE["switched_on_in_settings"])


def render(dump: ServiceDump) -> MarkedText:
    out = MarkedText()
    row = 1
    for namespace in ("global", "secure", "system"):
        out.add(f"{namespace.upper()} SETTINGS (user 0)")
        for key, value in dump.state.settings[namespace]:
            if key in SWITCHED_ON:
                writer, default = "com.android.settings", "null"      # switched on in Settings
            else:
                writer, default = CHANGED_BY.get((key, value), ("android", value))
            out.add(f"_id:{row} name:{key} pkg:{writer} value:{value} default:{default} defaultSystemSet:true")
            row += 1
        out.add()
    return out
