"""Notification listeners: apps that read every notification, so the text of incoming messages."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.checks.powers import STREAM, enabled_components, power_records
from stalkerlab.detector.device.context import DeviceContext


def run(ctx: DeviceContext) -> CheckOutput:
    holders, comps, sources, problem = enabled_components(
        ctx, "notification_listeners", "notification", "enabled_notification_listeners")
    out = CheckOutput(records={STREAM: power_records(ctx, "notification_listener", holders, comps)})
    out.detail = f"{len(holders)} apps with notification access ({' + '.join(sources)})"
    out.problem = str(problem or "")
    return out


CHECK = DeviceCheck("notification_listeners", ("dumpsys notification", "settings_secure.txt"), run,
                    depends_on=("packages",), description="App reads all notifications")
