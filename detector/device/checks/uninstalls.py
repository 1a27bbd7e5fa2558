"""Apps uninstalled recently (batterystats daily "Package changes: Uninstall pkg", about ten days back): a
`device.uninstall` record per package, with the feed entry it matches (rule dev_recent_uninstall.yml).

A known stalkerware package removed shortly before the examination is serious: someone may have
cleaned up, and it had the access while it was there. Other removals are ordinary."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.checks.known_indicators import hit_of, ioc_fields
from stalkerlab.detector.device.checks.platform_name import imitation
from stalkerlab.detector.device.context import DeviceContext
from stalkerlab.detector.findings import TimelineRow

STREAM = "device.uninstall"


def run(ctx: DeviceContext) -> CheckOutput:
    out = CheckOutput()
    seen = set()
    for ch in ctx.package_changes:
        if ch.action != "Uninstall" or ch.package in seen:
            continue
        seen.add(ch.package)
        start = ctx.epoch(ch.day_from) if ch.day_from else None
        end = ctx.epoch(ch.day_to) if ch.day_to else None
        span = f"between {ch.day_from} and {ch.day_to}" if ch.day_to else f"since {ch.day_from}"
        ev = ctx.evidence(ch.file, ch.line, text=ch.text, time=start)
        matches = tuple(ctx.indicators.match_package(ch.package) or ()) if ctx.indicators is not None else ()
        hit = hit_of(matches[0], ch.package) if matches else None
        out.add(STREAM, {"package": ch.package, "change": ch.text, "span": span,
                         "reinstalled": ch.package in ctx.inventory, "imitates": imitation(ch.package),
                         **ioc_fields(hit), "_indicator": hit, "_evidence": [ev], "_first_seen": start,
                         "_last_seen": end})
        if start is not None:
            out.timeline.append(TimelineRow(start, "device", f"{ch.package} uninstalled ({span})",
                                            ev.ref, ch.package))
    out.detail = f"{len(seen)} uninstalls in the daily stats"
    return out


CHECK = DeviceCheck("uninstalls", ("dumpsys batterystats",), run, depends_on=("packages",),
                    description="Recently uninstalled apps; known stalkerware among them.")
