"""Apps that did not come from an app store, and the installation story around them.

A third-party app installed from an APK file (the system package installer, a browser, a file manager)
is how stalkerware is set up: medium. No recorded installer ("null") alone is low: WhatsApp downloaded
from its website and apps restored from a backup look the same (MVT reports it as sideloaded, a classic
false positive). An app flagged as system but living in /data/app with no installer and an untrusted
certificate is pretending to be part of the phone.
"""

from __future__ import annotations

from stalkerlab.detector.device.acquisition import ArtefactError
from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, how_installed, install_evidence
from stalkerlab.detector.device.context import App, DeviceContext, NotCollected
from stalkerlab.detector.findings import Finding, TimelineRow

BENIGN_APK = ("The person installed this app themselves from the developer's website.",
              "Some apps are not in the Play Store in every country, or are installed by a shop or employer.")
BENIGN_NULL = ("Apps downloaded from their own website (WhatsApp often is) or restored from a backup show no "
               "installer.", "Developers install apps over USB while testing.")
BENIGN_THIRD_STORE = ("Alternative stores such as F-Droid are legitimate and popular with privacy-minded people.",)


def _finding(app: App, level: str, rule: str, title: str, explanation: str, benign) -> Finding:
    return Finding(rule_id=rule, level=level, title=title, explanation=explanation,
                   detail=f"{app.name}: installer={app.installer!r}"
                          + (f", originating={app.originating!r}" if app.originating else "")
                          + f"; {how_installed(app)}.",
                   subject=app.name,
                   evidence=install_evidence(app) or tuple(e for e in (app.entry_ref,) if e),
                   benign_explanations=tuple(benign), first_seen=app.first_install, tags=("heuristic",))


def run(ctx: DeviceContext) -> CheckOutput:
    apps = ctx.inventory
    if not apps:
        raise NotCollected("no package list (packages.json or dumpsys package)")
    out = CheckOutput()
    for app in apps.values():
        if app.system:
            rec = app.record
            files = rec.files if rec else ()
            if rec and app.installer in ("null", "") and files and all(
                    f.path.startswith("/data/app/") and f.trusted_certificate is False for f in files):
                out.findings.append(Finding(
                    rule_id="dev.untrusted_system_app", level="medium",
                    title="App claims to be part of the system but was installed later",
                    explanation=(f"{app.name} is marked as a system app, yet it was installed into the user "
                                 "area of the phone without an installer and its signature is not a trusted one."),
                    detail=(f"{app.name}: system=true, APK {files[0].path}, installer 'null', "
                            f"trusted_certificate=false, signer {files[0].cert_sha1} ({files[0].cert_subject})."),
                    subject=app.name, evidence=tuple(e for e in (app.entry_ref, app.installer_ref) if e),
                    benign_explanations=("Custom ROMs and developer builds sign system apps with their own keys.",),
                    safety_note=True, tags=("heuristic",)))
            continue
        kind = app.installer_kind
        if kind == "store":
            continue
        if kind == "third-party store":
            out.findings.append(_finding(app, "informational", "dev.offstore_installer",
                                         "App installed from an alternative app store",
                                         f"{app.name} came from the store {app.installer}, not the Play Store.",
                                         BENIGN_THIRD_STORE))
        elif kind == "adb or unknown":
            out.findings.append(_finding(app, "low", "dev.offstore_installer",
                                         "App with no recorded installer",
                                         f"The phone does not record how {app.name} was installed: it did not "
                                         "come from an app store.", BENIGN_NULL))
        else:
            out.findings.append(_finding(app, "medium", "dev.offstore_installer",
                                         "App installed from a file, not from an app store",
                                         f"{app.name} was installed from an APK file rather than an app store. "
                                         "Stalkerware is usually installed this way by someone holding the phone.",
                                         BENIGN_APK))
        if app.first_install is not None and kind in ("apk file", "other app"):
            source = app.originating or app.installer
            src = f" (from {source})" if source not in ("null", "") else " (no installer recorded)"
            ref = app.install_ref.ref if app.install_ref else ""
            out.timeline.append(TimelineRow(app.first_install, "device", f"{app.name} installed{src}", ref, app.name))
    out.timeline += _downloads(ctx)
    sideloaded = sum(1 for a in apps.values() if a.sideloaded)
    out.detail = f"{sideloaded} third-party apps not from a store"
    return out


def _downloads(ctx: DeviceContext) -> list[TimelineRow]:
    """APK files left in the downloads folder (files.json), for the install story."""
    try:
        name, entries = ctx.files
    except (NotCollected, ArtefactError):   # optional context: never a reason to fail this check
        return []
    rows = []
    for e in entries:
        if e.path.lower().endswith(".apk") and e.modified is not None and "/download" in e.path.lower():
            rows.append(TimelineRow(e.modified, "device", f"APK file {e.path} downloaded", f"{name}:{e.line}"))
    return rows


CHECK = DeviceCheck("install_source", ("packages.json", "dumpsys package", "files.json"), run, depends_on=("packages",),
                    description="Third-party apps not installed from a store; install times.")
