"""What every device check reads: the acquisition's artefacts, parsed once and on demand, the package
inventory, the phone's time zone, the injected indicators, and the findings of the checks run so far.

An absent artefact raises `NotCollected`; an unreadable one raises `ArtefactError` naming the file: the
driver turns either into the check's status and carries on with the next check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property

from stalkerlab.detector.device.acquisition import Acquisition, ArtefactError
from stalkerlab.detector.device.formats import (
    accessibility,
    android_time,
    appops,
    batterystats,
    device_policy,
    dumpsys,
    dumpsys_package,
    getprop,
    json_lists,
    notification,
    packages_json,
    processes,
    settings,
)
from stalkerlab.detector.device.installers import installer_kind
from stalkerlab.detector.findings import Evidence, Finding

# dumpsys service -> base names of loose MVT-style files holding it alone
LOOSE_DUMPSYS = {
    "accessibility": ("dumpsys_accessibility*.txt",),
    "package": ("dumpsys_package*.txt",),
    "appops": ("dumpsys_appops*.txt",),
    "batterystats": ("dumpsys_battery*.txt", "dumpsys_batterystats*.txt"),
    "device_policy": ("dumpsys_device_policy*.txt",),
    "notification": ("dumpsys_notification*.txt",),
}
_JSON_START = re.compile(r"\s*[\[{]")
SYSTEM_CODE_PATHS = ("/system/", "/product/", "/vendor/", "/system_ext/", "/apex/", "/odm/", "/oem/")


class NotCollected(Exception):
    """The artefact a check needs is not in the acquisition (the message says which)."""


@dataclass
class App:
    """One installed package, from packages.json and/or dumpsys package."""

    name: str
    system: bool
    installer: str                        # "null" when none recorded
    installer_ref: Evidence | None = None
    originating: str = ""                 # the app that handed over the APK (dumpsys package)
    originating_ref: Evidence | None = None
    first_install: float | None = None
    install_ref: Evidence | None = None
    entry_ref: Evidence | None = None     # the package's own entry (packages.json or dumpsys package)
    record: packages_json.PackageRecord | None = None
    dump: dumpsys_package.PackageDump | None = None

    @property
    def installer_kind(self) -> str:
        return installer_kind(self.installer)

    @property
    def sideloaded(self) -> bool:
        """Installed from an APK file, over adb or by an unknown route: not from a store."""
        return not self.system and self.installer_kind in ("apk file", "adb or unknown", "other app")

    @property
    def from_store(self) -> bool:
        return self.installer_kind in ("store", "third-party store")


@dataclass
class DeviceContext:
    acq: Acquisition
    indicators: object | None = None
    findings: list[Finding] = field(default_factory=list)

    # --- raw access ----------------------------------------------------------------------------------
    def text(self, name: str) -> str:
        return self.acq.read_text(name)

    def line_text(self, file: str, line: int) -> str:
        try:
            return self.acq.lines(file).line(line).strip()[:500]
        except ArtefactError:
            return ""

    def evidence(self, file: str, line: int, text: str | None = None, time: float | None = None) -> Evidence:
        return Evidence(source="device", ref=f"{file}:{line}", file=file, line=line,
                        text=text if text is not None else self.line_text(file, line), time=time)

    # --- time ------------------------------------------------------------------------------------------
    @cached_property
    def timezone_name(self) -> str | None:
        try:
            props = self.getprop
        except (NotCollected, ArtefactError):
            return None
        value = props.get("persist.sys.timezone", ("", 0))[0]
        return value or None

    @cached_property
    def tz(self):
        return android_time.zone(self.timezone_name)

    def epoch(self, stamp: str) -> float | None:
        return android_time.local_epoch(stamp, self.tz)

    @cached_property
    def acquired_at(self) -> float | None:
        name = self.acq.first("acquisition.json")
        if name:
            try:
                data = json.loads(self.text(name))
                stamp = str(data.get("started") or "").replace("T", " ").rstrip("Z")
                t = android_time.local_epoch(stamp)           # AndroidQF writes UTC
                if t:
                    return t
            except (ValueError, ArtefactError, AttributeError, RecursionError):
                pass            # an unreadable acquisition.json only means the time is unknown
        return None

    # --- parsed artefacts (each parsed once) ---------------------------------------------------------------
    def _parsed(self, name: str, parse, error: type[Exception]):
        """parse(text of `name`); its `error` becomes an ArtefactError naming the file, raised outside the
        except block so that it does not keep the parser's frames (and the whole text) alive as its context."""
        try:
            return parse(self.text(name))
        except error as exc:
            problem = str(exc)
        raise ArtefactError(name, problem)

    def _need(self, *patterns: str) -> str:
        name = self.acq.first(*patterns)
        if name is None:
            raise NotCollected(f"{' / '.join(patterns)} not in the acquisition")
        return name

    @cached_property
    def getprop(self) -> dict[str, tuple[str, int]]:
        return getprop.parse(self.text(self._need("getprop.txt")))

    @cached_property
    def getprop_file(self) -> str:
        return self._need("getprop.txt")

    @cached_property
    def settings(self) -> dict[str, tuple[str, dict[str, tuple[str, int]]]]:
        """{"secure": (file, {key: (value, line)}), ...}; the namespace is "other" for MVT's loose files."""
        out = {}
        for name in self.acq.find("settings_*.txt"):
            ns = name.rsplit("/", 1)[-1][len("settings_"):-len(".txt")]
            ns = ns if ns in ("system", "secure", "global") else "other"
            if ns not in out:
                out[ns] = (name, settings.parse(self.text(name)))
        if not out:
            raise NotCollected("settings_*.txt not in the acquisition")
        return out

    def setting(self, key: str, namespaces=("secure", "global", "system", "other")) -> tuple[str, str, int] | None:
        """(value, file, line) of a setting, None when absent (or no settings collected)."""
        try:
            all_settings = self.settings
        except NotCollected:
            return None
        for ns in namespaces:
            if ns in all_settings and key in all_settings[ns][1]:
                value, line = all_settings[ns][1][key]
                return value, all_settings[ns][0], line
        return None

    @cached_property
    def _dumpsys(self) -> tuple[dict[str, list[dumpsys.Section]], dict[str, ArtefactError]]:
        """Sections by service, and the files that could not be read by the service they would have given
        ("*" for a full dumpsys): a loose file over budget costs its own service, not every other one."""
        out: dict[str, list[dumpsys.Section]] = {}
        refused: dict[str, ArtefactError] = {}
        for name in self.acq.find("dumpsys.txt") + self.acq.find("dumpstate.txt"):
            try:
                lines = self.acq.lines(name)
            except ArtefactError as exc:
                refused.setdefault("*", ArtefactError(exc.file, exc.problem))
                continue
            found = dumpsys.split_sections(lines, name)
            if not found and dumpsys.looks_binary(lines):
                refused.setdefault("*", ArtefactError(name, "not dumpsys text (binary data)"))
            for service, secs in found.items():
                out.setdefault(service, []).extend(secs)
        for service, patterns in LOOSE_DUMPSYS.items():
            for pattern in patterns:
                for name in self.acq.find(pattern):
                    try:
                        lines = self.acq.lines(name)
                    except ArtefactError as exc:
                        refused.setdefault(service, ArtefactError(exc.file, exc.problem))
                        continue
                    if dumpsys.looks_binary(lines):
                        refused.setdefault(service, ArtefactError(name, "not dumpsys text (binary data)"))
                        continue
                    found = dumpsys.split_sections(lines, name)
                    out.setdefault(service, []).extend(found.get(service) or
                                                       ([] if found else [dumpsys.whole_file(lines, name, service)]))
        return out, refused

    def sections(self, service: str) -> list[dumpsys.Section]:
        found, refused = self._dumpsys
        problem = refused.get(service) or refused.get("*")
        if problem:
            raise ArtefactError(problem.file, problem.problem)
        secs = found.get(service)
        if not secs:
            if self.acq.find("dumpsys.txt"):
                raise NotCollected(f"dumpsys.txt has no '{service}' service")
            raise NotCollected(f"dumpsys {service} not in the acquisition")
        return secs

    @cached_property
    def packages_json(self) -> list[packages_json.PackageRecord]:
        return self._parsed(self._need("packages.json"), packages_json.parse, packages_json.PackagesJsonError)

    @cached_property
    def packages_json_file(self) -> str:
        return self._need("packages.json")

    @cached_property
    def package_dump(self) -> dumpsys_package.PackageSection:
        merged = dumpsys_package.PackageSection()
        for sec in self.sections("package"):
            part = dumpsys_package.parse(sec)
            merged.file = merged.file or part.file
            for name, dump in part.packages.items():
                merged.packages.setdefault(name, dump)
            for table, src in ((merged.receivers, part.receivers), (merged.activities, part.activities)):
                for action, entries in src.items():
                    table.setdefault(action, []).extend(entries)
            merged.has_activity_table |= part.has_activity_table
        return merged

    @cached_property
    def accessibility_enabled(self) -> list[accessibility.A11yService]:
        return [s for sec in self.sections("accessibility") for s in accessibility.parse(sec)]

    @cached_property
    def device_policy(self) -> tuple[list[device_policy.Admin], list[device_policy.Owner]]:
        admins, owners = [], []
        for sec in self.sections("device_policy"):
            a, o = device_policy.parse(sec)
            admins += a
            owners += o
        return admins, owners

    @cached_property
    def notification_listeners(self) -> list[notification.Listener]:
        return [x for sec in self.sections("notification") for x in notification.parse(sec)]

    @cached_property
    def appops(self) -> list[appops.AppOpRecord]:
        return [x for sec in self.sections("appops") for x in appops.parse(sec)]

    @cached_property
    def package_changes(self) -> list[batterystats.PackageChange]:
        return [x for sec in self.sections("batterystats") for x in batterystats.parse(sec)]

    @cached_property
    def processes(self) -> tuple[str, list[processes.ProcessRecord]]:
        name = self._need("processes.json", "processes.txt", "ps.txt")

        def parse(text: str) -> list[processes.ProcessRecord]:
            # AndroidQF with its collector writes JSON into processes.txt; without it, `ps -A` output
            return (processes.parse_json if _JSON_START.match(text) else processes.parse_ps)(text)

        return name, self._parsed(name, parse, processes.ProcessesError)

    def json_strings(self, base: str) -> tuple[str, list[tuple[str, int]]]:
        name = self._need(base)
        return name, self._parsed(name, json_lists.parse_strings, json_lists.JsonListError)

    @cached_property
    def files(self) -> tuple[str, list[json_lists.FileEntry]]:
        name = self._need("files.json")
        return name, self._parsed(name, json_lists.parse_files, json_lists.JsonListError)

    # --- the package inventory ------------------------------------------------------------------------------
    @cached_property
    def inventory(self) -> dict[str, App]:
        """Installed packages by name; empty when neither packages.json nor dumpsys package could be read
        (the "packages" check reports why)."""
        apps: dict[str, App] = {}
        try:
            records = self.packages_json
            file = self.packages_json_file
        except (NotCollected, ArtefactError):
            records, file = [], ""
        for r in records:
            if r.name in apps:
                continue
            apps[r.name] = App(r.name, r.system, r.installer,
                               installer_ref=self.evidence(file, r.installer_line),
                               entry_ref=self.evidence(file, r.line), record=r)
        try:
            dumps = self.package_dump
        except (NotCollected, ArtefactError):
            dumps = None
        if dumps is not None:
            for name, d in dumps.packages.items():
                app = apps.get(name)
                system = d.system or d.code_path.startswith(SYSTEM_CODE_PATHS)
                if app is None:
                    if records:
                        continue     # packages.json is the list of installed apps; dumpsys also lists removed-but-kept
                    app = apps[name] = App(name, system, d.installer or "null",
                                           entry_ref=self.evidence(dumps.file, d.line))
                    if d.installer_line:
                        app.installer_ref = self.evidence(dumps.file, d.installer_line)
                app.dump = d
                if app.installer in ("null", "") and d.installer:
                    app.installer = d.installer
                    app.installer_ref = self.evidence(dumps.file, d.installer_line)
                if d.originating:
                    app.originating = d.originating
                    app.originating_ref = self.evidence(dumps.file, d.originating_line)
                if d.first_install:
                    app.first_install = self.epoch(d.first_install)
                    app.install_ref = self.evidence(dumps.file, d.first_install_line, time=app.first_install)
        return apps

    @cached_property
    def inventory_complete(self) -> bool:
        """True when packages.json was read: then a package missing from the inventory is not installed.
        (dumpsys package alone may be a fragment, as in MVT's loose files.)"""
        _ = self.inventory
        try:
            return bool(self.packages_json)
        except (NotCollected, ArtefactError):
            return False

    def app(self, package: str) -> App | None:
        return self.inventory.get(package)
