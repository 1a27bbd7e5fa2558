"""The packages a phone ships with, per manufacturer, as data.

Each row: (package, APK folder under its partition, partition, uid). Partition is "system/app",
"system/priv-app", "product/app", "product/priv-app" or "system_ext/priv-app"; uid 0 means "an ordinary app
uid assigned at first boot" (10000 + n). Shared system uids (1000 system, 1001 phone, 1002 bluetooth,
1068 se) are written as such, as `dumpsys package` shows them.

The lists are a realistic core, not complete images (a real Galaxy ships ~350 packages); what matters is
that an investigator scrolling packages.json or `dumpsys package` sees the names they know from real phones.
"""

from __future__ import annotations

# Packages every Android image carries (AOSP + mainline modules).
AOSP = (
    ("android", "framework-res", "system/framework", 1000),
    ("com.android.settings", "Settings", "system/priv-app", 1000),
    ("com.android.providers.settings", "SettingsProvider", "system/priv-app", 1000),
    ("com.android.systemui", "SystemUI", "system_ext/priv-app", 0),
    ("com.android.phone", "TeleService", "system/priv-app", 1001),
    ("com.android.bluetooth", "Bluetooth", "system/app", 1002),
    ("com.android.shell", "Shell", "system/priv-app", 2000),
    ("com.android.providers.contacts", "ContactsProvider", "system/priv-app", 0),
    ("com.android.providers.telephony", "TelephonyProvider", "system/priv-app", 1001),
    ("com.android.providers.media.module", "MediaProvider", "apex/com.android.mediaprovider/priv-app", 0),
    ("com.android.providers.downloads", "DownloadProvider", "system/priv-app", 0),
    ("com.android.providers.calendar", "CalendarProvider", "system/priv-app", 0),
    ("com.android.externalstorage", "ExternalStorageProvider", "system/priv-app", 0),
    ("com.android.keychain", "KeyChain", "system/app", 1000),
    ("com.android.location.fused", "FusedLocation", "system/priv-app", 1000),
    ("com.android.inputdevices", "InputDevices", "system/priv-app", 1000),
    ("com.android.server.telecom", "Telecom", "system/priv-app", 1000),
    ("com.android.vpndialogs", "VpnDialogs", "system/priv-app", 0),
    ("com.android.certinstaller", "CertInstaller", "system/app", 0),
    ("com.android.nfc", "NfcNci", "system/app", 1027),
    ("com.android.se", "SecureElement", "system/app", 1068),
    ("com.android.wallpaperbackup", "WallpaperBackup", "system/app", 1000),
    ("com.android.localtransport", "LocalTransport", "system/priv-app", 1000),
    ("com.android.dynsystem", "DynamicSystemInstallationService", "system/priv-app", 1000),
    ("com.android.printspooler", "PrintSpooler", "system/app", 0),
    ("com.android.htmlviewer", "HTMLViewer", "system/app", 0),
    ("com.android.stk", "Stk", "system/app", 1001),
    ("com.android.carrierdefaultapp", "CarrierDefaultApp", "system/app", 0),
    ("com.android.networkstack", "NetworkStack", "system/priv-app", 1073),
    ("com.android.permissioncontroller", "GooglePermissionController", "apex/com.android.permission/priv-app", 0),
    ("com.android.storagemanager", "StorageManager", "system/priv-app", 0),
    ("com.android.mtp", "MtpService", "system/priv-app", 0),
    ("com.android.bips", "BuiltInPrintService", "system/app", 0),
    ("com.android.cellbroadcastreceiver", "CellBroadcastApp", "apex/com.android.cellbroadcast/priv-app", 0),
)

# Google Mobile Services as shipped on the image (Play updates them later).
GMS = (
    ("com.android.vending", "Phonesky", "product/priv-app", 0),
    ("com.google.android.gms", "PrebuiltGmsCore", "product/priv-app", 0),
    ("com.google.android.gsf", "GoogleServicesFramework", "system_ext/priv-app", 0),
    ("com.google.android.packageinstaller", "GooglePackageInstaller", "system/priv-app", 0),
    ("com.google.android.permissioncontroller", "GooglePermissionControllerOverlay", "product/app", 0),
    ("com.google.android.webview", "WebViewGoogle", "product/app", 0),
    ("com.google.android.gm", "Gmail2", "product/app", 0),
    ("com.google.android.apps.maps", "Maps", "product/app", 0),
    ("com.google.android.youtube", "YouTube", "product/app", 0),
    ("com.google.android.apps.photos", "Photos", "product/app", 0),
    ("com.google.android.googlequicksearchbox", "Velvet", "product/priv-app", 0),
    ("com.google.android.apps.messaging", "PrebuiltBugle", "product/app", 0),
    ("com.google.android.ext.services", "GoogleExtServices", "apex/com.android.extservices/priv-app", 0),
    ("com.google.android.configupdater", "ConfigUpdater", "product/priv-app", 0),
    ("com.google.android.partnersetup", "PartnerSetupPrebuilt", "product/priv-app", 0),
    ("com.google.android.syncadapters.contacts", "GoogleContactsSyncAdapter", "product/app", 0),
    ("com.google.android.tts", "GoogleTTS", "product/app", 0),
    ("com.google.android.inputmethod.latin", "LatinIMEGooglePrebuilt", "product/app", 0),
    ("com.google.android.marvin.talkback", "talkback", "product/app", 0),
    ("com.google.android.apps.wellbeing", "WellbeingPrebuilt", "product/priv-app", 0),
    ("com.android.chrome", "Chrome", "product/app", 0),
)

SAMSUNG = (
    ("com.sec.android.app.launcher", "TouchWizHome_2017", "system/priv-app", 0),
    ("com.samsung.android.messaging", "SamsungMessages", "system/priv-app", 0),
    ("com.samsung.android.dialer", "SamsungDialer", "system/priv-app", 0),
    ("com.samsung.android.app.contacts", "SamsungContacts", "system/priv-app", 0),
    ("com.sec.android.app.camera", "SamsungCamera", "system/priv-app", 0),
    ("com.sec.android.gallery3d", "SamsungGallery2018", "system/priv-app", 0),
    ("com.sec.android.app.myfiles", "SecMyFiles2020", "system/priv-app", 0),
    ("com.sec.android.app.sbrowser", "SBrowser", "system/app", 0),
    ("com.samsung.android.app.notes", "SamsungNotes", "system/app", 0),
    ("com.samsung.accessibility", "AccessibilityApp", "system/priv-app", 0),
    ("com.samsung.android.accessibility.talkback", "SamsungTalkback", "system/priv-app", 0),
    ("com.samsung.android.app.smartcapture", "SmartCapture", "system/app", 0),
    ("com.samsung.android.lool", "SmartManager_v6_DeviceSecurity", "system/priv-app", 1000),
    ("com.samsung.android.sm.devicesecurity", "SmartManager_v6_DeviceSecurity_Engine", "system/priv-app", 0),
    ("com.samsung.android.scloud", "SamsungCloudClient", "system/priv-app", 0),
    ("com.osp.app.signin", "SamsungAccount", "system/priv-app", 0),
    ("com.samsung.android.fmm", "Fmm", "system/priv-app", 1000),
    ("com.samsung.android.kgclient", "KnoxGuard", "system/priv-app", 1000),
    ("com.samsung.android.knox.containercore", "ContainerAgent3", "system/priv-app", 1000),
    ("com.sec.android.soagent", "SOAgent7", "system/priv-app", 0),
    ("com.wssyncmldm", "FotaAgent", "system/priv-app", 0),
    ("com.samsung.android.securitylogagent", "SecurityLogAgent", "system/priv-app", 1000),
    ("com.samsung.android.app.omcagent", "OMCAgent5", "system/priv-app", 0),
    ("com.policydm", "PolicyDM", "system/priv-app", 1000),
    ("com.samsung.android.bixby.agent", "BixbyAgentStub", "system/priv-app", 0),
    ("com.samsung.android.honeyboard", "HoneyBoard", "system/app", 0),
    ("com.sec.android.app.clockpackage", "ClockPackage", "system/app", 0),
    ("com.samsung.android.calendar", "SamsungCalendar", "system/app", 0),
    ("com.samsung.android.app.tips", "Tips", "system/app", 0),
    ("com.samsung.android.provider.filterprovider", "FilterProvider", "system/app", 1000),
    ("com.samsung.android.game.gamehome", "GameHome", "system/priv-app", 0),
    ("com.samsung.android.oneconnect", "SmartThings", "system/app", 0),
    ("com.samsung.android.smartswitchassistant", "SmartSwitchAssistant", "system/priv-app", 1000),
    ("com.sec.android.app.samsungapps", "GalaxyApps_OPEN", "system/priv-app", 0),
    ("com.samsung.android.app.spage", "BixbyHomeCN", "system/priv-app", 0),
    ("com.sec.spp.push", "SPPPushClient", "system/app", 0),
)

PIXEL = (
    ("com.google.android.apps.nexuslauncher", "NexusLauncherRelease", "system_ext/priv-app", 0),
    ("com.google.android.dialer", "GoogleDialer", "product/priv-app", 0),
    ("com.google.android.contacts", "GoogleContacts", "product/app", 0),
    ("com.google.android.GoogleCamera", "GoogleCamera", "product/app", 0),
    ("com.google.android.apps.nbu.files", "FilesPrebuilt", "product/app", 0),
    ("com.google.android.deskclock", "PrebuiltDeskClockGoogle", "product/app", 0),
    ("com.google.android.calendar", "CalendarGooglePrebuilt", "product/app", 0),
    ("com.google.android.apps.pixel.support", "PixelSupportPrebuilt", "product/app", 0),
    ("com.google.android.apps.safetyhub", "SafetyHubPrebuilt", "product/priv-app", 0),
    ("com.google.android.as", "DevicePersonalizationPrebuiltPixel2023", "product/priv-app", 0),
    ("com.google.android.apps.turbo", "TurboPrebuilt", "product/priv-app", 0),
    ("com.google.android.settings.intelligence", "SettingsIntelligenceGooglePrebuilt", "product/priv-app", 0),
    ("com.google.android.apps.wallpaper", "WallpaperPickerGoogleRelease", "product/app", 0),
)

XIAOMI = (
    ("com.miui.home", "MiuiHome", "system/priv-app", 0),
    ("com.miui.securitycenter", "SecurityCenter", "system/priv-app", 1000),
    ("com.miui.guardprovider", "GuardProvider", "system/app", 0),
    ("com.miui.gallery", "MiuiGallery", "system/priv-app", 0),
    ("com.android.camera", "MiuiCamera", "system/priv-app", 0),
    ("com.android.fileexplorer", "FileExplorer", "system/app", 0),
    ("com.miui.notes", "Notes", "system/app", 0),
    ("com.android.updater", "Updater", "system/priv-app", 1000),
    ("com.xiaomi.account", "XiaomiAccount", "system/priv-app", 0),
    ("com.miui.cloudservice", "CloudService", "system/app", 0),
    ("com.xiaomi.mipicks", "MiPicks", "system/app", 0),
    ("com.miui.analytics", "AnalyticsCore", "system/app", 0),
    ("com.miui.msa.global", "MSA-Global", "system/app", 0),
    ("com.android.contacts", "Contacts", "system/priv-app", 0),
    ("com.android.mms", "Mms", "system/priv-app", 0),
)

MOTOROLA = (
    ("com.motorola.launcher3", "MotoLauncher3", "product/priv-app", 0),
    ("com.motorola.camera3", "MotCamera3", "product/priv-app", 0),
    ("com.motorola.ccc.ota", "3c_ota", "product/priv-app", 1000),
    ("com.motorola.actions", "MotoActions", "product/priv-app", 0),
    ("com.motorola.gamemode", "GameMode", "product/app", 0),
    ("com.motorola.help", "MotoHelp", "product/app", 0),
    ("com.motorola.moto", "Moto", "product/priv-app", 0),
    ("com.google.android.apps.nbu.files", "FilesPrebuilt", "product/app", 0),
    ("com.google.android.dialer", "GoogleDialer", "product/priv-app", 0),
    ("com.google.android.contacts", "GoogleContacts", "product/app", 0),
)

BY_MANUFACTURER = {"samsung": SAMSUNG, "Google": PIXEL, "Xiaomi": XIAOMI, "motorola": MOTOROLA}

# The package installer app that installs sideloaded APKs on each make (it is what AndroidQF and
# `dumpsys package` name as installer when a browser or file manager hands an APK over).
PACKAGE_INSTALLER = "com.google.android.packageinstaller"

# Accessibility services the image itself declares (installed, not enabled), per make.
BUILTIN_ACCESSIBILITY = {
    "samsung": (
        ("com.samsung.accessibility", "com.samsung.accessibility.universalswitch.UniversalSwitchService"),
        ("com.samsung.android.accessibility.talkback",
         "com.samsung.android.marvin.talkback.TalkBackService"),
    ),
    "Google": (("com.google.android.marvin.talkback", "com.google.android.marvin.talkback.TalkBackService"),),
    "Xiaomi": (("com.google.android.marvin.talkback", "com.google.android.marvin.talkback.TalkBackService"),),
    "motorola": (("com.google.android.marvin.talkback",
                  "com.google.android.marvin.talkback.TalkBackService"),),
}

# Platform signing subjects (fictional keys, real-looking names).
PLATFORM_SIGNERS = {
    "samsung": "CN=Samsung Cert, OU=DMC, O=Samsung Corporation, L=Suwon City, ST=South Korea, C=KR",
    "Google": "CN=Android, OU=Android, O=Google Inc., L=Mountain View, ST=California, C=US",
    "Xiaomi": "CN=MIUI, OU=MIUI, O=Xiaomi, L=Beijing, ST=Beijing, C=CN",
    "motorola": "CN=Motorola, OU=MotoDev, O=Motorola Mobility LLC, L=Chicago, ST=Illinois, C=US",
}
GOOGLE_APP_SIGNER = "CN=Android, OU=Android, O=Google Inc., L=Mountain View, ST=California, C=US"


def system_packages(manufacturer: str) -> tuple[tuple[str, str, str, int], ...]:
    """The image's packages for a make, without duplicates, AOSP first."""
    seen: set[str] = set()
    rows = []
    for row in AOSP + GMS + BY_MANUFACTURER.get(manufacturer, PIXEL):
        if row[0] not in seen:
            seen.add(row[0])
            rows.append(row)
    return tuple(rows)
