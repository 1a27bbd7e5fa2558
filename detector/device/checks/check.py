"""The shape of a device check (it writes records on `device.*` streams; rules in detector/rules/builtin/dev_*.yml
turn them into findings), and the facts about one app that every such record carries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from stalkerlab.detector.device.context import App, DeviceContext
from stalkerlab.detector.findings import Finding, TimelineRow


@dataclass
class CheckOutput:
    records: dict[str, list[dict]] = field(default_factory=dict)   # stream -> records, for the rules
    timeline: list[TimelineRow] = field(default_factory=list)
    detail: str = ""                 # shown in the check's status ("3 enabled services"); "{findings}" in it
    #                                  is replaced by the number of findings the rules made of the records
    problem: str = ""                # an artefact failed but the check went on without it: status "error"

    def add(self, stream: str, record: dict) -> None:
        self.records.setdefault(stream, []).append(record)


@dataclass(frozen=True)
class DeviceCheck:
    slug: str                        # "accessibility_services"
    reads: tuple[str, ...]           # artefacts, for the reader ("dumpsys accessibility", "settings_secure.txt")
    run: Callable[[DeviceContext], CheckOutput]
    depends_on: tuple[str, ...] = ()
    description: str = ""
    # timeline rows that depend on how the rules judged this check's records (their findings)
    timeline_of: Callable[[DeviceContext, list[Finding]], list[TimelineRow]] | None = None


def app_fields(ctx: DeviceContext, package: str) -> dict:
    """package, installed_via and installed_how of a package, installed or not (streams.py explains them)."""
    app = ctx.app(package)
    if app is None:
        via = "not installed" if ctx.inventory_complete else "not listed"
    else:
        via = "system" if app.system else app.installer_kind
    return {"package": package, "installed_via": via, "installed_how": how_installed(app)}


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


def install_evidence(app: App | None) -> tuple:
    if app is None:
        return ()
    return tuple(e for e in (app.installer_ref, app.originating_ref) if e is not None)
