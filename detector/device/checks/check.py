"""The shape of a device check, and the wording shared by checks about one app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from stalkerlab.detector.device.context import App, DeviceContext
from stalkerlab.detector.findings import TimelineRow


@dataclass
class CheckOutput:
    findings: list = field(default_factory=list)
    timeline: list[TimelineRow] = field(default_factory=list)
    detail: str = ""                 # shown in the check's status ("3 enabled services")
    problem: str = ""                # an artefact failed but the check went on without it: status "error"


@dataclass(frozen=True)
class DeviceCheck:
    slug: str                        # "accessibility_services"
    reads: tuple[str, ...]           # artefacts, for the reader ("dumpsys accessibility", "settings_secure.txt")
    run: Callable[[DeviceContext], CheckOutput]
    depends_on: tuple[str, ...] = ()
    description: str = ""


def how_installed(app: App | None) -> str:
    """A plain phrase: "installed from the Play Store", "installed from an APK file opened in com.android.chrome"."""
    if app is None:
        return "not in the package list of this acquisition"
    if app.system:
        return "part of the phone's system"
    kind = app.installer_kind
    if kind == "store":
        return f"installed from an app store ({app.installer})"
    if kind == "third-party store":
        return f"installed from the third-party store {app.installer}"
    if kind == "apk file":
        via = f" handed over by {app.originating}" if app.originating and app.originating != app.installer else ""
        return f"installed from an APK file ({app.installer}{via})"
    if kind == "adb or unknown":
        return "installed with no recorded installer (a computer over USB, a backup restore, or a sideload)"
    return f"installed by another app ({app.installer})"


def level_for_power(app: App | None) -> str | None:
    """How much a monitoring-capable permission weighs, by how the app got onto the phone.

    Store apps with these powers are common (password managers, smartwatch companions): low. The same
    power in an app installed from a file is how commercial stalkerware is set up: high. None for system
    components."""
    if app is None:
        return "medium"
    if app.system:
        return None
    kind = app.installer_kind
    if kind in ("store", "third-party store"):
        return "low"
    if kind == "adb or unknown":
        return "medium"
    return "high"


def install_evidence(app: App | None) -> tuple:
    if app is None:
        return ()
    return tuple(e for e in (app.installer_ref, app.originating_ref) if e is not None)
