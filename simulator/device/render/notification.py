"""`dumpsys notification`: the notification listeners allowed, enabled and live."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.render.service_dump import ServiceDump, object_id


def render(dump: ServiceDump) -> MarkedText:
    s, out = dump.state, MarkedText()
    listeners = s.notification_listeners
    out.add("Current Notification Manager state:")
    out.add("  Notification List:")
    out.add("  mSoundNotificationKey=null")
    out.add("  mVibrateNotificationKey=null")
    out.add("  mDisableNotificationEffects=null")
    out.add("  mCallState=CALL_STATE_IDLE")
    out.add()
    out.add("  Notification listeners:")
    out.add("    Allowed notification listeners:")
    if listeners:
        out.add(f"      {':'.join(c.flat for c in listeners)} (user: 0 isPrimary: true)")
    out.add(f"    All notification listeners ({len(listeners)}) enabled for current profiles:")
    for c in listeners:
        out.add(f"      ComponentInfo{{{c.flat}}}", (c.package, "notification_listener"))
    out.add(f"    Live notification listeners ({len(listeners)}):")
    for c in listeners:
        pkg = dump.by_name.get(c.package)
        system = " SYSTEM" if pkg is not None and pkg.system else ""
        out.add(f"      ComponentInfo{{{c.flat}}} (user 0): android.service.notification."
                f"INotificationListener$Stub$Proxy@{object_id('listener', c.flat)}{system}")
    out.add("    Snoozed notification listeners (0):")
    out.add()
    return out
