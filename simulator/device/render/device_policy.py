"""`dumpsys device_policy`: the enabled device admins with the policies each declares."""

from __future__ import annotations

from stalkerlab.simulator.device.marked_text import MarkedText
from stalkerlab.simulator.device.render.service_dump import ServiceDump
from stalkerlab.simulator.tables import table

_POLICIES = table("device", "dumpsys")["admin_policies"]
MONITORING_POLICIES, ORDINARY_POLICIES = tuple(_POLICIES["monitoring"]), tuple(_POLICIES["ordinary"])


def render(dump: ServiceDump) -> MarkedText:
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
    for component, uid in dump.state.device_admins:
        pkg = dump.by_name.get(component.package)
        ours = pkg is not None and pkg.family is not None
        out.add(f"    {component.short}:", (component.package, "device_admin"))
        out.add(f"      uid={uid}")
        out.add("      testOnlyAdmin=false")
        out.add("      policies:")
        for policy in MONITORING_POLICIES if ours else ORDINARY_POLICIES:
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
