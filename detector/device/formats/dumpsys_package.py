"""`dumpsys package`: per-package blocks (installer, install times, flags, permissions, disabled
components) and the resolver tables (which receivers listen for BOOT_COMPLETED, which activities are
MAIN entry points)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stalkerlab.detector.device.formats.dumpsys import Section

_PKG = re.compile(r"^  Package \[([^\]]+)\]")
_RESOLVER_ENTRY = re.compile(r"^\s+[0-9a-f]+ ([\w.]+)/([\w.$]+)")
_PERM = re.compile(r"^\s*([\w.\-]+): granted=(true|false)")


@dataclass
class PackageDump:
    name: str
    line: int
    code_path: str = ""
    system: bool = False
    version_name: str = ""
    installer: str = ""                     # installerPackageName ("" when the line is absent)
    installer_line: int = 0
    initiating: str = ""
    originating: str = ""                   # the app (browser, file manager) that handed over the APK
    originating_line: int = 0
    first_install: str = ""
    first_install_line: int = 0
    last_update: str = ""
    requested: dict[str, int] = field(default_factory=dict)          # permission -> line
    granted: dict[str, int] = field(default_factory=dict)            # install + runtime granted=true
    disabled_components: dict[str, int] = field(default_factory=dict)  # class -> line
    hidden: bool = False


@dataclass
class PackageSection:
    packages: dict[str, PackageDump] = field(default_factory=dict)
    receivers: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)   # action -> [(pkg, cls, line)]
    activities: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)  # action -> [(pkg, cls, line)]
    has_activity_table: bool = False
    file: str = ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def parse(section: Section) -> PackageSection:
    out = PackageSection(file=section.file)
    table: dict | None = None
    action = None
    current: PackageDump | None = None
    block, block_indent = None, 0
    for i, line in enumerate(section.lines):
        n = section.first_line + i
        stripped = line.strip()
        if not line.startswith(" ") and stripped.endswith(":"):
            current, block = None, None
            table = None
            if stripped in ("Activity Resolver Table:",):
                table, out.has_activity_table = out.activities, True
            elif stripped == "Receiver Resolver Table:":
                table = out.receivers
            continue
        if table is not None:
            if stripped.endswith(":") and _indent(line) == 6:
                action = stripped[:-1]
            elif action:
                m = _RESOLVER_ENTRY.match(line)
                if m:
                    pkg, cls = m.groups()
                    table.setdefault(action, []).append((pkg, pkg + cls if cls.startswith(".") else cls, n))
            continue
        m = _PKG.match(line)
        if m:
            current = PackageDump(m.group(1), n)
            out.packages.setdefault(current.name, current)
            block = None
            continue
        if current is None:
            continue
        if block and _indent(line) > block_indent and stripped:
            if block == "requested permissions":
                current.requested[stripped.split(":")[0]] = n
            elif block in ("install permissions", "runtime permissions"):
                pm = _PERM.match(line)
                if pm and pm.group(2) == "true":
                    current.granted[pm.group(1)] = n
            elif block == "disabledComponents":
                current.disabled_components[stripped] = n
            continue
        block = None
        if stripped.endswith(":") and stripped[:-1] in ("requested permissions", "install permissions",
                                                        "runtime permissions", "disabledComponents",
                                                        "enabledComponents", "declared permissions",
                                                        "usesLibraries", "usesLibraryFiles"):
            block, block_indent = stripped[:-1], _indent(line)
            continue
        key, sep, value = stripped.partition("=")
        if not sep:
            continue
        if key == "codePath":
            current.code_path = value
        elif key == "flags":
            current.system = " SYSTEM " in f" {value.strip('[] ')} "
        elif key == "versionName":
            current.version_name = value
        elif key == "installerPackageName":
            current.installer, current.installer_line = value, n
        elif key == "initiatingPackageName":
            current.initiating = value
        elif key == "originatingPackageName":
            current.originating, current.originating_line = value, n
        elif key == "firstInstallTime" and not current.first_install:
            current.first_install, current.first_install_line = value, n
        elif key == "lastUpdateTime":
            current.last_update = value
        elif key.startswith("User 0: ceDataInode"):
            current.hidden = " hidden=true" in stripped
    return out
