"""The package inventory (packages.json, else dumpsys package): what other checks stand on."""

from __future__ import annotations

from stalkerlab.detector.device.acquisition import ArtefactError
from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.context import DeviceContext, NotCollected


def run(ctx: DeviceContext) -> CheckOutput:
    problems = []
    sources = []
    for source, load in (("packages.json", lambda: ctx.packages_json), ("dumpsys package", lambda: ctx.package_dump)):
        try:
            load()
            sources.append(source)
        except NotCollected:
            pass
        except ArtefactError as exc:
            problems.append(exc)
    if problems and not ctx.inventory:
        raise problems[0]
    if not sources:
        raise NotCollected("neither packages.json nor dumpsys package is in the acquisition")
    apps = ctx.inventory
    third = sum(1 for a in apps.values() if not a.system)
    detail = f"{len(apps)} packages ({third} third-party) from {' + '.join(sources)}"
    return CheckOutput(detail=detail, problem="; ".join(str(p) for p in problems))


CHECK = DeviceCheck("packages", ("packages.json", "dumpsys package"), run,
                    description="Lists installed apps with their installer, for the other checks.")
