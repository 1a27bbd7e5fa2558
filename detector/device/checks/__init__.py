"""Device checks, one module per check, listed (not discovered) in the order they run: a check's
`depends_on` always comes earlier in DEVICE_CHECKS."""

from stalkerlab.detector.device.checks import (
    accessibility_services,
    device_admin,
    hidden_icon,
    install_source,
    known_indicators,
    notification_listeners,
    packages,
    permissions,
    platform_name,
    play_protect,
    root,
    stalkerware_profile,
    uninstalls,
    unknown_sources,
    usage_access,
)
from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck

DEVICE_CHECKS: tuple[DeviceCheck, ...] = (
    packages.CHECK,
    known_indicators.CHECK,
    install_source.CHECK,
    accessibility_services.CHECK,
    notification_listeners.CHECK,
    device_admin.CHECK,
    usage_access.CHECK,
    hidden_icon.CHECK,
    permissions.CHECK,
    platform_name.CHECK,
    play_protect.CHECK,
    unknown_sources.CHECK,
    root.CHECK,
    uninstalls.CHECK,
    stalkerware_profile.CHECK,
)

__all__ = ["DEVICE_CHECKS", "CheckOutput", "DeviceCheck"]
