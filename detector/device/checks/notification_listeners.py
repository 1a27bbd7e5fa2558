"""Notification listeners: apps that read every notification, so the text of incoming messages."""

from __future__ import annotations

from detector.device.acquisition import ArtefactError
from detector.device.checks.check import CheckOutput, DeviceCheck
from detector.device.checks.powers import Power, power_findings
from detector.device.context import DeviceContext, NotCollected
from detector.device.formats.settings import components

POWER = Power(
    rule_id="dev.notification_listener",
    title="App reads all notifications",
    explanation=("{app} can read every notification on the phone, including the text of incoming messages "
                 "and who sent them."),
    benign=("Smartwatch and fitness-band companion apps read notifications to show them on the watch.",
            "Some launchers, car apps and message-backup apps do the same."),
    technical="notification listener")


def run(ctx: DeviceContext) -> CheckOutput:
    holders: dict[str, list] = {}
    comps: dict[str, set[str]] = {}
    sources, problem = [], None
    try:
        for x in ctx.notification_listeners:
            holders.setdefault(x.package, []).append(ctx.evidence(x.file, x.line, text=x.text))
            comps.setdefault(x.package, set()).add(f"{x.package}/{x.cls}")
        sources.append("dumpsys notification")
    except NotCollected:
        pass
    except ArtefactError as exc:
        problem = exc
    setting = ctx.setting("enabled_notification_listeners")
    if setting is not None:
        value, file, line = setting
        sources.append(file)
        for pkg, cls in components(value):
            holders.setdefault(pkg, []).append(ctx.evidence(file, line))
            comps.setdefault(pkg, set()).add(f"{pkg}/{cls}")
    if not sources:
        if problem:
            raise problem
        raise NotCollected("no dumpsys notification and no enabled_notification_listeners setting")
    out = CheckOutput(findings=power_findings(ctx, POWER, holders, comps))
    out.detail = f"{len(holders)} apps with notification access ({' + '.join(sources)})"
    out.problem = str(problem or "")
    return out


CHECK = DeviceCheck("notification_listeners", ("dumpsys notification", "settings_secure.txt"), run,
                    depends_on=("packages",), description=POWER.title)
