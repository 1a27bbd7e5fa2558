"""The packages on the phone: the image's own, then the person's apps, each with its APK, signer, installer,
install and update times, and, once all are known, its uid."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import random

from stalkerlab.simulator.device.build.draft import DAY, Draft
from stalkerlab.simulator.device.build.receivers import app_receivers, image_receivers
from stalkerlab.simulator.device.permissions import split_permissions
from stalkerlab.simulator.device.signing import app_signer
from stalkerlab.simulator.device.state import ApkFile, Component, InstalledPackage, PackageChange
from stalkerlab.simulator.device.build.system_packages import (
    GOOGLE_APP_SIGNER,
    PACKAGE_INSTALLER,
    PLAY_STORE,
    PLAY_UPDATED,
    STORES,
    google_signed,
    platform_signer,
    system_packages,
)
from stalkerlab.simulator.world.model import AppProfile, Signer

SYSTEM_IMAGE_TIME = 1230768000.0   # 2009-01-01 00:00 UTC: the mtime Android images give /system files
GOOGLE_APPS = Signer(GOOGLE_APP_SIGNER, "google-apps")


def version_code_of(version_name: str, salt: str) -> int:
    """A plausible versionCode for a versionName ("7.4.2" -> 70402xx), stable per package."""
    digits = [int(p) for p in "".join(c if c.isdigit() else " " for c in version_name).split()[:3]]
    digits += [0] * (3 - len(digits))
    base = digits[0] * 1_000_000 + min(digits[1], 99) * 10_000 + min(digits[2], 99) * 100
    return base % 2_000_000_000 + int(hashlib.sha256(salt.encode()).hexdigest()[:2], 16) % 100


def apk_file(path: str, package: str, version: str, signer: Signer) -> ApkFile:
    """Hashes of deterministic stand-in APK bytes (no APK is written)."""
    seed = hashlib.sha512(f"apk:{package}:{version}:{signer.key_seed}".encode()).digest()
    body = b"PK\x03\x04" + seed * 64
    return ApkFile(path, hashlib.md5(body).hexdigest(), hashlib.sha1(body).hexdigest(),
                   hashlib.sha256(body).hexdigest(), hashlib.sha512(body).hexdigest())


def _token(rng: random.Random) -> str:
    """The random folder names Android 11+ gives /data/app installs (base64url of 16 bytes)."""
    raw = bytes(rng.getrandbits(8) for _ in range(16))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def data_app_path(rng: random.Random, package: str) -> str:
    return f"/data/app/~~{_token(rng)}==/{package}-{_token(rng)}==/base.apk"


def installer_of(declared: str, originating_hint: str | None = None) -> tuple[str, str | None, str | None]:
    """(installer, initiating, originating) for a declared installer. A browser or file manager does not
    install anything itself: it hands the APK to the package installer, which is what `pm list packages -i`
    (AndroidQF's installer) then names."""
    if declared in ("null", "", None):
        return "null", None, None
    if declared in STORES:
        return declared, declared, None
    if declared == PACKAGE_INSTALLER or declared.endswith(".packageinstaller"):
        return declared, declared, originating_hint
    return PACKAGE_INSTALLER, PACKAGE_INSTALLER, declared


def image_and_apps(draft: Draft) -> list[InstalledPackage]:
    """The image's packages (a scenario's app of the same name replaces the image's copy), then the
    person's other apps, in the scenario's order."""
    p, rng, i = draft.persona, draft.rng, draft.instance
    platform = Signer(platform_signer(p.manufacturer), f"platform:{p.manufacturer}")
    apps = {app.package: app for app in i.apps}
    packages = []
    for name, folder, partition, uid in system_packages(p.manufacturer):
        app = apps.pop(name, None)
        if app is not None:
            packages.append(app_package(draft, app, system=True, folder=(folder, partition), uid=uid))
            continue
        signer = GOOGLE_APPS if google_signed(name) else platform
        version = f"{p.android_version}.{rng.randint(0, 9)}.{rng.randint(10, 99)}"
        if name in PLAY_UPDATED:
            path, installer = data_app_path(rng, name), PLAY_STORE
            updated = i.start - rng.uniform(0.5, 40) * DAY
        else:
            path = "/system/framework/framework-res.apk" if name == "android" else \
                f"/{partition}/{folder}/{folder}.apk"
            installer, updated = "null", SYSTEM_IMAGE_TIME
        packages.append(InstalledPackage(
            receivers=image_receivers(name),
            name=name, label=folder, version_name=version, version_code=version_code_of(version, name),
            uid=uid, system=True, installer=installer, initiating=None, originating=None,
            apk=apk_file(path, name, version, signer), signer=signer, trusted_certificate=True,
            first_install=SYSTEM_IMAGE_TIME, last_update=updated,
            requested_permissions=(), install_permissions=(), runtime_permissions=(),
            min_sdk=p.sdk, target_sdk=p.sdk))
    for app in i.apps:
        if app.package in apps:
            packages.append(app_package(draft, app, system=app.system, folder=None, uid=0))
    return packages


def app_package(draft: Draft, app: AppProfile, system: bool, folder: tuple[str, str] | None,
                uid: int) -> InstalledPackage:
    """A scenario's benign app: from the store (updated since) or sideloaded (as installed)."""
    p, rng, i = draft.persona, draft.rng, draft.instance
    signer = GOOGLE_APPS if google_signed(app.package) else app_signer(app.package)
    if system:
        first = SYSTEM_IMAGE_TIME
    else:
        first = draft.setup_time + rng.uniform(0.02, 0.9) * (i.start - 2 * DAY - draft.setup_time)
    installer, initiating, originating = installer_of(app.installer)
    # Store apps (pre-installed ones too) get updates; the others keep their install time.
    last = max(first, i.start - rng.uniform(0.5, 40) * DAY) if installer != "null" else first
    if system and installer == "null" and folder:
        path = f"/{folder[1]}/{folder[0]}/{folder[0]}.apk"     # never updated: still on the image
    else:
        path = data_app_path(rng, app.package)
    install_perms, runtime, _special = split_permissions(app.permissions)
    granted = tuple((perm, rng.random() < 0.85) for perm in runtime)
    return InstalledPackage(
        name=app.package, label=app.label, version_name=app.version_name,
        version_code=version_code_of(app.version_name, app.package),
        uid=uid, system=system, installer=installer, initiating=initiating, originating=originating,
        apk=apk_file(path, app.package, app.version_name, signer), signer=signer,
        trusted_certificate=system or installer == PLAY_STORE,
        first_install=round(first, 3), last_update=round(last, 3),
        requested_permissions=app.permissions, install_permissions=install_perms,
        runtime_permissions=granted,
        accessibility_service=Component.of(app.package, app.accessibility_service)
        if app.accessibility_service else None,
        notification_listener=Component.of(app.package, app.notification_listener)
        if app.notification_listener else None,
        device_admin=Component.of(app.package, app.device_admin) if app.device_admin else None,
        min_sdk=min(26, p.sdk), target_sdk=p.sdk,
        receivers=app_receivers(app.package, app.permissions),
    )


def assign_uids(draft: Draft, packages: list[InstalledPackage]) -> list[InstalledPackage]:
    """App uids in order of first install: pre-installed apps first, then each install, with the gaps left
    by uninstalled apps."""
    rng = draft.rng
    out = []
    next_uid = 10000 + rng.randint(5, 20)
    for pkg in packages:
        if pkg.first_install == SYSTEM_IMAGE_TIME and pkg.uid == 0:
            out.append(dataclasses.replace(pkg, uid=next_uid))
            next_uid += rng.randint(1, 3)
        elif pkg.uid:
            out.append(pkg)
    next_uid += rng.randint(20, 60)
    user = sorted([pkg for pkg in packages if pkg.first_install != SYSTEM_IMAGE_TIME],
                  key=lambda pkg: (pkg.first_install, pkg.name))
    removed = sorted(draft.removed_installs)
    for pkg in user:
        while removed and removed[0] < pkg.first_install:
            removed.pop(0)
            next_uid += 1
        out.append(dataclasses.replace(pkg, uid=next_uid))
        next_uid += rng.randint(1, 4)
    return out


def play_updates(draft: Draft, packages: list[InstalledPackage]) -> None:
    """Store updates within the ten days batterystats keeps."""
    start = draft.instance.start
    for pkg in packages:
        if pkg.installer == PLAY_STORE and start - pkg.last_update < 10 * DAY and pkg.last_update > pkg.first_install:
            draft.changes.append(PackageChange(pkg.last_update, pkg.name, True, pkg.version_code))
