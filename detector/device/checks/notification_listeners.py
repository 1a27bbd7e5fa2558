"""Notification listeners: apps that read every notification, so the text of incoming messages."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.checks.powers import Power, enabled_components, power_findings
from stalkerlab.detector.device.context import DeviceContext

POWER = Power(
    rule_id="dev.notification_listener",
    title="App reads all notifications",
    explanation=("{app} can read every notification on the phone, including the text of incoming messages "
                 "and who sent them."),
    benign=("Smartwatch and fitness-band companion apps read notifications to show them on the watch.",
            "Some launchers, car apps and message-backup apps do the same."),
    technical="notification listener")


def run(ctx: DeviceContext) -> CheckOutput:
    holders, comps, sources, problem = enabled_components(
        ctx, "notification_listeners", "notification", "enabled_notification_listeners")
    out = CheckOutput(findings=power_findings(ctx, POWER, holders, comps))
    out.detail = f"{len(holders)} apps with notification access ({' + '.join(sources)})"
    out.problem = str(problem or "")
    return out


CHECK = DeviceCheck("notification_listeners", ("dumpsys notification", "settings_secure.txt"), run,
                    depends_on=("packages",), description=POWER.title)
