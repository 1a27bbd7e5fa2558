"""Sensitive permissions granted together to one third-party app: location, messages or call log,
microphone or camera, and contacts (plus drawing over other apps and starting at boot, when present).
Each alone is common; all four together on one app is what spying apps ask for."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, how_installed, install_evidence
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.findings import Finding

P = "android.permission."
CATEGORIES = {
    "location": (P + "ACCESS_FINE_LOCATION", P + "ACCESS_COARSE_LOCATION", P + "ACCESS_BACKGROUND_LOCATION"),
    "messages or call log": (P + "READ_SMS", P + "READ_CALL_LOG"),
    "microphone or camera": (P + "RECORD_AUDIO", P + "CAMERA"),
    "contacts": (P + "READ_CONTACTS",),
}
EXTRAS = {"draw over other apps": "SYSTEM_ALERT_WINDOW", "start at boot": P + "RECEIVE_BOOT_COMPLETED"}
# broadcast receivers (Receiver Resolver Table) that let an app react to these events
RECEIVERS = {
    "start at boot": ("android.intent.action.BOOT_COMPLETED", "android.intent.action.LOCKED_BOOT_COMPLETED"),
    "see each text message as it arrives": ("android.provider.Telephony.SMS_RECEIVED",),
    "know about every call": ("android.intent.action.PHONE_STATE", "android.intent.action.NEW_OUTGOING_CALL"),
}
BENIGN = ("Messaging and social apps with calling features ask for most of these.",
          "Family-safety apps the person chose themselves need location and contacts.")


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
        if not all(hits.values()):
            continue
        extras = [label for label, perm in EXTRAS.items()
                  if (perm in granted if perm.startswith(P) else name in overlay) or name in listens.get(label, ())]
        extras += [label for label, pkgs in listens.items() if name in pkgs and label not in extras]
        level = "low" if app.from_store else ("medium" if app.installer_kind == "adb or unknown" else "high")
        perms = sorted(p for ps in hits.values() for p in ps)
        out.findings.append(Finding(
            rule_id="dev.sensitive_permissions", level=level,
            title="App can track location, read messages, listen and see contacts",
            explanation=(f"{name} has been allowed to use the location, read messages or the call log, use the "
                         "microphone or camera, and read contacts" + (f"; it can also {_listing(extras)}"
                                                                        if extras else "") + "."),
            detail=f"{name} granted {', '.join(p.removeprefix(P) for p in perms)}"
                   + (f"; also {', '.join(extras)}" if extras else "") + f"; {how_installed(app)}.",
            subject=name,
            evidence=tuple(ctx.evidence(dump.file, granted[p]) for p in perms) + install_evidence(app),
            benign_explanations=BENIGN, safety_note=level != "low", first_seen=app.first_install,
            tags=("heuristic",)))
    out.detail = f"{len(out.findings)} apps with the full sensitive set"
    return out


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


CHECK = DeviceCheck("sensitive_permissions", ("dumpsys package", "dumpsys appops"), run, depends_on=("packages",),
                    description="Location + messages/calls + microphone/camera + contacts on one app.")
