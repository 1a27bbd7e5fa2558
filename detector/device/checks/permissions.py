"""Sensitive permissions of each third-party app, by category: location, messages or call log, microphone
or camera, and contacts (plus drawing over other apps, starting at boot and broadcast receivers for SMS and
calls). Each alone is common; rule dev_sensitive_permissions.yml fires when one app holds all four, which
is what spying apps ask for."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, app_fields, install_evidence
from stalkerlab.detector.device.context import DeviceContext, NotCollected

STREAM = "device.permissions"
P = "android.permission."
CATEGORIES = {
    "location": (P + "ACCESS_FINE_LOCATION", P + "ACCESS_COARSE_LOCATION", P + "ACCESS_BACKGROUND_LOCATION"),
    "messages_or_calls": (P + "READ_SMS", P + "READ_CALL_LOG"),
    "microphone_or_camera": (P + "RECORD_AUDIO", P + "CAMERA"),
    "contacts": (P + "READ_CONTACTS",),
}
EXTRAS = {"draw over other apps": "SYSTEM_ALERT_WINDOW", "start at boot": P + "RECEIVE_BOOT_COMPLETED"}
# broadcast receivers (Receiver Resolver Table) that let an app react to these events
RECEIVERS = {
    "start at boot": ("android.intent.action.BOOT_COMPLETED", "android.intent.action.LOCKED_BOOT_COMPLETED"),
    "see each text message as it arrives": ("android.provider.Telephony.SMS_RECEIVED",),
    "know about every call": ("android.intent.action.PHONE_STATE", "android.intent.action.NEW_OUTGOING_CALL"),
}


def run(ctx: DeviceContext) -> CheckOutput:
    dump = ctx.package_dump
    if not ctx.inventory:
        raise NotCollected("no package list")
    try:
        overlay = {op.package for op in ctx.appops if op.op == "SYSTEM_ALERT_WINDOW" and op.mode == "allow"}
    except NotCollected:
        overlay = set()
    listens = {label: {pkg for action in actions for pkg, _c, _n in dump.receivers.get(action, ())}
               for label, actions in RECEIVERS.items()}
    out = CheckOutput()
    for name, app in ctx.inventory.items():
        if app.system or app.dump is None:
            continue
        granted = app.dump.granted
        hits = {cat: [p for p in perms if p in granted] for cat, perms in CATEGORIES.items()}
        extras = [label for label, perm in EXTRAS.items()
                  if (perm in granted if perm.startswith(P) else name in overlay) or name in listens.get(label, ())]
        extras += [label for label, pkgs in listens.items() if name in pkgs and label not in extras]
        perms = sorted(p for ps in hits.values() for p in ps)
        out.add(STREAM, {**app_fields(ctx, name), **{cat: [p.removeprefix(P) for p in ps] for cat, ps in hits.items()},
                         "granted": [p.removeprefix(P) for p in perms], "extras": extras,
                         "extras_text": _listing(extras),
                         "_evidence": [ctx.evidence(dump.file, granted[p]) for p in perms]
                         + list(install_evidence(app)),
                         "_first_seen": app.first_install})
    out.detail = "{findings} apps with the full sensitive set"
    return out


def _listing(items: list[str]) -> str:
    return "" if not items else items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


CHECK = DeviceCheck("sensitive_permissions", ("dumpsys package", "dumpsys appops"), run, depends_on=("packages",),
                    description="Location + messages/calls + microphone/camera + contacts on one app.")
