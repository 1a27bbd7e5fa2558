"""`dumpsys package`: the database versions, the verifiers, the receiver resolver table (who listens for
boot, SMS and calls) and one block per package (paths, versions, flags, installer, install times,
permissions, disabled components)."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.permissions import DENIED_FLAGS, GRANTED_FLAGS
from stalkerlab.simulator.device.render.service_dump import ServiceDump, object_id
from stalkerlab.simulator.device.state import InstalledPackage

# the receivers the answer key cites, by the label of the footprint they show
RECEIVER_LABELS = {"android.intent.action.BOOT_COMPLETED": "boot_receiver",
                   "android.provider.Telephony.SMS_RECEIVED": "sms_receiver"}


def render(dump: ServiceDump) -> MarkedText:
    s, out = dump.state, MarkedText()
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
    vending = dump.by_name.get("com.android.vending")
    gms = dump.by_name.get("com.google.android.gms")
    if vending:
        out.add("Verifiers:")
        out.add(f"  Required: com.android.vending (uid={vending.uid})")
        out.add()
    if gms:
        out.add("Intent Filter Verifier:")
        out.add(f"  Using: com.google.android.gms (uid={gms.uid})")
        out.add()
    _receiver_table(dump, out)
    out.add("Packages:")
    for pkg in s.packages:
        _package_block(dump, out, pkg)
    out.add()
    return out


def _receiver_table(dump: ServiceDump, out: MarkedText) -> None:
    """Who listens for which broadcast: boot, incoming SMS, call state."""
    by_action: dict[str, list[tuple[str, str]]] = {}
    for pkg in dump.state.packages:
        for action, cls in pkg.receivers:
            by_action.setdefault(action, []).append((pkg.name, cls))
    out.add("Receiver Resolver Table:")
    out.add("  Non-Data Actions:")
    for action in sorted(by_action):
        out.add(f"      {action}:")
        for package, cls in by_action[action]:
            short = cls[len(package):] if cls.startswith(package + ".") else cls
            label = RECEIVER_LABELS.get(action, "call_receiver")
            filter_id = object_id(dump.state.seed, "rx", package, cls, action)
            out.add(f"        {filter_id} {package}/{short}", (package, label))
    out.add()


def _package_block(dump: ServiceDump, out: MarkedText, pkg: InstalledPackage) -> None:
    clock, name = dump.clock, pkg.name
    oid = object_id(dump.state.seed, "ps", name)
    out.add(f"  Package [{name}] ({oid}):", (name, "package_block"))
    out.add(f"    appId={pkg.uid}")
    out.add(f"    pkg=Package{{{object_id(dump.state.seed, 'pkg', name)} {name}}}")
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
        installer = dump.by_name.get(pkg.installer)
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
    legacy = dump.state.persona.sdk < 30
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
