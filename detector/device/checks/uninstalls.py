"""Apps uninstalled recently (batterystats daily "Package changes: Uninstall pkg", about ten days back).

A known stalkerware package removed shortly before the examination is serious: someone may have
cleaned up, and it had the access while it was there. Other removals are ordinary and low."""

from __future__ import annotations

from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.checks.known_indicators import hit_of, level_of
from stalkerlab.detector.device.checks.platform_name import PLATFORM_LIKE
from stalkerlab.detector.device.context import DeviceContext
from stalkerlab.detector.findings import Finding, TimelineRow


def run(ctx: DeviceContext) -> CheckOutput:
    out = CheckOutput()
    changes = ctx.package_changes
    seen = set()
    for ch in changes:
        if ch.action != "Uninstall" or ch.package in seen:
            continue
        seen.add(ch.package)
        start = ctx.epoch(ch.day_from) if ch.day_from else None
        end = ctx.epoch(ch.day_to) if ch.day_to else None
        span = f"between {ch.day_from} and {ch.day_to}" if ch.day_to else f"since {ch.day_from}"
        ev = ctx.evidence(ch.file, ch.line, text=ch.text, time=start)
        matches = tuple(ctx.indicators.match_package(ch.package) or ()) if ctx.indicators is not None else ()
        still = ch.package in ctx.inventory
        if matches:
            m = matches[0]
            hit = hit_of(m, ch.package)
            finding = Finding(
                rule_id="dev.recent_uninstall", level=level_of(m),
                title=f"Known {hit.family_type} removed recently: {hit.family}",
                explanation=(f"{ch.package}, listed as {hit.family_type} ({hit.family}), was uninstalled from "
                             "this phone in the last days. It may have collected information while installed, "
                             "and it may be reinstalled."),
                detail=f"batterystats package change '{ch.text}' {span} (phone time); matches {hit.kind} "
                       f"indicator {hit.value} from {hit.feed}" + ("; installed again since" if still else ""),
                subject=ch.package, evidence=(ev,), indicator=hit,
                benign_explanations=("The person may have found and removed it themselves.",),
                safety_note=True, first_seen=start, last_seen=end, tags=("ioc",))
        else:
            disguised = any(p.search(ch.package) for p, _why in PLATFORM_LIKE) and not still
            finding = Finding(
                rule_id="dev.recent_uninstall", level="medium" if disguised else "low",
                title="App removed recently",
                explanation=(f"The app {ch.package} was uninstalled in the last days"
                             + (", and its name imitates a system component." if disguised else ".")),
                detail=f"batterystats package change '{ch.text}' {span} (phone time)"
                       + ("; installed again since" if still else ""),
                subject=ch.package, evidence=(ev,),
                benign_explanations=("People uninstall apps all the time; this alone means nothing.",),
                safety_note=disguised, first_seen=start, last_seen=end, tags=("heuristic",))
        out.findings.append(finding)
        if start is not None:
            out.timeline.append(TimelineRow(start, "device", f"{ch.package} uninstalled ({span})",
                                            ev.ref, ch.package))
    out.detail = f"{len(seen)} uninstalls in the daily stats"
    return out


CHECK = DeviceCheck("uninstalls", ("dumpsys batterystats",), run, depends_on=("packages",),
                    description="Recently uninstalled apps; known stalkerware among them.")
