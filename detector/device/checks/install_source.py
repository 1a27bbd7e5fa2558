"""How every app got onto the phone: one `device.install` record per app, with the lines that show its
installer, and the installation story (install times, APK files downloaded) for the timeline.

The rules weigh it (dev_offstore_installer.yml, dev_untrusted_system_app.yml): a third-party app installed
from an APK file (the system package installer, a browser, a file manager) is how stalkerware is set up;
no recorded installer ("null") alone is weak, as WhatsApp downloaded from its website and apps restored
from a backup look the same (MVT reports it as sideloaded, a classic false positive); an app flagged as
system but living in /data/app with no installer and an untrusted certificate is pretending to be part of
the phone.
"""

from __future__ import annotations

from stalkerlab.detector.device.acquisition import ArtefactError
from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck, app_fields, install_evidence
from stalkerlab.detector.device.context import App, DeviceContext, NotCollected
from stalkerlab.detector.findings import TimelineRow

STREAM = "device.install"


def run(ctx: DeviceContext) -> CheckOutput:
    apps = ctx.inventory
    if not apps:
        raise NotCollected("no package list (packages.json or dumpsys package)")
    out = CheckOutput()
    for app in apps.values():
        out.add(STREAM, _record(ctx, app))
        kind = app.installer_kind
        if not app.system and app.first_install is not None and kind in ("apk file", "other app"):
            source = app.originating or app.installer
            src = f" (from {source})" if source not in ("null", "") else " (no installer recorded)"
            ref = app.install_ref.ref if app.install_ref else ""
            out.timeline.append(TimelineRow(app.first_install, "device", f"{app.name} installed{src}", ref, app.name))
    out.timeline += _downloads(ctx)
    sideloaded = sum(1 for a in apps.values() if a.sideloaded)
    out.detail = f"{sideloaded} third-party apps not from a store"
    return out


def _record(ctx: DeviceContext, app: App) -> dict:
    files = app.record.files if app.record else ()
    first = files[0] if files else None
    untrusted = bool(app.system and app.installer in ("null", "") and files and all(
        f.path.startswith("/data/app/") and f.trusted_certificate is False for f in files))
    if app.system:
        # a system app's install time is the phone's, not an event; its entry is what shows the claim
        evidence, first_seen = [e for e in (app.entry_ref, app.installer_ref) if e], None
    else:
        evidence, first_seen = list(install_evidence(app) or (e for e in (app.entry_ref,) if e)), app.first_install
    return {**app_fields(ctx, app.name), "installer": app.installer, "originating": app.originating or None,
            "untrusted_system": untrusted, "apk_path": first.path if first else None,
            "signer_sha1": first.cert_sha1 if first else None, "signer_subject": first.cert_subject if first else None,
            "_evidence": evidence, "_first_seen": first_seen}


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
