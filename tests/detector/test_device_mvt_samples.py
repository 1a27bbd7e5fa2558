"""MVT's real-format Android artefacts (../shared/mvt-artifacts): every file parses without an error
status, and the suspicious packages they contain are reported. Skips cleanly without ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest
from stalkerlab.detector.device import analyse_device
from stalkerlab.detector.device.formats import (
    accessibility,
    appops,
    batterystats,
    dumpsys,
    dumpsys_package,
    getprop,
    processes,
)
from test_device_checks import FakeIndicators, assert_evidence_points_at_lines, by

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "mvt-artifacts"
MUAHAHA_SHA256 = "31037a27af59d4914906c01ad14a318eee2f3e31d48da8954dca62a99174e3fa"


def sample(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} not available (../shared is absent): MVT's real artefacts are developer material")
    return path


def no_errors(result) -> None:
    assert not [s for s in result.statuses if s.status == "error"], result.statuses


def test_androidqf_folder_reports_the_malware_packages_without_indicators():
    folder = sample("androidqf")
    result = analyse_device(folder)
    no_errors(result)
    assert {f.subject for f in by(result, "dev.untrusted_system_app")} == {"com.malware.blah", "com.malware.muahaha"}
    assert by(result, "dev.root")[0].level == "high"
    # WhatsApp with installer "null": low, the false positive MVT is known for
    assert [f.level for f in by(result, "dev.offstore_installer", "com.whatsapp")] == ["low"]
    assert by(result, "dev.offstore_installer", "app.revanced.manager.flutter")[0].level == "medium"
    assert by(result, "dev.unknown_sources_grant", "org.mozilla.firefox")
    assert not by(result, "dev.stalkerware_profile")
    assert len(result.packages) == 7
    assert_evidence_points_at_lines(folder, result.findings)


def test_androidqf_folder_with_indicators_like_mvts_own_tests():
    ind = FakeIndicators(packages={"com.malware.blah": ("Blah", "stalkerware")},
                         hashes={MUAHAHA_SHA256: ("Muahaha", "stalkerware")})
    result = analyse_device(sample("androidqf"), ind)
    assert [(f.subject, f.level) for f in by(result, "dev.ioc.package")] == [("com.malware.blah", "critical")]
    assert [(f.subject, f.indicator.matched) for f in by(result, "dev.ioc.apk_hash")] == [
        ("com.malware.muahaha", MUAHAHA_SHA256)]


def test_androidqf_zip_opens_and_says_what_was_not_collected():
    result = analyse_device(sample("androidqf.zip"))
    no_errors(result)
    assert result.status("accessibility_services").status == "not collected"
    assert result.findings == ()


def test_android_data_files_report_the_v14_accessibility_malware():
    folder = sample("android_data")
    result = analyse_device(folder)
    no_errors(result)
    found = by(result, "dev.accessibility_service", "com.malware.accessibility")
    assert len(found) == 1 and found[0].level == "medium"
    assert found[0].evidence[0].ref == "dumpsys_accessibility_v14_or_later.txt:21"
    assert_evidence_points_at_lines(folder, result.findings)


def test_each_loose_dumpsys_file_parses():
    def whole(name, service):
        path = sample(f"android_data/{name}")
        text = path.read_text(errors="replace")
        return dumpsys.split_sections(text, name).get(service, [dumpsys.whole_file(text, name, service)])[0]

    assert accessibility.parse(whole("dumpsys_accessibility.txt", "accessibility")) == []
    assert len(accessibility.parse(whole("dumpsys_accessibility.txt", "accessibility"), "installed")) == 4
    assert [s.package for s in accessibility.parse(whole("dumpsys_accessibility_v14_or_later.txt",
                                                         "accessibility"))] == ["com.malware.accessibility"]
    pk = dumpsys_package.parse(whole("dumpsys_packages.txt", "package"))
    assert sorted(pk.packages) == ["com.samsung.android.provider.filterprovider", "com.sec.android.app.DataCreate"]
    assert "android.permission.WRITE_SMS" in pk.packages["com.sec.android.app.DataCreate"].granted
    ops = appops.parse(whole("dumpsys_appops.txt", "appops"))
    assert ("org.mozilla.firefox", "REQUEST_INSTALL_PACKAGES", "allow") in {(o.package, o.op, o.mode) for o in ops}
    changes = batterystats.parse(whole("dumpsys_battery.txt", "batterystats"))
    assert changes and {c.action for c in changes} == {"Update"}
    assert len(getprop.parse(sample("android_data/getprop.txt").read_text())) == 13
    assert processes.parse_ps(sample("android_data/ps.txt").read_text())[0].name == "init"


def test_bugreport_dumpstate_package_section_has_installer_and_disabled_components():
    text = sample("android_data/bugreport/dumpstate.txt").read_text(errors="replace")
    pk = dumpsys_package.parse(dumpsys.split_sections(text, "dumpstate.txt")["package"][0])
    insta = pk.packages["com.instagram.android"]
    assert insta.installer == "com.android.vending" and len(insta.disabled_components) == 7
