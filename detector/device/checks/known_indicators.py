"""Installed apps whose package name, signing certificate SHA-1 or APK SHA-256 is in a loaded feed.

An indicator hit is never lowered by any allow-list: it is critical for stalkerware, high for watchware
(apps sold for monitoring children or employees, which can be misused the same way)."""

from __future__ import annotations

from stalkerlab.detector.device.acquisition import ArtefactError
from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, how_installed
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.device.formats.settings import components
from stalkerlab.detector.findings import Evidence, Finding, IndicatorHit

BENIGN = ("A feed entry can be wrong or too broad; check the app's name and signer against the feed's source.",)


def hit_of(match, observed: str) -> IndicatorHit:
    return IndicatorHit(value=str(match.value), kind=str(match.kind), role=str(match.role), family=str(match.family),
                        family_type=str(match.family_type), feed=str(match.feed), matched=observed)


def level_of(match) -> str:
    return "critical" if str(match.family_type).lower() in ("stalkerware", "spyware") else "high"


def run(ctx: DeviceContext) -> CheckOutput:
    out = CheckOutput()
    ind = ctx.indicators
    if ind is None:
        out.detail = "skipped: no indicator feed loaded"
        return out
    apps = ctx.inventory
    if not apps:
        raise NotCollected("no package list (packages.json or dumpsys package)")
    for package, ref, where in _named_elsewhere(ctx):
        for match in ind.match_package(package) or ():
            hit = hit_of(match, package)
            out.findings.append(Finding(
                rule_id="dev.ioc.package", level=level_of(match),
                title=f"Traces of known {hit.family_type}: {hit.family}",
                explanation=(f"The phone's settings still name {package}, listed as {hit.family_type} "
                             f"({hit.family}), although it is not in the list of installed apps. It was probably "
                             "installed here and removed, or is hiding."),
                detail=f"{package} named in {where} ({ref.ref}), not installed; matches {hit.kind} indicator "
                       f"{hit.value} from {hit.feed}.",
                subject=package, evidence=(ref,), indicator=hit, benign_explanations=BENIGN, safety_note=True,
                tags=("ioc",)))
    for app in apps.values():
        lookups = [("package", app.name, app.entry_ref, ind.match_package)]
        for f in app.record.files if app.record else ():
            if f.cert_sha1:
                lookups.append(("signer", f.cert_sha1, ctx.evidence(ctx.packages_json_file, f.cert_line),
                                ind.match_cert_sha1))
            if f.sha256:
                lookups.append(("apk_hash", f.sha256, ctx.evidence(ctx.packages_json_file, f.line),
                                ind.match_apk_hash))
        seen = set()
        for what, value, ref, match_fn in lookups:
            if (what, value) in seen:      # split APKs share one signer
                continue
            seen.add((what, value))
            for match in match_fn(value) or ():
                hit = hit_of(match, value)
                noun = {"package": "package name", "signer": "signing certificate",
                        "apk_hash": "app file (APK hash)"}[what]
                out.findings.append(Finding(
                    rule_id=f"dev.ioc.{what}", level=level_of(match),
                    title=f"App matches known {hit.family_type}: {hit.family}",
                    explanation=(f"The app {app.name} is listed as {hit.family_type} ({hit.family}) by a "
                                 "stalkerware indicator list. Apps like this can share messages, location "
                                 "and other private information with another person."),
                    detail=(f"{noun} {value} matches {hit.kind} indicator {hit.value} ({hit.family}, "
                            f"{hit.family_type}) from feed {hit.feed}; app {how_installed(app)}."),
                    subject=app.name, evidence=tuple(e for e in (ref,) if e is not None),
                    indicator=hit, benign_explanations=BENIGN, safety_note=True,
                    first_seen=app.first_install, tags=("ioc",)))
    out.detail = f"{len(apps)} packages looked up"
    return out


def _named_elsewhere(ctx: DeviceContext) -> list[tuple[str, Evidence, str]]:
    """Packages named by accessibility / notification / admin entries but not installed (only when the
    package list is complete, so "not installed" is known)."""
    if not ctx.inventory_complete:
        return []
    out, seen = [], set(ctx.inventory)
    for key, where in (("enabled_accessibility_services", "the accessibility setting"),
                       ("enabled_notification_listeners", "the notification-access setting")):
        found = ctx.setting(key)
        if found:
            for pkg, _cls in components(found[0]):
                if pkg not in seen:
                    seen.add(pkg)
                    out.append((pkg, ctx.evidence(found[1], found[2]), where))
    for load, where in ((lambda: ctx.accessibility_enabled, "dumpsys accessibility"),
                        (lambda: ctx.device_policy[0], "dumpsys device_policy")):
        try:
            records = load()
        except (NotCollected, ArtefactError):
            continue
        for r in records:
            if r.package not in seen:
                seen.add(r.package)
                out.append((r.package, ctx.evidence(r.file, r.line, text=r.text), where))
    return out


CHECK = DeviceCheck("known_indicators", ("packages.json", "dumpsys package"), run, depends_on=("packages",),
                    description="Package names, signer SHA-1 and APK SHA-256 against the loaded feeds.")
