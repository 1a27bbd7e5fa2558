"""Who may read what on the phone: app-ops (with the last time each was used), accessibility services,
notification listeners and device admins, both the image's own and the ones a family was given."""

from __future__ import annotations

from stalkerlab.simulator.device.build.draft import DAY, Draft
from stalkerlab.simulator.device.permissions import OP_OF_PERMISSION, ORDINARY_APP_OPS, SPECIAL_ACCESS
from stalkerlab.simulator.device.state import AppOp, AppOpAccess, Component, InstalledPackage
from stalkerlab.simulator.device.build.system_packages import (
    BUILTIN_ACCESSIBILITY,
    DEFAULT_DEVICE_ADMINS,
    DEFAULT_NOTIFICATION_LISTENERS,
)
from stalkerlab.simulator.instance import FamilyInstance


def record_appops(draft: Draft, packages: list[InstalledPackage], families: list[FamilyInstance]) -> None:
    rng, i = draft.rng, draft.instance
    by_name = {pkg.name: pkg for pkg in packages}
    for pkg in packages:
        if pkg.system and not pkg.runtime_permissions:
            continue
        hidden = pkg.family is not None
        for perm, granted in pkg.runtime_permissions:
            op = OP_OF_PERMISSION.get(perm)
            if not op or not granted or (not hidden and op not in ORDINARY_APP_OPS):
                continue
            if hidden:
                # Monitoring apps read in the background, during the capture as well.
                accesses = (AppOpAccess(round(i.end - rng.uniform(5, 0.8 * (i.end - i.start)), 3), "bg-s"),)
            else:
                accesses = (AppOpAccess(round(i.start - rng.uniform(600, 3 * DAY), 3), "fg-s"),)
            draft.appops.append(AppOp(pkg.uid, pkg.name, op, "allow", accesses))
        for perm in pkg.requested_permissions:
            op = SPECIAL_ACCESS.get(perm)
            if op in ("SYSTEM_ALERT_WINDOW", "GET_USAGE_STATS") and hidden:
                draft.appops.append(AppOp(pkg.uid, pkg.name, op, "allow", ()))
    for fi in draft.installed_families:
        pkg = by_name[fi.variant.package]
        if fi.family.footprint.usage_access and not any(op.package == pkg.name and op.op == "GET_USAGE_STATS"
                                                        for op in draft.appops):
            draft.appops.append(AppOp(pkg.uid, pkg.name, "GET_USAGE_STATS", "allow", ()))
    for fi in families:
        source = fi.family.footprint.unknown_sources_to
        if not source:
            continue
        holder = by_name.get(source)
        if holder is None or any(op.package == source and op.op == "REQUEST_INSTALL_PACKAGES" for op in draft.appops):
            continue
        # The op is checked when the browser hands the APK over: its last access is the install.
        draft.appops.append(AppOp(holder.uid, source, "REQUEST_INSTALL_PACKAGES", "allow",
                                  (AppOpAccess(round(fi.installed_at - rng.uniform(3, 12), 3), "fg-s"),)))


def accessibility_services(draft: Draft, packages: list[InstalledPackage],
                           families: list[FamilyInstance]) -> tuple[list[Component], list[Component]]:
    """(installed, enabled) accessibility services. Enabled is what Settings.Secure says, which may name a
    removed app."""
    by_name = {pkg.name: pkg for pkg in packages}
    builtin = BUILTIN_ACCESSIBILITY.get(draft.persona.manufacturer, ())
    installed = [Component(pkg, cls) for pkg, cls in builtin if pkg in by_name]
    installed += [pkg.accessibility_service for pkg in packages
                  if pkg.accessibility_service and pkg.accessibility_service not in installed]
    enabled = [pkg.accessibility_service for pkg in packages if pkg.accessibility_service]
    for fi in families:
        fp = fi.family.footprint
        # A removed app's component can outlive it in Settings.Secure (seen on real phones after an
        # uninstall from adb or while the user was locked); one draw per removed family decides.
        if fi.removed_at is not None and fp.accessibility_service and draft.rng.random() < 0.5:
            enabled.append(Component.of(fi.variant.package, fp.accessibility_service))
            draft.stale.append(fi.variant.package)
    return installed, enabled


def notification_listeners(packages: list[InstalledPackage]) -> list[Component]:
    """The system's own listeners (launcher badges, on-device suggestions), then the apps'."""
    names = {pkg.name for pkg in packages}
    return [Component(pkg, cls) for pkg, cls in DEFAULT_NOTIFICATION_LISTENERS if pkg in names] + [
        pkg.notification_listener for pkg in packages if pkg.notification_listener]


def device_admins(packages: list[InstalledPackage]) -> list[tuple[Component, int]]:
    """(receiver, uid) of each enabled device admin: Find My Device, then the apps'."""
    by_name = {pkg.name: pkg for pkg in packages}
    return [(Component(pkg, cls), by_name[pkg].uid) for pkg, cls in DEFAULT_DEVICE_ADMINS if pkg in by_name] + [
        (pkg.device_admin, pkg.uid) for pkg in packages if pkg.device_admin]
