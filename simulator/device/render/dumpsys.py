"""A full `dumpsys` (AndroidQF's dumpsys.txt, the DUMPSYS section of a bug report): "Currently running
services:", then one block per service: a line of 79 dashes, "DUMP OF SERVICE name:", the service's own
dump, and a trailer "--------- 0.012s was the duration of dumpsys name, ending at: <local time>"."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.render import (
    accessibility,
    adb,
    appops,
    batterystats,
    device_policy,
    dumpsys_package,
    dumpsys_settings,
    notification,
)
from stalkerlab.simulator.device.render.service_dump import ServiceDump
from stalkerlab.simulator.device.state import DeviceState
from stalkerlab.simulator.tables import table

DASHES = "-" * 79
_TABLE = table("device", "dumpsys")
RUNNING_SERVICES = tuple(_TABLE["running_services"])
SERVICES = {"accessibility": accessibility.render, "adb": adb.render, "appops": appops.render,
            "batterystats": batterystats.render, "device_policy": device_policy.render,
            "notification": notification.render, "package": dumpsys_package.render,
            "settings": dumpsys_settings.render}
# dumpsys runs a little after the acquisition starts (AndroidQF collects packages first)
START_AFTER_ACQUISITION_S = 41.0
PAUSE_BETWEEN_SERVICES_S = 0.2


def render(state: DeviceState) -> MarkedText:
    out = MarkedText()
    out.add("Currently running services:")
    for name in RUNNING_SERVICES:
        out.add(f"  {name}")
    now = state.acquisition_started + START_AFTER_ACQUISITION_S
    for name, duration in _TABLE["dumped_services"].items():
        dump = ServiceDump(state, now)
        out.add(DASHES)
        out.add(f"DUMP OF SERVICE {name}:")
        out.extend(SERVICES[name](dump))
        now += duration + PAUSE_BETWEEN_SERVICES_S
        out.add(f"--------- {duration:.3f}s was the duration of dumpsys {name}, ending at: {dump.clock.stamp(now)}")
    return out
