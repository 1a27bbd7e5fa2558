"""Reference solution: settings_secure.txt for the screen and notification powers, dumpsys device_policy for the
administrators, packages.json for where each app came from."""

from pathlib import Path

from stalkerlab.labs.learner_tools import installed_packages


def solve(files: Path) -> dict[str, str]:
    device = files / "device"
    apps = {p["name"]: p for p in installed_packages(device)}
    screen = [n for n in _setting_packages(device, "enabled_accessibility_services") if not apps[n]["system"]]
    notifications = [n for n in _setting_packages(device, "enabled_notification_listeners") if not apps[n]["system"]]
    admins = _device_admins(device)
    all_three = set(screen) & set(notifications) & set(admins)
    assert len(all_three) == 1, all_three
    assert apps["com.x8bit.bitwarden"]["installer"] == "com.android.vending"   # the look-alike came from the store
    return {"screen-readers": "\n".join(screen), "notification-readers": "\n".join(notifications),
            "device-admins": "\n".join(admins), "all-three": all_three.pop(), "password-manager": "purpose",
            "smartwatch": "ask-watch"}


def _setting_packages(device: Path, key: str) -> list[str]:
    for line in (device / "settings_secure.txt").read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if name == key:
            return sorted({component.split("/")[0] for component in value.split(":") if component})
    return []


def _device_admins(device: Path) -> list[str]:
    lines = (device / "dumpsys.txt").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Enabled Device Admins"))
    admins = []
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        if line.startswith("    ") and not line.startswith("     ") and line.rstrip().endswith(":"):
            admins.append(line.strip().rstrip(":").split("/")[0])
    return sorted(admins)
