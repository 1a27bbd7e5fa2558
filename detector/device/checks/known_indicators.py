"""Installed apps whose package name, signing certificate SHA-1 or APK SHA-256 is in a loaded feed, and
packages in a feed still named by the phone's settings although not installed: a `device.indicator`
record per match (rules dev_ioc_package.yml, dev_ioc_signer.yml, dev_ioc_apk_hash.yml).

An indicator hit is never lowered by any allow-list: the rules make it critical for stalkerware, high for
watchware (apps sold for monitoring children or employees, which can be misused the same way)."""

from __future__ import annotations

from stalkerlab.detector.device.acquisition import ArtefactError
from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, app_fields
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.device.formats.settings import components
from stalkerlab.detector.findings import Evidence, IndicatorHit

STREAM = "device.indicator"


def hit_of(match, observed: str) -> IndicatorHit:
    return IndicatorHit(value=str(match.value), kind=str(match.kind), role=str(match.role), family=str(match.family),
                        family_type=str(match.family_type), feed=str(match.feed), matched=observed)


def ioc_fields(hit: IndicatorHit | None) -> dict:
    """The ioc_* fields of a device record (all null without a hit)."""
    return {"ioc_family": hit.family if hit else None, "ioc_family_type": hit.family_type if hit else None,
            "ioc_role": hit.role if hit else None, "ioc_kind": hit.kind if hit else None,
            "ioc_value": hit.value if hit else None, "ioc_feed": hit.feed if hit else None}


def _record(ctx: DeviceContext, package: str, matched: str, value: str, hit: IndicatorHit, evidence: list,
            named_in: str | None = None) -> dict:
    app = ctx.app(package)
    return {**app_fields(ctx, package), **ioc_fields(hit), "matched": matched, "value": value,
            "installed": app is not None, "named_in": named_in, "named_at": evidence[0].ref if named_in else None,
            "_indicator": hit, "_evidence": evidence, "_first_seen": app.first_install if app else None}


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
            out.add(STREAM, _record(ctx, package, "package", package, hit_of(match, package), [ref], where))
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
                out.add(STREAM, _record(ctx, app.name, what, value, hit_of(match, value),
                                        [e for e in (ref,) if e is not None]))
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
