"""The phone's image as data (device/data/system_packages.yml): the packages each make ships, who signs
them, which store or installer puts apps on the phone, and the components the system enables itself."""

from __future__ import annotations

from stalkerlab.simulator.tables import table

_TABLE = table("device", "system_packages")


def _rows(rows: list) -> tuple[tuple[str, str, str, int], ...]:
    return tuple((name, folder, partition, uid) for name, folder, partition, uid in rows)


def _pairs(rows: list) -> tuple[tuple[str, str], ...]:
    return tuple((first, second) for first, second in rows)


AOSP = _rows(_TABLE["aosp"])
GMS = _rows(_TABLE["gms"])
BY_MANUFACTURER = {make: _rows(rows) for make, rows in _TABLE["by_manufacturer"].items()}
DEFAULT_MANUFACTURER = "Google"
PACKAGE_INSTALLER: str = _TABLE["package_installer"]
PLAY_STORE = "com.android.vending"
STORES = frozenset(_TABLE["stores"])
PLAY_UPDATED = frozenset(_TABLE["play_updated"])
GOOGLE_APP_SIGNER: str = _TABLE["google_app_signer"]
_GOOGLE_SIGNED = frozenset(_TABLE["google_signed_besides_com_google"])
PLATFORM_SIGNERS: dict[str, str] = dict(_TABLE["platform_signers"])
BUILTIN_ACCESSIBILITY = {make: _pairs(rows) for make, rows in _TABLE["builtin_accessibility"].items()}
DEFAULT_NOTIFICATION_LISTENERS = _pairs(_TABLE["default_notification_listeners"])
DEFAULT_DEVICE_ADMINS = _pairs(_TABLE["default_device_admins"])
SYSTEM_RECEIVERS = tuple((owner, action, cls) for owner, action, cls in _TABLE["system_receivers"])
SYSTEM_UID_USERS: dict[int, str] = dict(_TABLE["system_uid_users"])


def system_packages(manufacturer: str) -> tuple[tuple[str, str, str, int], ...]:
    """The image's packages for a make, without duplicates, AOSP first."""
    seen: set[str] = set()
    rows = []
    for row in AOSP + GMS + BY_MANUFACTURER.get(manufacturer, BY_MANUFACTURER[DEFAULT_MANUFACTURER]):
        if row[0] not in seen:
            seen.add(row[0])
            rows.append(row)
    return tuple(rows)


def google_signed(package: str) -> bool:
    """Signed with Google's app key rather than the make's platform key or the developer's own."""
    return package.startswith("com.google.") or package in _GOOGLE_SIGNED


def platform_signer(manufacturer: str) -> str:
    return PLATFORM_SIGNERS.get(manufacturer, PLATFORM_SIGNERS[DEFAULT_MANUFACTURER])
