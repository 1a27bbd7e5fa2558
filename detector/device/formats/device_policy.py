"""`dumpsys device_policy`: enabled device admins per user, and the device / profile owners."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stalkerlab.detector.device.formats.dumpsys import Section

_ADMIN = re.compile(r"^\s{4}([\w.]+)/([\w.$]+):\s*$")
_OWNER_PKG = re.compile(r"(?:package|mPackageName)=([\w.]+)")


@dataclass(frozen=True)
class Admin:
    package: str
    cls: str
    line: int
    text: str
    policies: tuple[str, ...] = ()
    file: str = ""


@dataclass(frozen=True)
class Owner:
    package: str
    kind: str                # "device owner" | "profile owner"
    line: int
    text: str
    file: str = ""


def parse(section: Section) -> tuple[list[Admin], list[Owner]]:
    admins: list[Admin] = []
    owners: list[Owner] = []
    in_admins, owner_kind, in_policies = False, None, False
    current: dict | None = None

    def close() -> None:
        if current:
            admins.append(Admin(current["pkg"], current["cls"], current["line"], current["text"],
                                tuple(current["policies"]), section.file))

    for i, line in enumerate(section.lines):
        n = section.first_line + i
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if stripped.startswith("Enabled Device Admins"):
            close()
            current, in_admins, owner_kind = None, True, None
            continue
        if stripped.startswith(("Device Owner", "Profile Owner")) and stripped.endswith(":"):
            close()
            current, in_admins = None, False
            owner_kind = "device owner" if stripped.startswith("Device") else "profile owner"
            continue
        if owner_kind:
            m = _OWNER_PKG.search(stripped) or re.search(r"admin=ComponentInfo\{([\w.]+)/", stripped)
            if m:
                owners.append(Owner(m.group(1), owner_kind, n, stripped, section.file))
                owner_kind = None
            elif stripped and indent <= 2:
                owner_kind = None
            continue
        if not in_admins or not stripped:
            continue
        m = _ADMIN.match(line)
        if m:
            close()
            pkg, cls = m.groups()
            current = {"pkg": pkg, "cls": pkg + cls if cls.startswith(".") else cls, "line": n, "text": stripped,
                       "policies": []}
            in_policies = False
        elif indent <= 4:
            close()
            current, in_admins = None, False
        elif current is not None and stripped == "policies:":
            in_policies = True
        elif current is not None and in_policies and indent >= 8 and "=" not in stripped:
            current["policies"].append(stripped)
        else:
            in_policies = False
    close()
    return admins, owners
