"""The stalkerware profile: the findings of the checks above, gathered per app into one
`device.app_profile` record (its monitoring powers, its stalkerware traits, whether it was sideloaded).

Rule dev_stalkerware_profile.yml fires on sideloaded + a monitoring power (accessibility, notifications,
device admin/owner, usage access) + at least one of: hidden icon, the full sensitive-permission set, a
disguised name, or a second power. No feed needs to know the family: this is what lets the verdict say
"stalkerware-suspected" for an unknown one. Store apps never get it: a password manager with an
accessibility service, a watch app reading notifications, a parental-control app from the Play Store stay
at their single low findings."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, app_fields, install_evidence
from stalkerlab.detector.device.checks.known_indicators import ioc_fields
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.findings import Finding

STREAM = "device.app_profile"
# the rules whose findings are signals, and how the profile names them
POWERS = {
    "dev.accessibility_service": "reads the screen (accessibility service)",
    "dev.notification_listener": "reads all notifications",
    "dev.device_admin": "is a device administrator",
    "dev.device_owner": "manages the phone as owner",
    "dev.usage_access": "sees which apps are used (usage access)",
}
TRAITS = {
    "dev.hidden_launcher_icon": "hides its icon",
    "dev.sensitive_permissions": "may use location, messages or call log, microphone or camera and contacts",
    "dev.platform_like_name": "has a name imitating the system",
}


def run(ctx: DeviceContext) -> CheckOutput:
    if not ctx.inventory:
        raise NotCollected("no package list")
    by_app: dict[str, list[Finding]] = {}
    for f in ctx.findings:
        if f.subject:
            by_app.setdefault(f.subject, []).append(f)
    out = CheckOutput()
    for name, findings in sorted(by_app.items()):
        app = ctx.app(name)
        if app is None:
            continue
        rules = {f.rule_id for f in findings}
        powers = [rule for rule in POWERS if rule in rules]
        traits = [rule for rule in TRAITS if rule in rules]
        sideloaded = app.sideloaded
        signals = (["was installed from a file, not a store"] if sideloaded else []) + \
            [POWERS[r] for r in powers] + [TRAITS[r] for r in traits]
        iocs = [f for f in findings if f.indicator is not None]
        evidence = list(install_evidence(app))
        for f in findings:
            if f.rule_id in POWERS or f.rule_id in TRAITS:
                evidence.extend(e for e in f.evidence[:1] if e not in evidence)
        hit = iocs[0].indicator if iocs else None
        out.add(STREAM, {**app_fields(ctx, name), **ioc_fields(hit), "sideloaded": sideloaded, "powers": powers,
                         "traits": traits, "signals": len(signals), "signal_rules": sorted(powers + traits),
                         "signals_text": ", ".join(signals[:-1]) + f" and {signals[-1]}" if len(signals) > 1
                         else "".join(signals),
                         "_indicator": hit, "_evidence": evidence, "_first_seen": app.first_install})
    out.detail = "{findings} apps with the stalkerware profile"
    return out


CHECK = DeviceCheck("stalkerware_profile", ("all of the above",), run,
                    depends_on=("install_source", "accessibility_services", "notification_listeners", "device_admins",
                                "usage_access", "hidden_icon", "sensitive_permissions", "platform_name"),
                    description="Several monitoring signs on one sideloaded app.")
