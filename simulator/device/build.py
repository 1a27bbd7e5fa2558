"""Scenario instance -> DeviceState: which packages are on the phone, since when, with which accesses.

All choices come from the `random.Random` passed in, in a fixed order, and all times from the scenario
clock (`instance.start`, `instance.end`, `FamilyInstance.installed_at` / `removed_at`), so the same
instance and seed always give the same phone.

The installation story of a sideloaded family is told in the order it happens on a real phone: Play
Protect switched off, the browser allowed to install unknown apps, the APK downloaded, installed a minute
or two later, then the accessibility service, device admin, notification and usage access switched on
and the launcher icon hidden, all within minutes and all before the capture starts.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import random
import uuid

from stalkerlab.simulator.device.permissions import OP_OF_PERMISSION, SPECIAL_ACCESS, split_permissions
from stalkerlab.simulator.device.signing import app_signer
from stalkerlab.simulator.device.state import (
    ApkFile,
    AppOp,
    AppOpAccess,
    Component,
    DeviceState,
    FileRecord,
    InstalledPackage,
    PackageChange,
    Process,
    StoryEvent,
)
from stalkerlab.simulator.device.system_packages import (
    BUILTIN_ACCESSIBILITY,
    GOOGLE_APP_SIGNER,
    PACKAGE_INSTALLER,
    PLATFORM_SIGNERS,
    system_packages,
)
from stalkerlab.simulator.instance import FamilyInstance, ScenarioInstance
from stalkerlab.simulator.world.model import AppProfile, Signer

DAY = 86400.0
PLAY_STORE = "com.android.vending"
DEVICE_FAMILY_TYPES = ("stalkerware", "watchware", "tracker-sdk")
# Installers that hand an APK to the package installer rather than install it themselves.
STORES = (PLAY_STORE, "com.sec.android.app.samsungapps", "com.xiaomi.mipicks", "org.fdroid.fdroid",
          "com.aurora.store", "com.amazon.venezia", "com.huawei.appmarket")
# Play-updated system apps live in /data/app like user apps.
PLAY_UPDATED = ("com.google.android.gms", PLAY_STORE, "com.android.chrome", "com.google.android.webview",
                "com.google.android.youtube", "com.google.android.gm", "com.google.android.apps.maps",
                "com.google.android.googlequicksearchbox", "com.google.android.apps.photos",
                "com.google.android.apps.messaging", "com.google.android.inputmethod.latin")
SYSTEM_UID_USERS = {1000: "system", 1001: "radio", 1002: "bluetooth", 1027: "nfc", 1068: "secure_element",
                    1073: "network_stack", 2000: "shell"}
SYSTEM_IMAGE_TIME = 1230768000.0   # 2009-01-01 00:00 UTC: the mtime Android images give /system files
USAGE_OPS_BENIGN = ("FINE_LOCATION", "COARSE_LOCATION", "CAMERA", "RECORD_AUDIO", "READ_CONTACTS",
                    "POST_NOTIFICATION")


def build_device_state(instance: ScenarioInstance, rng: random.Random) -> DeviceState:
    return _Builder(instance, rng).build()


def family_on_device(fi: FamilyInstance) -> bool:
    """Families that leave a trace on the phone (installed now or once)."""
    return (fi.family.type in DEVICE_FAMILY_TYPES and fi.family.footprint is not None
            and bool(fi.variant.package) and fi.presence != "website-only")


def version_code_of(version_name: str, salt: str) -> int:
    """A plausible versionCode for a versionName ("7.4.2" -> 70402xx), stable per package."""
    digits = [int(p) for p in "".join(c if c.isdigit() else " " for c in version_name).split()[:3]]
    digits += [0] * (3 - len(digits))
    base = digits[0] * 1_000_000 + min(digits[1], 99) * 10_000 + min(digits[2], 99) * 100
    return base % 2_000_000_000 + int(hashlib.sha256(salt.encode()).hexdigest()[:2], 16) % 100


BOOT = "android.intent.action.BOOT_COMPLETED"
SMS_RECEIVED = "android.provider.Telephony.SMS_RECEIVED"
PHONE_STATE = "android.intent.action.PHONE_STATE"
NEW_OUTGOING_CALL = "android.intent.action.NEW_OUTGOING_CALL"
# Receivers the phone's own apps register for the same broadcasts.
SYSTEM_RECEIVERS = (
    ("com.samsung.android.messaging", SMS_RECEIVED, "com.samsung.android.messaging.service.receiver.SmsReceiver"),
    ("com.google.android.apps.messaging", SMS_RECEIVED,
     "com.google.android.apps.messaging.shared.receiver.SmsDeliverReceiver"),
    ("com.samsung.android.dialer", PHONE_STATE, "com.samsung.android.dialer.receiver.CallStateReceiver"),
    ("com.google.android.dialer", PHONE_STATE, "com.android.dialer.callstats.CallStatsReceiver"),
    ("com.android.phone", NEW_OUTGOING_CALL, "com.android.phone.OutgoingCallBroadcaster"),
)


def monitoring_receivers(package: str, permissions: tuple[str, ...], boot: bool) -> tuple[tuple[str, str], ...]:
    """The receivers a monitoring app declares: start at boot, catch SMS, follow calls."""
    out = []
    if boot:
        out.append((BOOT, f"{package}.receiver.BootReceiver"))
    if {"android.permission.READ_SMS", "android.permission.RECEIVE_SMS"} & set(permissions):
        out.append((SMS_RECEIVED, f"{package}.receiver.SmsReceiver"))
    if {"android.permission.READ_CALL_LOG", "android.permission.PROCESS_OUTGOING_CALLS"} & set(permissions):
        out.append((PHONE_STATE, f"{package}.receiver.CallReceiver"))
        out.append((NEW_OUTGOING_CALL, f"{package}.receiver.CallReceiver"))
    return tuple(out)


def _apk(path: str, package: str, version: str, signer: Signer) -> ApkFile:
    """Hashes of deterministic stand-in APK bytes (no APK is written)."""
    seed = hashlib.sha512(f"apk:{package}:{version}:{signer.key_seed}".encode()).digest()
    body = b"PK\x03\x04" + seed * 64
    return ApkFile(path, hashlib.md5(body).hexdigest(), hashlib.sha1(body).hexdigest(),
                   hashlib.sha256(body).hexdigest(), hashlib.sha512(body).hexdigest())


class _Builder:
    def __init__(self, instance: ScenarioInstance, rng: random.Random):
        self.i = instance
        self.rng = rng
        self.p = instance.persona
        self.story: list[StoryEvent] = []
        self.changes: list[PackageChange] = []
        self.appops: list[AppOp] = []
        self.files: list[FileRecord] = []
        self.stale: list[str] = []
        self.removed_installs: list[float] = []   # uids are never reused: removed apps still took one
        self.installed_families: list[FamilyInstance] = []

    # --- helpers -------------------------------------------------------------------------------
    def _token(self) -> str:
        """The random folder names Android 11+ gives /data/app installs (base64url of 16 bytes)."""
        raw = bytes(self.rng.getrandbits(8) for _ in range(16))
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _data_app_path(self, package: str) -> str:
        return f"/data/app/~~{self._token()}==/{package}-{self._token()}==/base.apk"

    # --- the steps -------------------------------------------------------------------------------
    def build(self) -> DeviceState:
        i, rng, p = self.i, self.rng, self.p
        families = [fi for fi in i.families if family_on_device(fi)]
        earliest = min([fi.installed_at for fi in families] + [i.start - 30 * DAY])
        self.setup_time = float(int(earliest - rng.uniform(60, 420) * DAY))
        self.boot_time = float(int(i.start - rng.uniform(0.3, 5.0) * DAY))
        started = round(i.end + rng.uniform(60, 240), 6)
        completed = round(started + rng.uniform(150, 420), 6)
        acq_uuid = str(uuid.UUID(bytes=hashlib.sha256(f"acquisition:{i.seed}:{i.scenario.id}".encode())
                                 .digest()[:16], version=4))
        incremental = self._incremental()
        fingerprint = (f"{p.manufacturer}/{p.device}/{p.device}:{p.android_version}/{p.build_id}/"
                       f"{incremental}:user/release-keys")

        packages = self._system_and_apps()
        for fi in families:
            self._family(fi, packages)
        packages = self._assign_uids(packages)
        self._appops(packages, families)
        self._play_updates(packages)

        by_name = {pkg.name: pkg for pkg in packages}
        a11y_installed = [Component(pkg, cls) for pkg, cls in BUILTIN_ACCESSIBILITY.get(p.manufacturer, ())
                          if pkg in by_name]
        a11y_installed += [pkg.accessibility_service for pkg in packages
                           if pkg.accessibility_service and pkg.accessibility_service not in a11y_installed]
        a11y_enabled = [pkg.accessibility_service for pkg in packages if pkg.accessibility_service]
        for fi in families:
            fp = fi.family.footprint
            # A removed app's component can outlive it in Settings.Secure (seen on real phones after an
            # uninstall from adb or while the user was locked); one draw per removed family decides.
            if fi.removed_at is not None and fp.accessibility_service and rng.random() < 0.5:
                a11y_enabled.append(Component.of(fi.variant.package, fp.accessibility_service))
                self.stale.append(fi.variant.package)
        listeners = self._default_listeners(by_name) + [
            pkg.notification_listener for pkg in packages if pkg.notification_listener]
        admins = []
        if "com.google.android.gms" in by_name:
            admins.append((Component("com.google.android.gms",
                                     "com.google.android.gms.mdm.receivers.MdmDeviceAdminReceiver"),
                           by_name["com.google.android.gms"].uid))
        admins += [(pkg.device_admin, pkg.uid) for pkg in packages if pkg.device_admin]

        # Uninstalling an app does not switch Play Protect back on: the setting outlives the family.
        play_protect_off = any(fi.family.footprint.play_protect_off for fi in families)
        settings = self._settings(a11y_enabled, listeners, play_protect_off, by_name)
        return DeviceState(
            scenario_id=i.scenario.id,
            seed=i.seed,
            persona=p,
            timezone=p.timezone,
            accessibility_syntax=getattr(i.scenario, "accessibility_syntax", "v14") or "v14",
            setup_time=self.setup_time,
            boot_time=self.boot_time,
            acquisition_uuid=acq_uuid,
            acquisition_started=started,
            acquisition_completed=completed,
            build_fingerprint=fingerprint,
            build_incremental=incremental,
            properties=self._properties(fingerprint, incremental),
            packages=tuple(sorted(packages, key=lambda pkg: pkg.name)),
            settings=settings,
            accessibility_installed=tuple(a11y_installed),
            accessibility_enabled=tuple(a11y_enabled),
            notification_listeners=tuple(listeners),
            device_admins=tuple(admins),
            appops=tuple(sorted(self.appops, key=lambda op: (op.uid, op.package, op.op))),
            package_changes=tuple(sorted(self.changes, key=lambda c: (c.at, c.package))),
            processes=self._processes(packages),
            mounts=self._mounts(),
            root_binaries=(),
            files=tuple(sorted(self.files, key=lambda f: f.path)),
            story=tuple(sorted(self.story, key=lambda e: (e.at, e.package, e.event))),
            family_packages=tuple((fi.family.id, fi.variant.package, fi.presence) for fi in families),
            stale_accessibility=tuple(self.stale),
            adb_host_key=self._adb_key(acq_uuid),
            tombstones=((round(self.boot_time - rng.uniform(1, 9) * DAY, 3), "media.swcodec", 1046,
                         "media.swcodec"),),
        )

    def _adb_key(self, seed: str) -> str:
        """An ADB public key in Android's RSA blob layout (len, n0inv, n[64], rr[64], e), base64, as
        `adb keygen` writes it. Stand-in numbers: only the layout matters to the tools reading it."""
        words = bytearray()
        block = seed.encode()
        while len(words) < 516:
            block = hashlib.sha256(block).digest()
            words += block
        blob = (64).to_bytes(4, "little") + bytes(words[:516]) + (65537).to_bytes(4, "little")
        return f"{base64.b64encode(blob).decode()} analyst@forensics-laptop"

    def _incremental(self) -> str:
        p, rng = self.p, self.rng
        if p.manufacturer == "samsung":
            code = p.model_code.replace("SM-", "")
            return f"{code}XXU{rng.randint(1, 6)}{rng.choice('ABCDE')}{rng.choice('WXY')}" \
                   f"{rng.choice('ABCDEFGHIJKL')}{rng.randint(1, 9)}"
        return str(rng.randint(10_000_000, 13_999_999))

    # --- packages --------------------------------------------------------------------------------
    def _system_and_apps(self) -> list[InstalledPackage]:
        p, rng, i = self.p, self.rng, self.i
        platform = Signer(PLATFORM_SIGNERS.get(p.manufacturer, PLATFORM_SIGNERS["Google"]),
                          f"platform:{p.manufacturer}")
        google = Signer(GOOGLE_APP_SIGNER, "google-apps")
        apps = {app.package: app for app in i.apps}
        packages = []
        gms_names = {row[0] for row in system_packages("") if row[0].startswith("com.google.")
                     or row[0] in (PLAY_STORE, "com.android.chrome")}
        for name, folder, partition, uid in system_packages(p.manufacturer):
            signer = google if name in gms_names else platform
            app = apps.pop(name, None)
            if app is not None:
                packages.append(self._app_package(app, system=True, folder=(folder, partition), uid=uid))
                continue
            version = f"{p.android_version}.{rng.randint(0, 9)}.{rng.randint(10, 99)}"
            if name in PLAY_UPDATED:
                path, installer = self._data_app_path(name), PLAY_STORE
                updated = self.i.start - rng.uniform(0.5, 40) * DAY
            else:
                path = "/system/framework/framework-res.apk" if name == "android" else \
                    f"/{partition}/{folder}/{folder}.apk"
                installer, updated = "null", SYSTEM_IMAGE_TIME
            receivers = tuple((action, cls) for owner, action, cls in SYSTEM_RECEIVERS if owner == name)
            packages.append(InstalledPackage(
                receivers=receivers,
                name=name, label=folder, version_name=version, version_code=version_code_of(version, name),
                uid=uid, system=True, installer=installer, initiating=None, originating=None,
                apk=_apk(path, name, version, signer), signer=signer, trusted_certificate=True,
                first_install=SYSTEM_IMAGE_TIME, last_update=updated,
                requested_permissions=(), install_permissions=(), runtime_permissions=(),
                min_sdk=p.sdk, target_sdk=p.sdk))
        for app in i.apps:
            if app.package in apps:
                packages.append(self._app_package(app, system=app.system, folder=None, uid=0))
        return packages

    def _installer(self, declared: str, originating_hint: str | None = None) -> tuple[str, str | None, str | None]:
        """(installer, initiating, originating) for a declared installer. A browser or file manager
        does not install anything itself: it hands the APK to the package installer, which is what
        `pm list packages -i` (AndroidQF's installer) then names."""
        if declared in ("null", "", None):
            return "null", None, None
        if declared in STORES:
            return declared, declared, None
        if declared == PACKAGE_INSTALLER or declared.endswith(".packageinstaller"):
            return declared, declared, originating_hint
        return PACKAGE_INSTALLER, PACKAGE_INSTALLER, declared

    def _app_package(self, app: AppProfile, system: bool, folder: tuple[str, str] | None,
                     uid: int) -> InstalledPackage:
        p, rng, i = self.p, self.rng, self.i
        signer = Signer(GOOGLE_APP_SIGNER, "google-apps") if app.package.startswith("com.google.") or \
            app.package in ("com.android.chrome", PLAY_STORE) else app_signer(app.package)
        if system:
            first = SYSTEM_IMAGE_TIME
        else:
            first = self.setup_time + rng.uniform(0.02, 0.9) * (i.start - 2 * DAY - self.setup_time)
        installer, initiating, originating = self._installer(app.installer)
        # Store apps (pre-installed ones too) get updates; the others keep their install time.
        last = max(first, i.start - rng.uniform(0.5, 40) * DAY) if installer != "null" else first
        if system and installer == "null" and folder:
            path = f"/{folder[1]}/{folder[0]}/{folder[0]}.apk"     # never updated: still on the image
        else:
            path = self._data_app_path(app.package)
        install_perms, runtime, _special = split_permissions(app.permissions)
        granted = tuple((perm, rng.random() < 0.85) for perm in runtime)
        vcode = version_code_of(app.version_name, app.package)
        return InstalledPackage(
            name=app.package, label=app.label, version_name=app.version_name, version_code=vcode,
            uid=uid, system=system, installer=installer, initiating=initiating, originating=originating,
            apk=_apk(path, app.package, app.version_name, signer), signer=signer,
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
            receivers=((BOOT, f"{app.package}.BootReceiver"),)
            if "android.permission.RECEIVE_BOOT_COMPLETED" in app.permissions else (),
        )

    def _family(self, fi: FamilyInstance, packages: list[InstalledPackage]) -> None:
        """One family's package (if still installed) and the story of its installation."""
        rng, i = self.rng, self.i
        fam, fp, pkg = fi.family, fi.family.footprint, fi.variant.package
        label = fi.variant.label or fp.label
        t = fi.installed_at
        limit = (fi.removed_at if fi.removed_at is not None else i.start) - 1
        signer = fam.signer or app_signer(pkg)
        installer, initiating, originating = self._installer(fp.installer, fp.unknown_sources_to)

        def at(offset: float) -> float:
            return round(min(t + offset, limit), 3)

        if fp.play_protect_off:
            self.story.append(StoryEvent(at(-rng.uniform(200, 420)), pkg, "play_protect_off",
                                         "Play Protect scanning switched off"))
        grant_at = at(-rng.uniform(60, 150))
        if fp.unknown_sources_to:
            self.story.append(StoryEvent(grant_at, pkg, "unknown_sources_granted",
                                         f"{fp.unknown_sources_to} allowed to install unknown apps"))
        download_at = at(-rng.uniform(15, 45))
        if originating or fp.unknown_sources_to:
            # The APK usually stays in Download/ after the install: detail is its path.
            apk_path = f"/sdcard/Download/{label.replace(' ', '_')}_{fp.version_name}.apk"
            self.story.append(StoryEvent(download_at, pkg, "downloaded", apk_path))
            digest = hashlib.sha256(f"download:{pkg}:{fp.version_name}".encode()).hexdigest()
            self.files.append(FileRecord(
                path=apk_path, size=rng.randint(3_000_000, 14_000_000),
                mode="-rw-rw----", user_id=0, group_id=1015, changed_time=int(download_at),
                modified_time=int(download_at), access_time=int(t), context="u:object_r:media_rw_data_file:s0",
                sha256=digest))
        self.story.append(StoryEvent(round(t, 3), pkg, "installed", f"installer {installer}"))
        offset = rng.uniform(40, 120)
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
        for event, detail in steps:
            self.story.append(StoryEvent(at(offset), pkg, event, detail))
            offset += rng.uniform(20, 90)

        vcode = version_code_of(fp.version_name, pkg)
        self.changes.append(PackageChange(round(t, 3), pkg, True, vcode))
        if fi.removed_at is not None:
            self.story.append(StoryEvent(round(fi.removed_at, 3), pkg, "uninstalled", ""))
            self.changes.append(PackageChange(round(fi.removed_at, 3), pkg, False, 0))
            self.removed_installs.append(t)
            return

        requested = list(fp.permissions)
        if fp.boot_receiver and "android.permission.RECEIVE_BOOT_COMPLETED" not in requested:
            requested.append("android.permission.RECEIVE_BOOT_COMPLETED")
        if fp.usage_access and "android.permission.PACKAGE_USAGE_STATS" not in requested:
            requested.append("android.permission.PACKAGE_USAGE_STATS")
        install_perms, runtime, _special = split_permissions(tuple(requested))
        path = self._data_app_path(pkg)
        packages.append(InstalledPackage(
            name=pkg, label=label, version_name=fp.version_name, version_code=vcode, uid=0, system=False,
            installer=installer, initiating=initiating, originating=originating,
            apk=_apk(path, pkg, fp.version_name, signer), signer=signer, trusted_certificate=False,
            first_install=round(t, 3), last_update=round(t, 3),
            requested_permissions=tuple(requested), install_permissions=install_perms,
            runtime_permissions=tuple((perm, True) for perm in runtime),
            disabled_components=(f"{pkg}.LauncherActivity",) if fp.hidden_icon else (),
            accessibility_service=Component.of(pkg, fp.accessibility_service) if fp.accessibility_service
            else None,
            notification_listener=Component.of(pkg, fp.notification_listener) if fp.notification_listener
            else None,
            device_admin=Component.of(pkg, fp.device_admin) if fp.device_admin else None,
            boot_receiver=fp.boot_receiver, min_sdk=21, target_sdk=rng.choice((28, 29, 30)),
            family=fam.id, receivers=monitoring_receivers(pkg, tuple(requested), fp.boot_receiver),
        ))
        self.installed_families.append(fi)

    def _assign_uids(self, packages: list[InstalledPackage]) -> list[InstalledPackage]:
        """App uids in order of first install: pre-installed apps first, then each install, with the
        gaps left by uninstalled apps."""
        rng = self.rng
        out = []
        next_uid = 10000 + rng.randint(5, 20)
        for pkg in packages:
            if pkg.first_install == SYSTEM_IMAGE_TIME and pkg.uid == 0:
                out.append(_replace(pkg, uid=next_uid))
                next_uid += rng.randint(1, 3)
            elif pkg.uid:
                out.append(pkg)
        next_uid += rng.randint(20, 60)
        user = sorted([pkg for pkg in packages if pkg.first_install != SYSTEM_IMAGE_TIME],
                      key=lambda pkg: (pkg.first_install, pkg.name))
        removed = sorted(self.removed_installs)
        for pkg in user:
            while removed and removed[0] < pkg.first_install:
                removed.pop(0)
                next_uid += 1
            out.append(_replace(pkg, uid=next_uid))
            next_uid += rng.randint(1, 4)
        return out

    # --- app-ops -----------------------------------------------------------------------------------
    def _appops(self, packages: list[InstalledPackage], families: list[FamilyInstance]) -> None:
        rng, i = self.rng, self.i
        by_name = {pkg.name: pkg for pkg in packages}
        for pkg in packages:
            if pkg.system and not pkg.runtime_permissions:
                continue
            hidden = pkg.family is not None
            for perm, granted in pkg.runtime_permissions:
                op = OP_OF_PERMISSION.get(perm)
                if not op or not granted or (not hidden and op not in USAGE_OPS_BENIGN):
                    continue
                if hidden:
                    # Monitoring apps read in the background, during the capture as well.
                    accesses = (AppOpAccess(round(i.end - rng.uniform(5, 0.8 * (i.end - i.start)), 3), "bg-s"),)
                else:
                    accesses = (AppOpAccess(round(i.start - rng.uniform(600, 3 * DAY), 3), "fg-s"),)
                self.appops.append(AppOp(pkg.uid, pkg.name, op, "allow", accesses))
            for perm in pkg.requested_permissions:
                op = SPECIAL_ACCESS.get(perm)
                if op in ("SYSTEM_ALERT_WINDOW", "GET_USAGE_STATS") and hidden:
                    self.appops.append(AppOp(pkg.uid, pkg.name, op, "allow", ()))
        for fi in self.installed_families:
            fp = fi.family.footprint
            pkg = by_name[fi.variant.package]
            if fp.usage_access and not any(op.package == pkg.name and op.op == "GET_USAGE_STATS"
                                           for op in self.appops):
                self.appops.append(AppOp(pkg.uid, pkg.name, "GET_USAGE_STATS", "allow", ()))
        for fi in families:
            fp = fi.family.footprint
            source = fp.unknown_sources_to
            if not source:
                continue
            holder = by_name.get(source)
            if holder is None or any(op.package == source and op.op == "REQUEST_INSTALL_PACKAGES"
                                     for op in self.appops):
                continue
            # The op is checked when the browser hands the APK over: its last access is the install.
            self.appops.append(AppOp(holder.uid, source, "REQUEST_INSTALL_PACKAGES", "allow",
                                     (AppOpAccess(round(fi.installed_at - rng.uniform(3, 12), 3), "fg-s"),)))

    # --- batterystats package changes -------------------------------------------------------------------
    def _play_updates(self, packages: list[InstalledPackage]) -> None:
        """Store updates within the ten days batterystats keeps."""
        for pkg in packages:
            if pkg.installer == PLAY_STORE and self.i.start - pkg.last_update < 10 * DAY \
                    and pkg.last_update > pkg.first_install:
                self.changes.append(PackageChange(pkg.last_update, pkg.name, True, pkg.version_code))

    # --- components that the system itself enables -----------------------------------------------------
    def _default_listeners(self, by_name: dict) -> list[Component]:
        out = []
        for launcher in ("com.google.android.apps.nexuslauncher", "com.sec.android.app.launcher"):
            if launcher in by_name:
                out.append(Component(launcher, "com.android.launcher3.notification.NotificationListener"))
        if "com.google.android.as" in by_name:
            out.append(Component("com.google.android.as",
                                 "com.google.android.apps.miphone.aiai.common.notification.service."
                                 "AiAiNotificationListenerService"))
        return out

    # --- settings -------------------------------------------------------------------------------------
    def _settings(self, a11y: list[Component], listeners: list[Component], play_protect_off: bool,
                  by_name: dict) -> dict[str, tuple[tuple[str, str], ...]]:
        p, rng, sc = self.p, self.rng, self.i.scenario
        android_id = "".join(rng.choice("0123456789abcdef") for _ in range(16))
        ime = {"samsung": "com.samsung.android.honeyboard/.service.HoneyBoardService"}.get(
            p.manufacturer, "com.google.android.inputmethod.latin/com.android.inputmethod.latin.LatinIME")
        secure = {
            "android_id": android_id,
            "accessibility_enabled": "1" if a11y else "0",
            "default_input_method": ime,
            "enabled_input_methods": ime,
            "install_non_market_apps": "1",
            "location_mode": "3",
            "lock_screen_lock_after_timeout": "5000",
            "screensaver_enabled": "0",
            "skip_first_use_hints": "1",
            "user_setup_complete": "1",
            "backup_enabled": "1",
            "bluetooth_name": p.model,
            "doze_always_on": "0",
            "enabled_notification_listeners": ":".join(c.flat for c in listeners),
            "notification_badging": "1",
            "ui_night_mode": str(rng.choice((1, 2))),
        }
        if a11y:
            secure["enabled_accessibility_services"] = ":".join(c.flat for c in a11y)
            secure["touch_exploration_enabled"] = "0"
        glob = {
            "adb_enabled": "1",       # AndroidQF needs USB debugging: every acquisition shows it on
            "airplane_mode_on": "0",
            "auto_time": "1",
            "auto_time_zone": "1",
            "boot_count": str(rng.randint(40, 400)),
            "development_settings_enabled": "1",
            "device_name": p.model,
            "device_provisioned": "1",
            "mobile_data": "1",
            "package_verifier_enable": "0" if play_protect_off else "1",
            "package_verifier_user_consent": "1",
            "upload_apk_enable": "0" if play_protect_off else "1",
            "verifier_verify_adb_installs": "1",
            "stay_on_while_plugged_in": "0",
            "usb_mass_storage_enabled": "1",
            "wifi_on": "1",
            "bluetooth_on": str(rng.choice((0, 1))),
            "private_dns_mode": "hostname" if getattr(sc, "private_dns", False) else "opportunistic",
            "wifi_scan_always_enabled": "1",
        }
        if getattr(sc, "private_dns", False):
            glob["private_dns_specifier"] = "dns.example.net"
        system = {
            "accelerometer_rotation": "0",
            "dtmf_tone": "1",
            "font_scale": "1.0",
            "haptic_feedback_enabled": "1",
            "screen_brightness": str(rng.randint(40, 200)),
            "screen_brightness_mode": "1",
            "screen_off_timeout": str(rng.choice((30000, 60000, 120000))),
            "sound_effects_enabled": "1",
            "time_12_24": "12" if p.locale == "en_US" else "24",
            "volume_music": str(rng.randint(3, 15)),
            "volume_ring": str(rng.randint(3, 15)),
            "notification_sound": "content://media/internal/audio/media/28?title=Skyline&canonical=1",
        }
        if p.manufacturer == "samsung":
            system["samsung_errorlog_agree"] = "1"
        return {name: tuple(sorted(values.items())) for name, values in
                (("system", system), ("secure", secure), ("global", glob))}

    # --- getprop ------------------------------------------------------------------------------------
    def _properties(self, fingerprint: str, incremental: str) -> tuple[tuple[str, str], ...]:
        p, rng = self.p, self.rng
        brand = p.manufacturer.lower() if p.manufacturer != "Google" else "google"
        lang, _, country = p.locale.partition("_")
        carrier = {"GB": "EE", "FR": "Orange F", "DE": "Telekom.de", "US": "T-Mobile", "ES": "Movistar",
                   "IT": "TIM"}.get(country, "EE")
        built = int(self.setup_time - rng.uniform(30, 200) * DAY)
        props = {
            "dalvik.vm.appimageformat": "lz4",
            "dalvik.vm.dex2oat-Xms": "64m",
            "dalvik.vm.dex2oat-Xmx": "512m",
            "dalvik.vm.heapgrowthlimit": "256m",
            "dalvik.vm.heapsize": "512m",
            "dalvik.vm.isa.arm64.variant": "cortex-a76",
            "gsm.sim.operator.alpha": carrier,
            "gsm.sim.operator.iso-country": country.lower(),
            "gsm.sim.state": "LOADED",
            "net.hostname": p.hostname,
            "persist.sys.locale": f"{lang}-{country}",
            "persist.sys.timezone": p.timezone,
            "persist.sys.usb.config": "mtp,adb",
            "ro.boot.flash.locked": "1",
            "ro.boot.serialno": p.serial,
            "ro.boot.verifiedbootstate": "green",
            "ro.build.characteristics": "phone",
            "ro.build.date.utc": str(built),
            "ro.build.display.id": f"{p.build_id}.{incremental}",
            "ro.build.fingerprint": fingerprint,
            "ro.build.id": p.build_id,
            "ro.build.tags": "release-keys",
            "ro.build.type": "user",
            "ro.build.version.incremental": incremental,
            "ro.build.version.release": str(p.android_version),
            "ro.build.version.release_or_codename": str(p.android_version),
            "ro.build.version.sdk": str(p.sdk),
            "ro.build.version.security_patch": p.security_patch,
            "ro.crypto.state": "encrypted",
            "ro.crypto.type": "file",
            "ro.debuggable": "0",
            "ro.product.brand": brand,
            "ro.product.cpu.abi": "arm64-v8a",
            "ro.product.cpu.abilist": "arm64-v8a,armeabi-v7a,armeabi",
            "ro.product.device": p.device,
            "ro.product.locale": f"{lang}-{country}",
            "ro.product.manufacturer": p.manufacturer,
            "ro.product.model": p.model_code,
            "ro.product.name": p.device,
            "ro.product.vendor.brand": brand,
            "ro.product.vendor.device": p.device,
            "ro.product.vendor.manufacturer": p.manufacturer,
            "ro.product.vendor.model": p.model_code,
            "ro.product.vendor.name": p.device,
            "ro.secure": "1",
            "ro.serialno": p.serial,
            "sys.boot_completed": "1",
            "sys.usb.config": "mtp,adb",
            "sys.usb.state": "mtp,adb",
        }
        if p.manufacturer == "samsung":
            props["ro.product.marketname"] = p.model
            props["ro.boot.warranty_bit"] = "0"
        return tuple(sorted(props.items()))

    # --- processes ------------------------------------------------------------------------------------
    def _processes(self, packages: list[InstalledPackage]) -> tuple[Process, ...]:
        rng = self.rng
        procs = [Process("root", 1, 0, rng.randint(10_000_000, 13_000_000), rng.randint(9000, 14000),
                         "do_epoll_wait", "S", "init", "u:r:init:s0"),
                 Process("root", 2, 0, 0, 0, "kthreadd", "S", "[kthreadd]", "u:r:kernel:s0")]
        pid = 3
        for name in ("rcu_gp", "rcu_par_gp", "kworker/0:0H-kblockd", "mm_percpu_wq", "ksoftirqd/0",
                     "rcu_preempt", "migration/0", "cpuhp/0", "kworker/u16:1", "kswapd0"):
            procs.append(Process("root", pid, 2, 0, 0, "worker_thread" if "kworker" in name else "smpboot_thread_fn",
                                 "S" if "kworker" not in name else "I", f"[{name}]", "u:r:kernel:s0"))
            pid += rng.randint(1, 3)
        pid = rng.randint(280, 420)
        natives = (("logd", "logd", "u:r:logd:s0"), ("servicemanager", "system", "u:r:servicemanager:s0"),
                   ("vold", "root", "u:r:vold:s0"), ("netd", "root", "u:r:netd:s0"),
                   ("surfaceflinger", "system", "u:r:surfaceflinger:s0"), ("adbd", "shell", "u:r:adbd:s0"),
                   ("installd", "root", "u:r:installd:s0"), ("keystore2", "keystore", "u:r:keystore:s0"),
                   ("wpa_supplicant", "wifi", "u:r:wpa_supplicant:s0"))
        for name, user, label in natives:
            procs.append(Process(user, pid, 1, rng.randint(11_000_000, 15_000_000), rng.randint(3000, 30000),
                                 "do_epoll_wait", "S", name, label))
            pid += rng.randint(2, 40)
        zygote = pid
        procs.append(Process("root", zygote, 1, rng.randint(15_000_000, 17_000_000), rng.randint(90000, 130000),
                             "do_sys_poll", "S", "zygote64", "u:r:zygote:s0"))
        pid += rng.randint(300, 900)
        procs.append(Process("system", pid, zygote, rng.randint(20_000_000, 26_000_000),
                             rng.randint(300000, 420000), "do_epoll_wait", "S", "system_server",
                             "u:r:system_server:s0"))
        always = {"com.android.systemui", "com.android.phone", "com.google.android.gms",
                  "com.android.vending", "com.sec.android.app.launcher",
                  "com.google.android.apps.nexuslauncher", "com.miui.home", "com.motorola.launcher3",
                  "com.android.networkstack", "com.android.bluetooth", "com.android.nfc", "com.android.se"}
        for pkg in sorted(packages, key=lambda pkg: (pkg.system is False, pkg.first_install, pkg.name)):
            running = pkg.name in always or pkg.family is not None or \
                (not pkg.system and rng.random() < 0.6) or (pkg.system and rng.random() < 0.15)
            if not running or pkg.name == "android":
                continue
            pid += rng.randint(20, 400)
            user = SYSTEM_UID_USERS.get(pkg.uid, f"u0_a{pkg.uid - 10000}")
            label = "u:r:system_app:s0" if pkg.uid < 10000 else \
                ("u:r:priv_app:s0" if pkg.system else "u:r:untrusted_app:s0")
            procs.append(Process(user, pid, zygote, rng.randint(15_000_000, 22_000_000), rng.randint(60000, 260000),
                                 "do_epoll_wait", "S", pkg.name, label))
            if pkg.name == "com.google.android.gms":
                pid += rng.randint(5, 60)
                procs.append(Process(user, pid, zygote, rng.randint(15_000_000, 22_000_000),
                                     rng.randint(60000, 260000), "do_epoll_wait", "S",
                                     "com.google.android.gms.persistent", label))
        pid += rng.randint(500, 3000)
        procs.append(Process("shell", pid, zygote - 1 if zygote > 2 else 1, rng.randint(10_000_000, 11_000_000),
                             rng.randint(3000, 4000), "0", "R", "ps", "u:r:shell:s0"))
        return tuple(procs)

    def _mounts(self) -> tuple[str, ...]:
        return (
            "/dev/block/dm-6 on / type ext4 (ro,seclabel,relatime)",
            "tmpfs on /dev type tmpfs (rw,seclabel,nosuid,relatime,size=3742920k,nr_inodes=935730,mode=755)",
            "proc on /proc type proc (rw,relatime,gid=3009,hidepid=invisible)",
            "sysfs on /sys type sysfs (rw,seclabel,relatime)",
            "/dev/block/dm-7 on /system_ext type ext4 (ro,seclabel,relatime)",
            "/dev/block/dm-8 on /product type ext4 (ro,seclabel,relatime)",
            "/dev/block/dm-9 on /vendor type ext4 (ro,seclabel,relatime)",
            "/dev/block/dm-10 on /vendor_dlkm type ext4 (ro,seclabel,relatime)",
            "/dev/block/dm-48 on /data type f2fs (rw,lazytime,seclabel,nosuid,nodev,noatime,background_gc=on,"
            "discard,no_heap,user_xattr,inline_xattr,acl,inline_data,inline_dentry,flush_merge,extent_cache,"
            "mode=adaptive,active_logs=6,reserve_root=32768,resuid=0,resgid=1065,inlinecrypt,"
            "alloc_mode=default,checkpoint_merge,fsync_mode=nobarrier)",
            "/dev/block/by-name/metadata on /metadata type ext4 (rw,seclabel,nosuid,nodev,noatime,discard)",
            "/dev/fuse on /storage/emulated type fuse (rw,lazytime,nosuid,nodev,noexec,noatime,user_id=0,"
            "group_id=0,allow_other)",
            "tmpfs on /apex type tmpfs (rw,seclabel,nosuid,nodev,noexec,relatime,size=3742920k,"
            "nr_inodes=935730,mode=755)",
        )


def _replace(pkg: InstalledPackage, **changes) -> InstalledPackage:
    return dataclasses.replace(pkg, **changes)
