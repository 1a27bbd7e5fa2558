"""`dumpsys accessibility`: the installed and enabled accessibility services, in the Android 14 syntax
(one "Enabled services:{{pkg/cls}, ...}" line) or the older Samsung-style blocks ("enabled services: {"
with one "N : component" line each), as the scenario asks."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.render.service_dump import ServiceDump


def render(dump: ServiceDump) -> MarkedText:
    return _legacy(dump) if dump.state.accessibility_syntax == "legacy" else _v14(dump)


def _label(dump: ServiceDump, package: str) -> str:
    pkg = dump.by_name.get(package)
    return pkg.label if pkg else package


def _v14(dump: ServiceDump) -> MarkedText:
    s, out = dump.state, MarkedText()
    installed = s.accessibility_installed
    bound = [c for c in s.accessibility_enabled if c.package in dump.by_name]
    out.add(f"Service host process PID: {dump.pid('system_server')}")
    out.add("Threads in use: 0/14")
    out.add(f"Client PIDs: {', '.join(str(p.pid) for p in s.processes if p.user.startswith('u0_a'))[:400]}")
    out.add("ACCESSIBILITY MANAGER (dumpsys accessibility)")
    out.add()
    out.add("currentUserId=0")
    out.add("hasWindowMagnificationConnection=false")
    out.add("Magnifier on display#0")
    out.add("    MagnificationConfig[mode: 1, activated: false, scale: 1.0, centerX: 540.0, centerY: 1170.0] ")
    out.add("    Magnification region=SkRegion((0,0,1080,2340))")
    out.add("    IdOfLastServiceToMagnify=-1")
    out.add("    SupportWindowMagnification=true")
    out.add("    WindowMagnificationConnectionState=DISCONNECTED")
    out.add("User state[")
    out.add("     attributes:{id=0, touchExplorationEnabled=false, serviceHandlesDoubleTap=false, "
            "requestMultiFingerGestures=false, requestTwoFingerPassthrough=false, "
            "sendMotionEventsEnabledfalse, displayMagnificationEnabled=false, autoclickEnabled=false, "
            "nonInteractiveUiTimeout=0, interactiveUiTimeout=0, "
            f"installedServiceCount={len(installed)}, magnificationModes={{0=1}}, "
            "magnificationCapabilities=3, audioDescriptionByDefaultEnabled=false, "
            "magnificationFollowTypingEnabled=true, alwaysOnMagnificationEnabled=true}")
    out.add("     shortcut key:{}")
    out.add("     button:{}")
    out.add("     button target:{null}")
    services = ", ".join(
        f"Service[label={_label(dump, c.package)}, feedbackType[FEEDBACK_GENERIC], capabilities=1, "
        "eventTypes=TYPES_ALL_MASK, notificationTimeout=100, requestA11yBtn=false]" for c in bound)
    out.add(f"     Bound services:{{{services}}}")
    enabled = ", ".join(f"{{{c.flat}}}" for c in s.accessibility_enabled)
    line = f"     Enabled services:{{{enabled}}}"
    marks = [(c.package, "accessibility") for c in s.accessibility_enabled]
    out.add(line, marks[0] if marks else None)
    for mark in marks[1:]:
        out.marks.setdefault(mark, len(out.lines))
    out.add("     Binding services:{}")
    out.add("     Crashed services:{}")
    out.add("     Client list info:{")
    out.add("          Client list callbacks: 6")
    out.add("          Client list killed: false")
    out.add("          Client list broadcasts count: -1")
    out.add("          Registered clients:{")
    clients = "".join(f"[{c.package}]" for c in bound)
    out.add(f"{clients}[com.android.systemui][com.android.settings]}}]")
    out.add()
    out.add("Proxy manager state:")
    out.add("    Number of proxy connections: 0")
    out.add("    Registered proxy connections:")
    out.add("Accessibility Display Listener:")
    systemui = dump.by_name.get("com.android.systemui")
    out.add(f"    SystemUI uid: {systemui.uid if systemui else 10076}")
    out.add("    1 valid display: 0")
    return out


def _legacy(dump: ServiceDump) -> MarkedText:
    """The Samsung-style dump of older releases: `installed services: {` / `enabled services: {`
    blocks with one "N : component" line each."""
    s, out = dump.state, MarkedText()
    out.add("ACCESSIBILITY MANAGER (dumpsys accessibility)")
    out.add()
    out.add("User state[attributes:{id=0, currentUser=true")
    for flag in ("mIsNavBarMagnificationAssignedToAccessibilityButton = false", "",
                 "mIsTouchExplorationEnabled = false", "mIsTextHighContrastEnabled = false",
                 "mIsDisplayMagnificationEnabled = false", "mIsAutoclickEnabled = false",
                 "mIsPerformGesturesEnabled = false", "mIsFilterKeyEventsEnabled = false",
                 "mAccessibilityFocusOnlyInActiveWindow = true", "mUserNonInteractiveUiTimeout = 0",
                 "mUserInteractiveUiTimeout = 0", "mBindInstantServiceAllowed = false",
                 "mIsGestureNaviBar = false"):
        out.add(f"  {flag}" if flag else "")
    out.add("  }")
    out.add("  installed services: {")
    for n, c in enumerate(s.accessibility_installed):
        out.add(f"    {n} : {c.short}")
    out.add("  }")
    out.add("  enabled services: {")
    for n, c in enumerate(s.accessibility_enabled):
        out.add(f"    {n} : {c.short}", (c.package, "accessibility"))
    out.add("  }")
    out.add("  binding services: {")
    out.add("  }")
    out.add("  bound services:{")
    for n, c in enumerate(c for c in s.accessibility_enabled if c.package in dump.by_name):
        out.add(f"    {n} : {c.short}")
    out.add("  }")
    out.add("  AccessibilityInputFilter:{")
    out.add("  }]")
    out.add()
    return out
