"""How Android files each permission: runtime (asked for), install-time (granted silently) or special
access (an app-op the person switches on in Settings), and which app-op records its use."""

from __future__ import annotations

P = "android.permission."

RUNTIME = frozenset(P + n for n in (
    "ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION", "ACCESS_BACKGROUND_LOCATION", "ACCESS_MEDIA_LOCATION",
    "READ_SMS", "RECEIVE_SMS", "SEND_SMS", "RECEIVE_MMS", "READ_CALL_LOG", "WRITE_CALL_LOG",
    "PROCESS_OUTGOING_CALLS", "READ_CONTACTS", "WRITE_CONTACTS", "GET_ACCOUNTS", "RECORD_AUDIO", "CAMERA",
    "READ_EXTERNAL_STORAGE", "WRITE_EXTERNAL_STORAGE", "READ_MEDIA_IMAGES", "READ_MEDIA_VIDEO",
    "READ_MEDIA_AUDIO", "READ_PHONE_STATE", "READ_PHONE_NUMBERS", "CALL_PHONE", "READ_CALENDAR",
    "WRITE_CALENDAR", "POST_NOTIFICATIONS", "BLUETOOTH_CONNECT", "BLUETOOTH_SCAN", "NEARBY_WIFI_DEVICES",
    "BODY_SENSORS", "ACTIVITY_RECOGNITION", "ANSWER_PHONE_CALLS",
))

# Granted through a Settings screen and recorded as an app-op, not in the permission lists.
SPECIAL_ACCESS = {
    P + "SYSTEM_ALERT_WINDOW": "SYSTEM_ALERT_WINDOW",
    P + "PACKAGE_USAGE_STATS": "GET_USAGE_STATS",
    P + "REQUEST_INSTALL_PACKAGES": "REQUEST_INSTALL_PACKAGES",
    P + "MANAGE_EXTERNAL_STORAGE": "MANAGE_EXTERNAL_STORAGE",
    P + "WRITE_SETTINGS": "WRITE_SETTINGS",
}

# Runtime permission -> the app-op that logs each use (what `dumpsys appops` shows with times).
OP_OF_PERMISSION = {
    P + "ACCESS_FINE_LOCATION": "FINE_LOCATION",
    P + "ACCESS_COARSE_LOCATION": "COARSE_LOCATION",
    P + "CAMERA": "CAMERA",
    P + "RECORD_AUDIO": "RECORD_AUDIO",
    P + "READ_SMS": "READ_SMS",
    P + "RECEIVE_SMS": "RECEIVE_SMS",
    P + "READ_CALL_LOG": "READ_CALL_LOG",
    P + "READ_CONTACTS": "READ_CONTACTS",
    P + "READ_PHONE_STATE": "READ_PHONE_STATE",
    P + "READ_EXTERNAL_STORAGE": "READ_EXTERNAL_STORAGE",
    P + "READ_MEDIA_IMAGES": "READ_MEDIA_IMAGES",
    P + "PROCESS_OUTGOING_CALLS": "PROCESS_OUTGOING_CALLS",
    P + "POST_NOTIFICATIONS": "POST_NOTIFICATION",
}

# Runtime permission flags as `dumpsys package` prints them once the person tapped "Allow".
GRANTED_FLAGS = "USER_SET|USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED"
DENIED_FLAGS = "USER_SENSITIVE_WHEN_GRANTED|USER_SENSITIVE_WHEN_DENIED"


def split_permissions(requested: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(install-time, runtime, special-access) parts of a requested list, in the requested order."""
    install, runtime, special = [], [], []
    for perm in requested:
        if perm in SPECIAL_ACCESS:
            special.append(perm)
        elif perm in RUNTIME:
            runtime.append(perm)
        else:
            install.append(perm)
    return tuple(install), tuple(runtime), tuple(special)
