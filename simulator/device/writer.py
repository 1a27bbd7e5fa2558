"""Writing a DeviceState as an AndroidQF acquisition folder, and the index of its key artefact lines.

The folder must be new or empty (a stale file would contradict hashes.csv); `simulate` writes it inside its
staging folder. hashes.csv comes last and lists the SHA-256 of every other file, as AndroidQF does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from stalkerlab.simulator.device import render_files
from stalkerlab.simulator.device.bugreport import bugreport_zip
from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.render_dumpsys import render_dumpsys
from stalkerlab.simulator.device.state import DeviceState, StoryEvent

from stalkerlab.common.atomic_files import write_bytes_atomic
from stalkerlab.common.errors import UserError

# label in the marked text -> label in the index (per family package)
_PACKAGE_LABELS = {
    "packages.json": ("package_entry", "certificate", "installer_entry"),
    "dumpsys.txt": ("package_block", "install_time", "installer", "originating", "requested_permissions",
                    "runtime_permissions", "hidden_icon", "accessibility", "device_admin",
                    "notification_listener", "usage_access", "overlay", "battery_install", "uninstall",
                    "boot_receiver", "sms_receiver", "call_receiver"),
}


@dataclass(frozen=True)
class DeviceIndex:
    """Where each family's traces are: {package: {label: "file:line"}}, plus the files written and the
    installation story (times on the scenario clock). Plain data: `dataclasses.asdict` gives JSON."""

    files: tuple[str, ...]
    artefacts: dict[str, dict[str, str]] = field(default_factory=dict)
    story: tuple[StoryEvent, ...] = ()

    def as_dict(self) -> dict:
        return {
            "files": list(self.files),
            "artefacts": {pkg: dict(sorted(labels.items())) for pkg, labels in sorted(self.artefacts.items())},
            "story": [{"at": e.at, "package": e.package, "event": e.event, "detail": e.detail}
                      for e in self.story],
        }


def write_androidqf(state: DeviceState, folder: Path) -> DeviceIndex:
    folder = Path(folder)
    texts: dict[str, MarkedText | str | bytes] = {
        "acquisition.json": render_files.acquisition_json(state),
        "packages.json": render_files.packages_json(state),
        "getprop.txt": render_files.getprop_txt(state),
        "settings_system.txt": render_files.settings_txt(state, "system"),
        "settings_secure.txt": render_files.settings_txt(state, "secure"),
        "settings_global.txt": render_files.settings_txt(state, "global"),
        "dumpsys.txt": render_dumpsys(state),
        "processes.txt": render_files.ps_txt(state),
        "ps.txt": render_files.ps_txt(state),
        "root_binaries.json": render_files.root_binaries_json(state),
        "mounts.json": render_files.mounts_json(state),
        "files.json": render_files.files_json(state),
        "bugreport.zip": bugreport_zip(state),
    }
    blobs = {}
    for name, content in texts.items():
        if isinstance(content, MarkedText):
            content = content.text()
        blobs[name] = content.encode() if isinstance(content, str) else content
    hashes = "".join(f"{name},{hashlib.sha256(blobs[name]).hexdigest()}\n" for name in sorted(blobs))
    _write_folder(folder, blobs, hashes.encode())
    return DeviceIndex(files=tuple(sorted(blobs)) + ("hashes.csv",),
                       artefacts=_index(state, texts), story=state.story)


def _write_folder(folder: Path, blobs: dict[str, bytes], hashes: bytes) -> None:
    """Write into a new (or empty) folder: `simulate` builds it inside its staging folder, which moves the
    whole set into place (stalkerlab.common.owned_output); files already there are never replaced."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if any(folder.iterdir()):
            raise UserError(f"{folder}: holds files already; the device folder is written into a new folder")
        for name, data in blobs.items():
            write_bytes_atomic(folder / name, data)
        write_bytes_atomic(folder / "hashes.csv", hashes)   # last, like AndroidQF
    except OSError as exc:
        raise UserError(f"{folder}: cannot write the device folder ({exc.strerror})") from None


def _index(state: DeviceState, texts: dict) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    settings_secure: MarkedText = texts["settings_secure.txt"]
    settings_global: MarkedText = texts["settings_global.txt"]
    appops_marks = texts["dumpsys.txt"].marks
    ps: MarkedText = texts["ps.txt"]
    files: MarkedText = texts["files.json"]
    enabled_a11y = {c.package for c in state.accessibility_enabled}
    listeners = {c.package for c in state.notification_listeners}
    for _family_id, package, _presence in state.family_packages:
        entry: dict[str, str] = {}
        for file_name, labels in _PACKAGE_LABELS.items():
            marks = texts[file_name].marks
            for label in labels:
                if (package, label) in marks:
                    entry[label] = f"{file_name}:{marks[(package, label)]}"
        if package in enabled_a11y and ("settings", "enabled_accessibility_services") in settings_secure.marks:
            entry["accessibility_setting"] = \
                f"settings_secure.txt:{settings_secure.marks[('settings', 'enabled_accessibility_services')]}"
        if package in listeners and ("settings", "enabled_notification_listeners") in settings_secure.marks:
            entry["notification_setting"] = \
                f"settings_secure.txt:{settings_secure.marks[('settings', 'enabled_notification_listeners')]}"
        if (package, "process") in ps.marks:
            entry["process"] = f"ps.txt:{ps.marks[(package, 'process')]}"
        for event in state.story:
            if event.package != package:
                continue
            if event.event == "play_protect_off":
                line = settings_global.marks.get(("settings", "package_verifier_enable"))
                if line:
                    entry["play_protect_off"] = f"settings_global.txt:{line}"
            elif event.event == "unknown_sources_granted":
                source = event.detail.split(" ", 1)[0]
                if (source, "unknown_sources") in appops_marks:
                    entry["unknown_sources"] = f"dumpsys.txt:{appops_marks[(source, 'unknown_sources')]}"
            elif event.event == "downloaded" and ("file", event.detail) in files.marks:
                entry["downloaded_apk"] = f"files.json:{files.marks[('file', event.detail)]}"
        out[package] = entry
    return out
