"""Broadcast receivers: which apps listen for the phone starting, an SMS arriving or a call. Monitoring
apps declare all three; the image's own messaging and dialer apps are the benign look-alikes."""

from __future__ import annotations

from stalkerlab.simulator.device.build.system_packages import SYSTEM_RECEIVERS

BOOT = "android.intent.action.BOOT_COMPLETED"
SMS_RECEIVED = "android.provider.Telephony.SMS_RECEIVED"
PHONE_STATE = "android.intent.action.PHONE_STATE"
NEW_OUTGOING_CALL = "android.intent.action.NEW_OUTGOING_CALL"
SMS_PERMISSIONS = frozenset({"android.permission.READ_SMS", "android.permission.RECEIVE_SMS"})
CALL_PERMISSIONS = frozenset({"android.permission.READ_CALL_LOG", "android.permission.PROCESS_OUTGOING_CALLS"})


def image_receivers(package: str) -> tuple[tuple[str, str], ...]:
    """(action, class) of the receivers an image's package registers."""
    return tuple((action, cls) for owner, action, cls in SYSTEM_RECEIVERS if owner == package)


def app_receivers(package: str, permissions: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """An ordinary app that asks to start at boot registers a boot receiver, nothing else."""
    return ((BOOT, f"{package}.BootReceiver"),) if "android.permission.RECEIVE_BOOT_COMPLETED" in permissions else ()


def monitoring_receivers(package: str, permissions: tuple[str, ...], boot: bool) -> tuple[tuple[str, str], ...]:
    """The receivers a monitoring app declares: start at boot, catch SMS, follow calls."""
    out = []
    if boot:
        out.append((BOOT, f"{package}.receiver.BootReceiver"))
    if SMS_PERMISSIONS & set(permissions):
        out.append((SMS_RECEIVED, f"{package}.receiver.SmsReceiver"))
    if CALL_PERMISSIONS & set(permissions):
        out.append((PHONE_STATE, f"{package}.receiver.CallReceiver"))
        out.append((NEW_OUTGOING_CALL, f"{package}.receiver.CallReceiver"))
    return tuple(out)
