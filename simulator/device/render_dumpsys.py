"""`dumpsys` output, one function per service, in the layout Android prints and MVT parses.

A full `dumpsys` (AndroidQF's dumpsys.txt) is "Currently running services:" followed by one block per
service: a line of 79 dashes, "DUMP OF SERVICE name:", the service's own dump, and a trailer
"--------- 0.012s was the duration of dumpsys name, ending at: <local time>".
"""

from __future__ import annotations

import base64
import hashlib

from stalkerlab.simulator.device.marked_text import Clock, MarkedText, format_duration
from stalkerlab.simulator.device.permissions import DENIED_FLAGS, GRANTED_FLAGS
from stalkerlab.simulator.device.state import DeviceState, InstalledPackage

DASHES = "-" * 79
RUNNING_SERVICES = ("DockObserver", "SurfaceFlinger", "accessibility", "account", "activity", "adb", "alarm",
                    "appops", "audio", "batterystats", "bluetooth_manager", "connectivity", "device_policy",
                    "dbinfo", "input", "location", "netstats", "notification", "package", "permission",
                    "platform_compat", "power", "settings", "usagestats", "user", "wifi", "window")
# Settings a person (or an app) changed from the default, and who wrote them, as the provider records.
CHANGED_BY = {
    ("package_verifier_enable", "0"): ("com.android.vending", "1"),
    ("upload_apk_enable", "0"): ("com.android.vending", "1"),
    ("accessibility_enabled", "1"): ("com.android.settings", "0"),
}
ADMIN_POLICIES = ("limit-password", "watch-login", "reset-password", "force-lock", "wipe-data",
                  "expire-password", "encrypted-storage", "disable-camera", "disable-keyguard-features")


def object_id(*parts: object) -> str:
    """The identity hash codes Java prints ("Package{4be8eeb ...}"): stable per name."""
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:7].lstrip("0") or "1"


def adb_fingerprint(key: str) -> str:
    """The MD5 fingerprint adbd prints for a key ("F0:A1:...")."""
    digest = hashlib.md5(base64.b64decode(key.split(" ", 1)[0])).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


def uid_name(uid: int) -> str:
    return f"u0a{uid - 10000}" if uid >= 10000 else str(uid)


class Dumpsys:
    def __init__(self, state: DeviceState) -> None:
        self.s = state
        self.clock = Clock(state.timezone)
        # dumpsys runs a little after the acquisition starts (AndroidQF collects packages first).
        self.now = state.acquisition_started + 41.0
        self.by_name = {p.name: p for p in state.packages}

    def render(self) -> MarkedText:
        out = MarkedText()
        out.add("Currently running services:")
        for name in RUNNING_SERVICES:
            out.add(f"  {name}")
        sections = (("accessibility", self.accessibility, 0.004), ("adb", self.adb, 0.001),
                    ("appops", self.appops, 0.053), ("batterystats", self.batterystats, 0.071),
                    ("device_policy", self.device_policy, 0.006), ("notification", self.notification, 0.041),
                    ("package", self.package, 2.929), ("settings", self.settings, 0.032))
        for name, render, duration in sections:
            out.add(DASHES)
            out.add(f"DUMP OF SERVICE {name}:")
            out.extend(render())
            self.now += duration + 0.2
            out.add(f"--------- {duration:.3f}s was the duration of dumpsys {name}, ending at: "
                    f"{self.clock.stamp(self.now)}")
        return out

    # --- accessibility ---------------------------------------------------------------------------------
    def accessibility(self) -> MarkedText:
        return self._accessibility_legacy() if self.s.accessibility_syntax == "legacy" else \
            self._accessibility_v14()

    def _a11y_label(self, package: str) -> str:
        pkg = self.by_name.get(package)
        return pkg.label if pkg else package

    def _accessibility_v14(self) -> MarkedText:
        s, out = self.s, MarkedText()
        installed = s.accessibility_installed
        bound = [c for c in s.accessibility_enabled if c.package in self.by_name]
        out.add(f"Service host process PID: {self._pid('system_server')}")
        out.add("Threads in use: 0/14")
        out.add(f"Client PIDs: {', '.join(str(p.pid) for p in s.processes if p.user.startswith('u0_a'))[:400]}")
        out.add("ACCESSIBILITY MANAGER (dumpsys accessibility)")
        out.add()
        out.add("currentUserId=0")
        out.add("hasWindowMagnificationConnection=false")
        out.add("Magnifier on display#0")
        out.add("    MagnificationConfig[mode: 1, activated: false, scale: 1.0, centerX: 540.0, centerY: 1170.0] ")
        out.add("    Magnification region=SkRegion((0,0,1080,2340))")
        out.add("    IdOfLastServiceToMagnify=-1")
        out.add("    SupportWindowMagnification=true")
        out.add("    WindowMagnificationConnectionState=DISCONNECTED")
        out.add("User state[")
        out.add("     attributes:{id=0, touchExplorationEnabled=false, serviceHandlesDoubleTap=false, "
                "requestMultiFingerGestures=false, requestTwoFingerPassthrough=false, "
                "sendMotionEventsEnabledfalse, displayMagnificationEnabled=false, autoclickEnabled=false, "
                "nonInteractiveUiTimeout=0, interactiveUiTimeout=0, "
                f"installedServiceCount={len(installed)}, magnificationModes={{0=1}}, "
                "magnificationCapabilities=3, audioDescriptionByDefaultEnabled=false, "
                "magnificationFollowTypingEnabled=true, alwaysOnMagnificationEnabled=true}")
        out.add("     shortcut key:{}")
        out.add("     button:{}")
        out.add("     button target:{null}")
        services = ", ".join(
            f"Service[label={self._a11y_label(c.package)}, feedbackType[FEEDBACK_GENERIC], capabilities=1, "
            "eventTypes=TYPES_ALL_MASK, notificationTimeout=100, requestA11yBtn=false]" for c in bound)
        out.add(f"     Bound services:{{{services}}}")
        enabled = ", ".join(f"{{{c.flat}}}" for c in s.accessibility_enabled)
        line = f"     Enabled services:{{{enabled}}}"
        marks = [(c.package, "accessibility") for c in s.accessibility_enabled]
        out.add(line, marks[0] if marks else None)
        for mark in marks[1:]:
            out.marks.setdefault(mark, len(out.lines))
        out.add("     Binding services:{}")
        out.add("     Crashed services:{}")
        out.add("     Client list info:{")
        out.add("          Client list callbacks: 6")
        out.add("          Client list killed: false")
        out.add("          Client list broadcasts count: -1")
        out.add("          Registered clients:{")
        clients = "".join(f"[{c.package}]" for c in bound)
        out.add(f"{clients}[com.android.systemui][com.android.settings]}}]")
        out.add()
        out.add("Proxy manager state:")
        out.add("    Number of proxy connections: 0")
        out.add("    Registered proxy connections:")
        out.add("Accessibility Display Listener:")
        systemui = self.by_name.get("com.android.systemui")
        out.add(f"    SystemUI uid: {systemui.uid if systemui else 10076}")
        out.add("    1 valid display: 0")
        return out

    def _accessibility_legacy(self) -> MarkedText:
        """The Samsung-style dump of older releases: `installed services: {` / `enabled services: {`
        blocks with one "N : component" line each."""
        s, out = self.s, MarkedText()
        out.add("ACCESSIBILITY MANAGER (dumpsys accessibility)")
        out.add()
        out.add("User state[attributes:{id=0, currentUser=true")
        for flag in ("mIsNavBarMagnificationAssignedToAccessibilityButton = false", "",
                     "mIsTouchExplorationEnabled = false", "mIsTextHighContrastEnabled = false",
                     "mIsDisplayMagnificationEnabled = false", "mIsAutoclickEnabled = false",
                     "mIsPerformGesturesEnabled = false", "mIsFilterKeyEventsEnabled = false",
                     "mAccessibilityFocusOnlyInActiveWindow = true", "mUserNonInteractiveUiTimeout = 0",
                     "mUserInteractiveUiTimeout = 0", "mBindInstantServiceAllowed = false",
                     "mIsGestureNaviBar = false"):
            out.add(f"  {flag}" if flag else "")
        out.add("  }")
        out.add("  installed services: {")
        for n, c in enumerate(s.accessibility_installed):
            out.add(f"    {n} : {c.short}")
        out.add("  }")
        out.add("  enabled services: {")
        for n, c in enumerate(s.accessibility_enabled):
            out.add(f"    {n} : {c.short}", (c.package, "accessibility"))
        out.add("  }")
        out.add("  binding services: {")
        out.add("  }")
        out.add("  bound services:{")
        for n, c in enumerate(c for c in s.accessibility_enabled if c.package in self.by_name):
            out.add(f"    {n} : {c.short}")
        out.add("  }")
        out.add("  AccessibilityInputFilter:{")
        out.add("  }]")
        out.add()
        return out

    # --- adb ------------------------------------------------------------------------------------------
    def adb(self) -> MarkedText:
        out = MarkedText()
        out.add("ADB MANAGER STATE (dumpsys adb):")
        out.add("{")
        out.add("  debugging_manager={")
        out.add("    connected_to_adb=true")
        key = self.s.adb_host_key
        connected = int((self.s.acquisition_started - 20) * 1000)
        out.add(f"    last_key_received={adb_fingerprint(key)}")
        out.add(f"    user_keys={key}")
        out.add()
        out.add("    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?>")
        out.add('    <keyStore version="1">')
        out.add(f'    <adbKey key="{key}" lastConnection="{connected}" />')
        out.add("    </keyStore>")
        out.add()
        out.add("  }")
        out.add("}")
        return out

    # --- appops ------------------------------------------------------------------------------------------
    def appops(self) -> MarkedText:
        out = MarkedText()
        out.add("Current AppOps Service state:")
        out.add("  Settings:")
        out.add("    top_state_settle_time=+30s0ms")
        out.add("    fg_service_state_settle_time=+10s0ms")
        out.add("    bg_state_settle_time=+1s0ms")
        out.add()
        uid = package = None
        for op in self.s.appops:
            if op.uid != uid:
                uid, package = op.uid, None
                out.add(f"  Uid {uid_name(op.uid)}:")
                out.add("    state=cch")
            if op.package != package:
                package = op.package
                out.add(f"    Package {op.package}:")
            mark = None
            if op.op == "GET_USAGE_STATS":
                mark = (op.package, "usage_access")
            elif op.op == "REQUEST_INSTALL_PACKAGES":
                mark = (op.package, "unknown_sources")
            elif op.op == "SYSTEM_ALERT_WINDOW":
                mark = (op.package, "overlay")
            out.add(f"      {op.op} ({op.mode}):", mark)
            for access in op.accesses:
                out.add(f"          Access: [{access.uid_state}] {self.clock.stamp_ms(access.at)} "
                        f"({format_duration(access.at - self.now)})")
        out.add()
        return out

    # --- batterystats ----------------------------------------------------------------------------------------
    def batterystats(self) -> MarkedText:
        s, out, clock = self.s, MarkedText(), self.clock
        day = 86400.0
        reset = s.boot_time
        out.add("Battery History (1% used, 41KB used of 4096KB, 112 strings using 11928):")
        out.add(f"                    0 (19) RESET:TIME: {clock.daily(reset)}")
        out.add("                    0 (2) 100 c0100024 status=discharging health=good plug=none temp=260 "
                "volt=4345 current=226 -nr_connected")
        out.add("                    0 (2) 100 c0100024 user=0:\"0\"")
        out.add("                    0 (2) 100 c0100024 userfg=0:\"0\"")
        out.add("               +343ms (3) 100 80000024 -wake_lock -screen stats=0:\"get-stats\"")
        out.add("             +1s235ms (4) 100 c0000020 +wake_lock=1000:\"ActivityManager-Sleep\" "
                "brightness=dark stats=0:\"screen-state\"")
        out.add("             +1s314ms (1) 100 80000020 -wake_lock")
        out.add()
        out.add()
        # Daily items roll over at night, local time; Android keeps the last ten.
        local_now = clock.local(self.now)
        roll = local_now.replace(hour=2, minute=3, second=56, microsecond=0).timestamp()
        if roll > self.now:
            roll -= day
        out.add("Daily stats:")
        out.add(f"  Current start time: {clock.daily(roll)}")
        out.add(f"  Next min deadline: {clock.daily(roll + day - 3 * 3600 + 3)}")
        out.add(f"  Next max deadline: {clock.daily(roll + day + 3600 - 236)}")
        out.add("  Current daily discharge step durations:")
        out.add("    #0: +2h44m59s971ms to 98 (screen-off, power-save-off, device-idle-on)")
        out.add("      Discharge total time: 11d 10h 59m 57s 100ms  (from 1 steps)")
        current = [c for c in s.package_changes if roll <= c.at <= self.now]
        if current:
            self._package_changes(out, "    ", current)
        for back in range(10):
            end = roll - back * day
            start = end - day
            out.add(f"  Daily from {clock.daily(start)} to {clock.daily(end)}:")
            out.add("    Discharge step durations:")
            out.add(f"      #0: +2h{21 + back}m35s4ms to {75 + back} (screen-off, power-save-off)")
            out.add(f"      #1: +1h{46 + back}m26s999ms to {76 + back} (screen-off, power-save-off)")
            out.add(f"        Discharge total time: 9d 16h {11 + back}m 19s 400ms  (from 2 steps)")
            changes = [c for c in s.package_changes if start <= c.at < end]
            if changes:
                self._package_changes(out, "    ", changes)
        return out

    def _package_changes(self, out: MarkedText, prefix: str, changes) -> None:
        out.add(f"{prefix}Package changes:")
        for change in changes:
            if change.update:
                out.add(f"{prefix}  Update {change.package} vers={change.version_code}",
                        (change.package, "battery_install"))
            else:
                out.add(f"{prefix}  Uninstall {change.package}", (change.package, "uninstall"))

    # --- device_policy -----------------------------------------------------------------------------------------
    def device_policy(self) -> MarkedText:
        out = MarkedText()
        out.add("Current Device Policy Manager state:")
        out.add("  Immutable state:")
        out.add("    mHasFeature=true")
        out.add("    mIsWatch=false")
        out.add("    mIsAutomotive=false")
        out.add("    mHasTelephonyFeature=true")
        out.add("    mSafetyChecker=null")
        out.add("  Device policy cache:")
        out.add("    mScreenCaptureDisallowedUser=-10000")
        out.add("    mPasswordQuality={0=0}")
        out.add("    mPermissionPolicy={0=0}")
        out.add("    mCanGrantSensorsPermissions=false")
        out.add("  Device state cache:")
        out.add("    mIsDeviceSecureWithFallback=true")
        out.add("    mHasDeviceOwner=false")
        out.add("  Enabled Device Admins (User 0, provisioningState: 3):")
        for component, uid in self.s.device_admins:
            pkg = self.by_name.get(component.package)
            ours = pkg is not None and pkg.family is not None
            out.add(f"    {component.short}:", (component.package, "device_admin"))
            out.add(f"      uid={uid}")
            out.add("      testOnlyAdmin=false")
            out.add("      policies:")
            for policy in ADMIN_POLICIES if ours else ("wipe-data", "force-lock"):
                out.add(f"        {policy}")
            out.add("      passwordQuality=0x0")
            out.add("      minimumPasswordLength=0")
            out.add("      maximumTimeToUnlock=0")
            out.add("      maximumFailedPasswordsForWipe=0")
            out.add("      disableCamera=false")
            out.add("      disableScreenCapture=false")
            out.add("      disabledKeyguardFeatures=0")
        out.add("    mPasswordOwner=-1")
        out.add("    mUserControlDisabledPackages=[]")
        out.add("    mAppsSuspended=false")
        out.add("    mUserSetupComplete=true")
        out.add("    mAffiliationIds=[]")
        out.add()
        return out

    # --- notification ----------------------------------------------------------------------------------------------
    def notification(self) -> MarkedText:
        s, out = self.s, MarkedText()
        listeners = s.notification_listeners
        out.add("Current Notification Manager state:")
        out.add("  Notification List:")
        out.add("  mSoundNotificationKey=null")
        out.add("  mVibrateNotificationKey=null")
        out.add("  mDisableNotificationEffects=null")
        out.add("  mCallState=CALL_STATE_IDLE")
        out.add()
        out.add("  Notification listeners:")
        out.add("    Allowed notification listeners:")
        if listeners:
            out.add(f"      {':'.join(c.flat for c in listeners)} (user: 0 isPrimary: true)")
        out.add(f"    All notification listeners ({len(listeners)}) enabled for current profiles:")
        for c in listeners:
            out.add(f"      ComponentInfo{{{c.flat}}}", (c.package, "notification_listener"))
        out.add(f"    Live notification listeners ({len(listeners)}):")
        for c in listeners:
            pkg = self.by_name.get(c.package)
            system = " SYSTEM" if pkg is not None and pkg.system else ""
            out.add(f"      ComponentInfo{{{c.flat}}} (user 0): android.service.notification."
                    f"INotificationListener$Stub$Proxy@{object_id('listener', c.flat)}{system}")
        out.add("    Snoozed notification listeners (0):")
        out.add()
        return out

    # --- package -------------------------------------------------------------------------------------------------
    def package(self) -> MarkedText:
        s, out = self.s, MarkedText()
        fp = s.build_fingerprint
        out.add("Database versions:")
        out.add("  Internal:")
        out.add(f"    sdkVersion={s.persona.sdk} databaseVersion=3")
        out.add(f"    buildFingerprint={fp}")
        out.add(f"    fingerprint={fp}")
        out.add("  External:")
        out.add(f"    sdkVersion={s.persona.sdk} databaseVersion=3")
        out.add(f"    buildFingerprint={fp}")
        out.add(f"    fingerprint={fp}")
        out.add()
        vending = self.by_name.get("com.android.vending")
        gms = self.by_name.get("com.google.android.gms")
        if vending:
            out.add("Verifiers:")
            out.add(f"  Required: com.android.vending (uid={vending.uid})")
            out.add()
        if gms:
            out.add("Intent Filter Verifier:")
            out.add(f"  Using: com.google.android.gms (uid={gms.uid})")
            out.add()
        self._receiver_table(out)
        out.add("Packages:")
        for pkg in s.packages:
            self._package_block(out, pkg)
        out.add()
        return out

    def _receiver_table(self, out: MarkedText) -> None:
        """Who listens for which broadcast: boot, incoming SMS, call state."""
        by_action: dict[str, list[tuple[str, str]]] = {}
        for pkg in self.s.packages:
            for action, cls in pkg.receivers:
                by_action.setdefault(action, []).append((pkg.name, cls))
        out.add("Receiver Resolver Table:")
        out.add("  Non-Data Actions:")
        for action in sorted(by_action):
            out.add(f"      {action}:")
            for package, cls in by_action[action]:
                short = cls[len(package):] if cls.startswith(package + ".") else cls
                label = {"android.intent.action.BOOT_COMPLETED": "boot_receiver",
                         "android.provider.Telephony.SMS_RECEIVED": "sms_receiver"}.get(action, "call_receiver")
                filter_id = object_id(self.s.seed, "rx", package, cls, action)
                out.add(f"        {filter_id} {package}/{short}", (package, label))
        out.add()

    def _package_block(self, out: MarkedText, pkg: InstalledPackage) -> None:
        clock, name = self.clock, pkg.name
        oid = object_id(self.s.seed, "ps", name)
        out.add(f"  Package [{name}] ({oid}):", (name, "package_block"))
        out.add(f"    appId={pkg.uid}")
        out.add(f"    pkg=Package{{{object_id(self.s.seed, 'pkg', name)} {name}}}")
        out.add(f"    codePath={pkg.code_path}")
        out.add(f"    resourcePath={pkg.code_path}")
        out.add(f"    legacyNativeLibraryDir={pkg.code_path}/lib")
        out.add("    extractNativeLibs=false")
        out.add("    primaryCpuAbi=arm64-v8a" if not pkg.system else "    primaryCpuAbi=null")
        out.add("    secondaryCpuAbi=null")
        out.add("    cpuAbiOverride=null")
        out.add(f"    versionCode={pkg.version_code} minSdk={pkg.min_sdk} targetSdk={pkg.target_sdk}")
        out.add("    minExtensionVersions=[]")
        out.add(f"    versionName={pkg.version_name}")
        out.add("    usesNonSdkApi=false")
        out.add("    splits=[base]")
        out.add("    apkSigningVersion=2")
        flags = "SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA" if pkg.system else "HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP"
        if pkg.system and pkg.installer != "null":
            flags += " UPDATED_SYSTEM_APP"
        out.add(f"    flags=[ {flags} ]")
        out.add("    privateFlags=[ PRIVATE_FLAG_ACTIVITIES_RESIZE_MODE_RESIZEABLE_VIA_SDK_VERSION ]")
        out.add("    forceQueryable=false")
        out.add(f"    dataDir=/data/user/0/{name}")
        out.add("    supportsScreens=[small, medium, large, xlarge, resizeable, anyDensity]")
        out.add(f"    timeStamp={clock.stamp(pkg.last_update)}")
        out.add(f"    lastUpdateTime={clock.stamp(pkg.last_update)}")
        if pkg.installer != "null":
            out.add(f"    installerPackageName={pkg.installer}", (name, "installer"))
            installer = self.by_name.get(pkg.installer)
            if installer is not None:
                out.add(f"    installerPackageUid={installer.uid}")
        if pkg.initiating:
            out.add(f"    initiatingPackageName={pkg.initiating}")
        if pkg.originating:
            out.add(f"    originatingPackageName={pkg.originating}", (name, "originating"))
        out.add(f"    packageSource={0 if pkg.system else (2 if pkg.installer == 'com.android.vending' else 3)}")
        out.add(f"    signatures=PackageSignatures{{{object_id('sigs', name)} version:2, signatures:["
                f"{object_id('sig', pkg.signer.key_seed)}], past signatures:[]}}")
        out.add("    installPermissionsFixed=true")
        out.add(f"    pkgFlags=[ {flags} ]")
        if pkg.requested_permissions:
            out.add("    requested permissions:", (name, "requested_permissions"))
            for perm in pkg.requested_permissions:
                out.add(f"      {perm}")
        if pkg.install_permissions:
            out.add("    install permissions:")
            for perm in pkg.install_permissions:
                out.add(f"      {perm}: granted=true")
        first = clock.stamp(pkg.first_install)
        legacy = self.s.persona.sdk < 30
        if legacy:
            out.add(f"    firstInstallTime={first}", (name, "install_time"))
        enabled = 2 if pkg.disabled else 0
        out.add(f"    User 0: ceDataInode={int(object_id('inode', name), 16)} installed=true hidden=false "
                f"suspended=false distractionFlags=0 stopped=false notLaunched=false enabled={enabled} "
                f"instant=false virtual=false quarantined=false")
        out.add("      installReason=0")
        if not legacy:
            out.add(f"      firstInstallTime={first}", (name, "install_time"))
        out.add("      uninstallReason=0")
        if pkg.runtime_permissions:
            out.add("      runtime permissions:", (name, "runtime_permissions"))
            for perm, granted in pkg.runtime_permissions:
                flags = GRANTED_FLAGS if granted else DENIED_FLAGS
                out.add(f"        {perm}: granted={'true' if granted else 'false'}, flags=[ {flags}]")
        if pkg.disabled_components:
            out.add("      disabledComponents:", (name, "hidden_icon"))
            for cls in pkg.disabled_components:
                out.add(f"        {cls}")

    # --- settings ------------------------------------------------------------------------------------------------
    def settings(self) -> MarkedText:
        """`dumpsys settings`: one row per setting, as the settings provider prints it."""
        out = MarkedText()
        row = 1
        for namespace in ("global", "secure", "system"):
            out.add(f"{namespace.upper()} SETTINGS (user 0)")
            for key, value in self.s.settings[namespace]:
                if key in ("enabled_accessibility_services", "enabled_notification_listeners"):
                    writer, default = "com.android.settings", "null"      # switched on in Settings
                else:
                    writer, default = CHANGED_BY.get((key, value), ("android", value))
                out.add(f"_id:{row} name:{key} pkg:{writer} value:{value} default:{default} defaultSystemSet:true")
                row += 1
            out.add()
        return out

    def _pid(self, name: str) -> int:
        for p in self.s.processes:
            if p.name == name:
                return p.pid
        return 1


def render_dumpsys(state: DeviceState) -> MarkedText:
    return Dumpsys(state).render()
