"""Who installed an app, as named sets (MVT keeps these beside its package parser): stores, the system
package installer that opens a downloaded APK, browsers and file managers that hand APKs over."""

from __future__ import annotations

STORES = frozenset({
    "com.android.vending", "com.google.android.feedback", "com.sec.android.app.samsungapps",
    "com.huawei.appmarket", "com.xiaomi.mipicks", "com.xiaomi.market", "com.amazon.venezia",
    "com.heytap.market", "com.oppo.market", "com.bbk.appstore", "com.oneplus.backuprestore",
    "com.google.android.apps.work.clouddpc",
})
THIRD_PARTY_STORES = frozenset({
    "org.fdroid.fdroid", "com.aurora.store", "com.apkpure.aegon", "com.uptodown", "com.looker.droidify",
    "dev.imranr.obtainium", "com.machiav3lli.fdroid", "in.sunilpaulmathew.izzyondroid",
})
PACKAGE_INSTALLERS = frozenset({
    "com.google.android.packageinstaller", "com.android.packageinstaller",
    "com.samsung.android.packageinstaller", "com.miui.packageinstaller",
})
BROWSERS = frozenset({
    "com.android.chrome", "com.chrome.beta", "org.mozilla.firefox", "org.mozilla.firefox_beta",
    "org.mozilla.focus", "com.sec.android.app.sbrowser", "com.opera.browser", "com.opera.mini.native",
    "com.brave.browser", "com.microsoft.emmx", "com.duckduckgo.mobile.android", "com.UCMobile.intl",
    "com.kiwibrowser.browser", "com.vivaldi.browser", "com.android.browser", "com.mi.globalbrowser",
    "org.torproject.torbrowser", "com.yandex.browser",
})
FILE_MANAGERS = frozenset({
    "com.google.android.apps.nbu.files", "com.sec.android.app.myfiles", "com.mi.android.globalFileexplorer",
    "com.android.documentsui", "com.google.android.documentsui", "com.estrongs.android.pop",
    "com.ghisler.android.TotalCommander", "com.alphainventor.filemanager", "com.lonelycatgames.Xplore",
    "pl.solidexplorer2", "com.android.fileexplorer", "com.coloros.filemanager",
})
MESSENGERS = frozenset({"com.whatsapp", "org.telegram.messenger", "com.facebook.orca", "org.thoughtcrime.securesms"})
ADB = frozenset({"com.android.shell", "adb"})
NO_INSTALLER = frozenset({"", "null", "none"})


def installer_kind(installer: str) -> str:
    """store | third-party store | apk file | adb or unknown | other app"""
    if installer in STORES:
        return "store"
    if installer in THIRD_PARTY_STORES:
        return "third-party store"
    if installer in PACKAGE_INSTALLERS or installer in BROWSERS or installer in FILE_MANAGERS \
            or installer in MESSENGERS:
        return "apk file"
    if installer in NO_INSTALLER or installer in ADB:
        return "adb or unknown"
    return "other app"


def hands_over_apks(package: str) -> str | None:
    """"browser" / "file manager" / "messenger" when this app is one that passes APK files on."""
    if package in BROWSERS:
        return "browser"
    if package in FILE_MANAGERS:
        return "file manager"
    if package in MESSENGERS:
        return "messaging app"
    return None
