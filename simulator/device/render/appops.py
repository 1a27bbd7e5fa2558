"""`dumpsys appops`: per uid and package, each app-op's mode and its recorded accesses (local time, and how
long before the dump)."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText, format_duration
from stalkerlab.simulator.device.render.service_dump import ServiceDump, uid_name

# the app-ops the answer key cites, by the label of the footprint they show
CITED_OPS = {"GET_USAGE_STATS": "usage_access", "REQUEST_INSTALL_PACKAGES": "unknown_sources",
             "SYSTEM_ALERT_WINDOW": "overlay"}


def render(dump: ServiceDump) -> MarkedText:
    out = MarkedText()
    out.add("Current AppOps Service state:")
    out.add("  Settings:")
    out.add("    top_state_settle_time=+30s0ms")
    out.add("    fg_service_state_settle_time=+10s0ms")
    out.add("    bg_state_settle_time=+1s0ms")
    out.add()
    uid = package = None
    for op in dump.state.appops:
        if op.uid != uid:
            uid, package = op.uid, None
            out.add(f"  Uid {uid_name(op.uid)}:")
            out.add("    state=cch")
        if op.package != package:
            package = op.package
            out.add(f"    Package {op.package}:")
        mark = (op.package, CITED_OPS[op.op]) if op.op in CITED_OPS else None
        out.add(f"      {op.op} ({op.mode}):", mark)
        for access in op.accesses:
            out.add(f"          Access: [{access.uid_state}] {dump.clock.stamp_ms(access.at)} "
                    f"({format_duration(access.at - dump.now)})")
    out.add()
    return out
