"""The stalkerware profile: several of the checks above coinciding on one third-party app.

Sideloaded + a monitoring power (accessibility, notifications, device admin/owner, usage access) + at
least one of: hidden icon, the full sensitive-permission set, a disguised name, or a second power. No
feed needs to know the family: this is what lets the verdict say "stalkerware-suspected" for an unknown
one. Store apps never get it: a password manager with an accessibility service, a watch app reading
notifications, a parental-control app from the Play Store stay at their single low findings."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, how_installed, install_evidence
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.findings import Finding

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
MIN_SIGNALS = 3     # sideloaded + one power + one more power or trait


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
        if app is None or app.system or not app.sideloaded:
            continue
        rules = {f.rule_id for f in findings}
        powers = [text for rule, text in POWERS.items() if rule in rules]
        traits = [text for rule, text in TRAITS.items() if rule in rules]
        if not powers or 1 + len(powers) + len(traits) < MIN_SIGNALS:
            continue
        iocs = [f for f in findings if f.indicator is not None]
        evidence = list(install_evidence(app))
        for f in findings:
            if f.rule_id in POWERS or f.rule_id in TRAITS:
                evidence.extend(e for e in f.evidence[:1] if e not in evidence)
        signals = ["was installed from a file, not a store"] + powers + traits
        out.findings.append(Finding(
            rule_id="dev.stalkerware_profile", level="high",
            title="App behaves like stalkerware",
            explanation=(f"{name} " + ", ".join(signals[:-1]) + f" and {signals[-1]}. Together these are "
                         "the signs of an app set up to monitor the person using this phone."),
            detail=(f"{name}: {len(signals)} signals ({', '.join(sorted(rules & (set(POWERS) | set(TRAITS))))}); "
                    f"{how_installed(app)}"
                    + (f"; also matches {iocs[0].indicator.family} in {iocs[0].indicator.feed}" if iocs else "")
                    + "."),
            subject=name, evidence=tuple(evidence), indicator=iocs[0].indicator if iocs else None,
            benign_explanations=("A monitoring app the person installed and set up knowingly (for example on a "
                                 "phone they share with a child) shows the same signs.",),
            safety_note=True, first_seen=app.first_install, tags=("heuristic", "profile")))
    out.detail = f"{len(out.findings)} apps with the stalkerware profile"
    return out


CHECK = DeviceCheck("stalkerware_profile", ("all of the above",), run,
                    depends_on=("install_source", "accessibility_services", "notification_listeners", "device_admins",
                                "usage_access", "hidden_icon", "sensitive_permissions", "platform_name"),
                    description="Several monitoring signs on one sideloaded app.")
