"""A family's installation, told in the order it happens on a real phone: Play Protect switched off, the
browser allowed to install unknown apps, the APK downloaded, installed a minute or two later, then the
accessibility service, device admin, notification and usage access switched on and the launcher icon
hidden, all within minutes and all before the capture starts (or before the app was removed again)."""

from __future__ import annotations

import hashlib

from stalkerlab.simulator.device.build.draft import Draft
from stalkerlab.simulator.device.build.packages import apk_file, data_app_path, installer_of, version_code_of
from stalkerlab.simulator.device.build.receivers import monitoring_receivers
from stalkerlab.simulator.device.permissions import split_permissions
from stalkerlab.simulator.device.signing import app_signer
from stalkerlab.simulator.device.state import Component, FileRecord, InstalledPackage, PackageChange, StoryEvent
from stalkerlab.simulator.instance import FamilyInstance

BOOT_PERMISSION = "android.permission.RECEIVE_BOOT_COMPLETED"
USAGE_PERMISSION = "android.permission.PACKAGE_USAGE_STATS"


def install_family(draft: Draft, fi: FamilyInstance, packages: list[InstalledPackage]) -> None:
    """One family's story, and its package when it is still installed."""
    rng, i = draft.rng, draft.instance
    fam, fp, pkg = fi.family, fi.family.footprint, fi.variant.package
    label = fi.variant.label or fp.label
    t = fi.installed_at
    limit = (fi.removed_at if fi.removed_at is not None else i.start) - 1
    signer = fam.signer or app_signer(pkg)
    installer, initiating, originating = installer_of(fp.installer, fp.unknown_sources_to)

    def at(offset: float) -> float:
        return round(min(t + offset, limit), 3)

    if fp.play_protect_off:
        draft.story.append(StoryEvent(at(-rng.uniform(200, 420)), pkg, "play_protect_off",
                                      "Play Protect scanning switched off"))
    grant_at = at(-rng.uniform(60, 150))
    if fp.unknown_sources_to:
        draft.story.append(StoryEvent(grant_at, pkg, "unknown_sources_granted",
                                      f"{fp.unknown_sources_to} allowed to install unknown apps"))
    download_at = at(-rng.uniform(15, 45))
    if originating or fp.unknown_sources_to:
        # The APK usually stays in Download/ after the install: detail is its path.
        apk_path = f"/sdcard/Download/{label.replace(' ', '_')}_{fp.version_name}.apk"
        draft.story.append(StoryEvent(download_at, pkg, "downloaded", apk_path))
        digest = hashlib.sha256(f"download:{pkg}:{fp.version_name}".encode()).hexdigest()
        draft.files.append(FileRecord(
            path=apk_path, size=rng.randint(3_000_000, 14_000_000),
            mode="-rw-rw----", user_id=0, group_id=1015, changed_time=int(download_at),
            modified_time=int(download_at), access_time=int(t), context="u:object_r:media_rw_data_file:s0",
            sha256=digest))
    draft.story.append(StoryEvent(round(t, 3), pkg, "installed", f"installer {installer}"))
    offset = rng.uniform(40, 120)
    for event, detail in _switched_on(pkg, fp):
        draft.story.append(StoryEvent(at(offset), pkg, event, detail))
        offset += rng.uniform(20, 90)

    vcode = version_code_of(fp.version_name, pkg)
    draft.changes.append(PackageChange(round(t, 3), pkg, True, vcode))
    if fi.removed_at is not None:
        draft.story.append(StoryEvent(round(fi.removed_at, 3), pkg, "uninstalled", ""))
        draft.changes.append(PackageChange(round(fi.removed_at, 3), pkg, False, 0))
        draft.removed_installs.append(t)
        return

    requested = list(fp.permissions)
    if fp.boot_receiver and BOOT_PERMISSION not in requested:
        requested.append(BOOT_PERMISSION)
    if fp.usage_access and USAGE_PERMISSION not in requested:
        requested.append(USAGE_PERMISSION)
    install_perms, runtime, _special = split_permissions(tuple(requested))
    path = data_app_path(rng, pkg)
    packages.append(InstalledPackage(
        name=pkg, label=label, version_name=fp.version_name, version_code=vcode, uid=0, system=False,
        installer=installer, initiating=initiating, originating=originating,
        apk=apk_file(path, pkg, fp.version_name, signer), signer=signer, trusted_certificate=False,
        first_install=round(t, 3), last_update=round(t, 3),
        requested_permissions=tuple(requested), install_permissions=install_perms,
        runtime_permissions=tuple((perm, True) for perm in runtime),
        disabled_components=(f"{pkg}.LauncherActivity",) if fp.hidden_icon else (),
        accessibility_service=Component.of(pkg, fp.accessibility_service) if fp.accessibility_service else None,
        notification_listener=Component.of(pkg, fp.notification_listener) if fp.notification_listener else None,
        device_admin=Component.of(pkg, fp.device_admin) if fp.device_admin else None,
        boot_receiver=fp.boot_receiver, min_sdk=21, target_sdk=rng.choice((28, 29, 30)),
        family=fam.id, receivers=monitoring_receivers(pkg, tuple(requested), fp.boot_receiver),
    ))
    draft.installed_families.append(fi)


def _switched_on(pkg: str, fp) -> list[tuple[str, str]]:
    """(story event, detail) of each access the abuser switches on after the install, in that order."""
    steps = []
    if fp.accessibility_service:
        steps.append(("accessibility_enabled", Component.of(pkg, fp.accessibility_service).flat))
    if fp.device_admin:
        steps.append(("device_admin_enabled", Component.of(pkg, fp.device_admin).flat))
    if fp.notification_listener:
        steps.append(("notification_access", Component.of(pkg, fp.notification_listener).flat))
    if fp.usage_access:
        steps.append(("usage_access", "GET_USAGE_STATS"))
    if fp.hidden_icon:
        steps.append(("icon_hidden", f"{pkg}/{pkg}.LauncherActivity"))
    return steps
