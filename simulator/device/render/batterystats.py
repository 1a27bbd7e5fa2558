"""`dumpsys batterystats`: the battery history's head and the daily stats, whose "Package changes:" list
every install, update and removal of the last ten days (rolled over at night, local time)."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.render.service_dump import ServiceDump


def render(dump: ServiceDump) -> MarkedText:
    s, out, clock = dump.state, MarkedText(), dump.clock
    day = 86400.0
    reset = s.boot_time
    out.add("Battery History (1% used, 41KB used of 4096KB, 112 strings using 11928):")
    out.add(f"                    0 (19) RESET:TIME: {clock.daily(reset)}")
    out.add("                    0 (2) 100 c0100024 status=discharging health=good plug=none temp=260 "
            "volt=4345 current=226 -nr_connected")
    out.add("                    0 (2) 100 c0100024 user=0:\"0\"")
    out.add("                    0 (2) 100 c0100024 userfg=0:\"0\"")
    out.add("               +343ms (3) 100 80000024 -wake_lock -screen stats=0:\"get-stats\"")
    out.add("             +1s235ms (4) 100 c0000020 +wake_lock=1000:\"ActivityManager-Sleep\" "
            "brightness=dark stats=0:\"screen-state\"")
    out.add("             +1s314ms (1) 100 80000020 -wake_lock")
    out.add()
    out.add()
    # Daily items roll over at night, local time; Android keeps the last ten.
    local_now = clock.local(dump.now)
    roll = local_now.replace(hour=2, minute=3, second=56, microsecond=0).timestamp()
    if roll > dump.now:
        roll -= day
    out.add("Daily stats:")
    out.add(f"  Current start time: {clock.daily(roll)}")
    out.add(f"  Next min deadline: {clock.daily(roll + day - 3 * 3600 + 3)}")
    out.add(f"  Next max deadline: {clock.daily(roll + day + 3600 - 236)}")
    out.add("  Current daily discharge step durations:")
    out.add("    #0: +2h44m59s971ms to 98 (screen-off, power-save-off, device-idle-on)")
    out.add("      Discharge total time: 11d 10h 59m 57s 100ms  (from 1 steps)")
    current = [c for c in s.package_changes if roll <= c.at <= dump.now]
    if current:
        _package_changes(out, "    ", current)
    for back in range(10):
        end = roll - back * day
        start = end - day
        out.add(f"  Daily from {clock.daily(start)} to {clock.daily(end)}:")
        out.add("    Discharge step durations:")
        out.add(f"      #0: +2h{21 + back}m35s4ms to {75 + back} (screen-off, power-save-off)")
        out.add(f"      #1: +1h{46 + back}m26s999ms to {76 + back} (screen-off, power-save-off)")
        out.add(f"        Discharge total time: 9d 16h {11 + back}m 19s 400ms  (from 2 steps)")
        changes = [c for c in s.package_changes if start <= c.at < end]
        if changes:
            _package_changes(out, "    ", changes)
    return out


def _package_changes(out: MarkedText, prefix: str, changes) -> None:
    out.add(f"{prefix}Package changes:")
    for change in changes:
        if change.update:
            out.add(f"{prefix}  Update {change.package} vers={change.version_code}",
                    (change.package, "battery_install"))
        else:
            out.add(f"{prefix}  Uninstall {change.package}", (change.package, "uninstall"))
