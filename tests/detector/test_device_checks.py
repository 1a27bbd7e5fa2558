"""Device checks over small AndroidQF folders written by each test, so each test states exactly which
traces the phone carries. Benign look-alikes (a store password manager with an accessibility service, a
watch app reading notifications, WhatsApp with installer "null") must stay low, never a profile."""

from __future__ import annotations

import json
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from stalkerlab.detector.device import DEVICE_CHECKS, analyse_device
from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.findings import LEVELS, CheckStatus

from stalkerlab.common.errors import UserError

DASHES = "-" * 79
SPY = "com.android.sysupdate"
P = "android.permission."
SPY_PERMS = (P + "ACCESS_FINE_LOCATION", P + "READ_SMS", P + "READ_CALL_LOG", P + "RECORD_AUDIO", P + "CAMERA",
             P + "READ_CONTACTS", P + "RECEIVE_BOOT_COMPLETED")


# --- a fake indicator set with the interface detector/indicators provides ----------------------------------

@dataclass(frozen=True)
class FakeMatch:
    value: str
    kind: str
    role: str
    family: str
    family_type: str
    feed: str


@dataclass
class FakeIndicators:
    packages: dict[str, tuple[str, str]] = field(default_factory=dict)     # value -> (family, family_type)
    certs: dict[str, tuple[str, str]] = field(default_factory=dict)
    hashes: dict[str, tuple[str, str]] = field(default_factory=dict)

    def _match(self, table, value, kind, role):
        value = value.lower()
        return tuple(FakeMatch(v, kind, role, fam, ftype, "test-feed 1") for v, (fam, ftype) in table.items()
                     if v.lower() == value)

    def match_package(self, name):
        return self._match(self.packages, name, "package", "package")

    def match_cert_sha1(self, hexdigest):
        return self._match(self.certs, hexdigest, "signer_sha1", "certificate")

    def match_apk_hash(self, hexdigest):
        return self._match(self.hashes, hexdigest, "apk_sha256", "package")


# --- a tiny AndroidQF writer --------------------------------------------------------------------------------

@dataclass
class App:
    name: str
    installer: str = "com.android.vending"
    system: bool = False
    originating: str = ""
    granted: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    first_install: str = "2026-03-12 19:57:12"
    sha256: str = ""
    cert: str = ""


def write_acquisition(folder: Path, apps=(), a11y=(), a11y_syntax="v14", listeners=(), admins=(), owners=(),
                      appops=(), changes=(), secure=None, global_=None, root=(), tz="Europe/London") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    packages = [{"name": a.name, "files": [{"path": f"/data/app/~~x==/{a.name}-y==/base.apk",
                                            "sha256": a.sha256 or f"{abs(hash(a.name)):064x}"[:64],
                                            "certificate": {"Sha1": a.cert or "11" * 20, "Subject": "CN=Test"},
                                            "trusted_certificate": False}],
                 "installer": a.installer, "uid": 10100 + i, "disabled": False, "system": a.system,
                 "third_party": not a.system} for i, a in enumerate(apps)]
    (folder / "packages.json").write_text(json.dumps(packages, indent=1))
    (folder / "getprop.txt").write_text(f"[persist.sys.timezone]: [{tz}]\n[ro.build.version.sdk]: [33]\n")
    secure = dict(secure or {})
    if a11y:
        secure.setdefault("enabled_accessibility_services", ":".join(a11y))
    if listeners:
        secure.setdefault("enabled_notification_listeners", ":".join(listeners))
    (folder / "settings_secure.txt").write_text("".join(f"{k}={v}\n" for k, v in secure.items()))
    (folder / "settings_global.txt").write_text("".join(f"{k}={v}\n" for k, v in (global_ or {}).items()))
    (folder / "root_binaries.json").write_text(json.dumps(list(root), indent=1))
    sections = {}
    if a11y_syntax == "v14":
        sections["accessibility"] = ["User state[", "     Enabled services:{" + ", ".join(f"{{{c}}}" for c in a11y)
                                     + "}", "     Binding services:{}"]
    else:
        sections["accessibility"] = ["  enabled services: {"] + [f"    {n} : {c}" for n, c in enumerate(a11y)] + ["  }"]
    dp = ["Current Device Policy Manager state:"]
    for pkg in owners:
        dp += ["  Device Owner: ", f"    admin=ComponentInfo{{{pkg}/.Admin}}", f"    package={pkg}"]
    dp += ["  Enabled Device Admins (User 0, provisioningState: 3):"]
    for c in admins:
        dp += [f"    {c}:", "      uid=10150", "      policies:", "        wipe-data"]
    sections["device_policy"] = dp
    sections["notification"] = ["  Notification listeners:",
                                f"    All notification listeners ({len(listeners)}) enabled for current profiles:"] + \
        [f"      ComponentInfo{{{c}}}" for c in listeners]
    ops = ["Current AppOps Service state:"]
    for n, (pkg, op, access) in enumerate(appops):
        ops += [f"  Uid u0a{200 + n}:", f"    Package {pkg}:", f"      {op} (allow):"]
        if access:
            ops.append(f"          Access: [fg-s] {access} (-3d)")
    sections["appops"] = ops
    bs = ["Daily stats:", "  Current start time: 2026-03-15-02-03-56"]
    for action, pkg in changes:
        bs += ["  Daily from 2026-03-09-02-03-56 to 2026-03-10-02-03-56:", "    Package changes:",
               f"      {action} {pkg}"]
    sections["batterystats"] = bs
    pk = ["Receiver Resolver Table:", "  Non-Data Actions:", "      android.intent.action.BOOT_COMPLETED:"]
    pk += [f"        1ab {a.name}/.Boot" for a in apps if P + "RECEIVE_BOOT_COMPLETED" in a.granted]
    pk += ["", "Packages:"]
    for a in apps:
        pk += [f"  Package [{a.name}] (abc):", f"    codePath={'/system/app/X' if a.system else '/data/app/x'}",
               f"    flags=[ {'SYSTEM ' if a.system else ''}HAS_CODE ]", f"    lastUpdateTime={a.first_install}"]
        if a.installer != "null":
            pk.append(f"    installerPackageName={a.installer}")
        if a.originating:
            pk.append(f"    originatingPackageName={a.originating}")
        pk += ["    install permissions:"] + [f"      {p}: granted=true" for p in a.granted if "BOOT" in p]
        pk += ["    User 0: ceDataInode=1 installed=true hidden=false", f"      firstInstallTime={a.first_install}",
               "      runtime permissions:"] + [f"        {p}: granted=true, flags=[ USER_SET]" for p in a.granted
                                                if "BOOT" not in p]
        if a.disabled:
            pk += ["      disabledComponents:"] + [f"        {c}" for c in a.disabled]
    sections["package"] = pk
    text = ["Currently running services:"]
    for name, lines in sections.items():
        text += [DASHES, f"DUMP OF SERVICE {name}:"] + lines + [
            f"--------- 0.004s was the duration of dumpsys {name}, ending at: 2026-03-16 00:36:31"]
    (folder / "dumpsys.txt").write_text("\n".join(text) + "\n")
    return folder


BENIGN_APPS = (
    App("com.x8bit.bitwarden"), App("com.google.android.wearable.app"),
    App("com.whatsapp", installer="null", granted=(P + "CAMERA", P + "RECORD_AUDIO", P + "ACCESS_FINE_LOCATION")),
    App("com.android.chrome", system=True), App("com.google.android.gms", system=True),
)
BENIGN = dict(apps=BENIGN_APPS, a11y=("com.x8bit.bitwarden/com.x8bit.bitwarden.AutofillService",),
              listeners=("com.google.android.wearable.app/com.google.Listener",),
              admins=("com.google.android.gms/.mdm.Receiver",))
SPY_APP = App(SPY, installer="com.google.android.packageinstaller", originating="com.android.chrome",
              granted=SPY_PERMS, disabled=(f"{SPY}.LauncherActivity",), first_install="2026-03-12 21:16:00")
STALKER = dict(
    apps=BENIGN_APPS + (SPY_APP,), a11y=BENIGN["a11y"] + (f"{SPY}/.svc.KeyService",),
    listeners=BENIGN["listeners"] + (f"{SPY}/.svc.Notes",), admins=BENIGN["admins"] + (f"{SPY}/.svc.Admin",),
    appops=(("com.android.chrome", "REQUEST_INSTALL_PACKAGES", "2026-03-12 21:14:30.000"),
            (SPY, "GET_USAGE_STATS", "")),
    global_={"package_verifier_enable": "0", "upload_apk_enable": "0"})


def by(analysis, rule=None, subject=None):
    return [f for f in analysis.findings if (rule is None or f.rule_id == rule)
            and (subject is None or f.subject == subject)]


def assert_evidence_points_at_lines(folder: Path, findings) -> None:
    """Every evidence line cited is the line in the file (verifiable by hand)."""
    for f in findings:
        assert f.evidence, f.rule_id
        for e in f.evidence:
            assert e.source == "device" and e.ref == f"{e.file}:{e.line}"
            line = (folder / e.file).read_text(errors="replace").splitlines()[e.line - 1].strip()
            assert e.text and (e.text == line[:500] or e.text in line), (e.ref, e.text, line)


# --- benign phones ----------------------------------------------------------------------------------------

def test_benign_look_alikes_stay_low_with_their_explanations(tmp_path):
    folder = write_acquisition(tmp_path / "acq", **BENIGN)
    result = analyse_device(folder)
    assert {(f.rule_id, f.subject, f.level) for f in result.findings} == {
        ("dev.accessibility_service", "com.x8bit.bitwarden", "low"),
        ("dev.notification_listener", "com.google.android.wearable.app", "low"),
        ("dev.offstore_installer", "com.whatsapp", "low"),
    }
    pw = by(result, "dev.accessibility_service")[0]
    assert any("Password managers" in b for b in pw.benign_explanations) and not pw.safety_note
    assert any("Smartwatch" in b for b in by(result, "dev.notification_listener")[0].benign_explanations)
    assert any("WhatsApp" in b for b in by(result, "dev.offstore_installer")[0].benign_explanations)
    assert not by(result, "dev.stalkerware_profile")
    assert all(s.status == "ok" for s in result.statuses), result.statuses
    assert_evidence_points_at_lines(folder, result.findings)


# --- a stalkerware phone --------------------------------------------------------------------------------------

def test_sideloaded_spy_gets_every_finding_and_the_profile(tmp_path):
    folder = write_acquisition(tmp_path / "acq", **STALKER)
    result = analyse_device(folder)
    spy = {f.rule_id: f for f in by(result, subject=SPY)}
    assert set(spy) == {"dev.offstore_installer", "dev.accessibility_service", "dev.notification_listener",
                        "dev.device_admin", "dev.usage_access", "dev.hidden_launcher_icon",
                        "dev.sensitive_permissions", "dev.platform_like_name", "dev.stalkerware_profile"}
    profile = spy["dev.stalkerware_profile"]
    assert profile.level == "high" and profile.safety_note and "heuristic" in profile.tags
    assert SPY in profile.explanation and "hides its icon" in profile.explanation
    for rule in ("dev.accessibility_service", "dev.notification_listener", "dev.device_admin",
                 "dev.hidden_launcher_icon", "dev.sensitive_permissions"):
        assert spy[rule].level == "high" and spy[rule].safety_note, rule
    assert "start at boot" in spy["dev.sensitive_permissions"].explanation
    # the benign apps on the same phone are unchanged
    assert by(result, "dev.accessibility_service", "com.x8bit.bitwarden")[0].level == "low"
    assert len(by(result, "dev.stalkerware_profile")) == 1
    assert by(result, "dev.play_protect_off")[0].level == "medium"
    grant = by(result, "dev.unknown_sources_grant")[0]
    assert grant.subject == "com.android.chrome" and grant.level == "medium"
    levels = [LEVELS.index(f.level) for f in result.findings]
    assert levels == sorted(levels, reverse=True)
    assert_evidence_points_at_lines(folder, result.findings)


def test_install_story_is_in_time_order(tmp_path):
    folder = write_acquisition(tmp_path / "acq", **STALKER)
    (folder / "acquisition.json").write_text(json.dumps({"started": "2026-03-16T00:35:50Z"}))
    rows = analyse_device(folder).timeline
    whats = [r.what for r in rows]
    allowed = next(i for i, w in enumerate(whats) if "allowed to install apps" in w)
    installed = whats.index(f"{SPY} installed (from com.android.chrome)")
    enabled = next(i for i, w in enumerate(whats) if w.startswith(f"{SPY}: accessibility service"))
    assert allowed < installed < enabled
    assert [r.time for r in rows] == sorted(r.time for r in rows)
    # 21:16 London time in March is 21:16 UTC
    assert rows[installed].time == 1773350160.0 and rows[installed].ref.startswith("dumpsys.txt:")


def test_legacy_accessibility_syntax_is_read(tmp_path):
    folder = write_acquisition(tmp_path / "acq", **{**STALKER, "a11y_syntax": "legacy"})
    (folder / "settings_secure.txt").write_text("x=1\n")     # only dumpsys names the services
    result = analyse_device(folder)
    evidence = by(result, "dev.accessibility_service", SPY)[0].evidence[0]
    assert evidence.text == f"1 : {SPY}/.svc.KeyService" and evidence.file == "dumpsys.txt"
    assert by(result, "dev.stalkerware_profile", SPY)


def test_null_installer_and_one_power_is_not_a_profile(tmp_path):
    app = App("com.example.tool", installer="null")
    folder = write_acquisition(tmp_path / "acq", apps=(app,), a11y=("com.example.tool/.Svc",))
    result = analyse_device(folder)
    assert by(result, "dev.accessibility_service")[0].level == "medium"
    assert by(result, "dev.offstore_installer")[0].level == "low"
    assert not by(result, "dev.stalkerware_profile")


def test_non_system_device_owner_is_high(tmp_path):
    folder = write_acquisition(tmp_path / "acq", apps=(App("com.track.mdm", installer="null"),),
                               owners=("com.track.mdm",))
    owner = by(analyse_device(folder), "dev.device_owner")[0]
    assert owner.level == "high" and "device owner" in owner.title and owner.safety_note


def test_root_binaries_are_high(tmp_path):
    folder = write_acquisition(tmp_path / "acq", apps=BENIGN_APPS, root=("/system/bin/su", "/sbin/magisk"))
    root = by(analyse_device(folder), "dev.root")
    assert len(root) == 1 and root[0].level == "high" and [e.line for e in root[0].evidence] == [2, 3]


# --- indicators -------------------------------------------------------------------------------------------

def test_indicator_matches_are_critical_and_carry_the_feed_entry(tmp_path):
    spy = App(SPY, installer="com.google.android.packageinstaller", sha256="ab" * 32, cert="cd" * 20)
    folder = write_acquisition(tmp_path / "acq", apps=BENIGN_APPS + (spy,))
    ind = FakeIndicators(packages={SPY: ("MirrorSpy", "stalkerware")}, certs={"CD" * 20: ("MirrorSpy", "stalkerware")},
                         hashes={"ab" * 32: ("MirrorSpy", "stalkerware")},)
    result = analyse_device(folder, ind)
    iocs = {f.rule_id: f for f in result.findings if "ioc" in f.tags}
    assert set(iocs) == {"dev.ioc.package", "dev.ioc.signer", "dev.ioc.apk_hash"}
    for f in iocs.values():
        assert f.level == "critical" and f.subject == SPY and f.indicator.family == "MirrorSpy"
        assert f.indicator.feed == "test-feed 1" and f.safety_note
    assert iocs["dev.ioc.signer"].indicator.matched == "cd" * 20
    assert result.status("known_indicators").status == "ok"
    assert_evidence_points_at_lines(folder, result.findings)


def test_watchware_match_is_high_not_critical(tmp_path):
    folder = write_acquisition(tmp_path / "acq", apps=(App("com.familycompass.child"),))
    ind = FakeIndicators(packages={"com.familycompass.child": ("FamilyCompass", "watchware")})
    assert by(analyse_device(folder, ind), "dev.ioc.package")[0].level == "high"


def test_without_indicators_the_check_says_it_was_skipped(tmp_path):
    result = analyse_device(write_acquisition(tmp_path / "acq", **STALKER))
    assert "no indicator feed" in result.status("known_indicators").detail
    assert not [f for f in result.findings if "ioc" in f.tags]


def test_recent_uninstall_of_known_stalkerware_is_critical_and_in_the_timeline(tmp_path):
    folder = write_acquisition(tmp_path / "acq", apps=BENIGN_APPS, changes=(("Uninstall", "com.systemcare"),
                                                                            ("Uninstall", "com.game.puzzle")))
    result = analyse_device(folder, FakeIndicators(packages={"com.systemcare": ("NightOwl", "stalkerware")}))
    known = by(result, "dev.recent_uninstall", "com.systemcare")[0]
    assert known.level == "critical" and known.indicator.family == "NightOwl"
    assert by(result, "dev.recent_uninstall", "com.game.puzzle")[0].level == "low"
    assert any(r.what.startswith("com.systemcare uninstalled") for r in result.timeline)
    assert by(analyse_device(folder), "dev.recent_uninstall", "com.systemcare")[0].level == "medium"


# --- coverage, failures and bad input -----------------------------------------------------------------------

def test_every_check_reports_a_status_and_missing_files_say_not_collected(tmp_path):
    folder = tmp_path / "acq"
    folder.mkdir()
    (folder / "getprop.txt").write_text("[ro.build.version.sdk]: [33]\n")
    result = analyse_device(folder)
    assert [s.check for s in result.statuses] == [c.slug for c in DEVICE_CHECKS]
    assert {s.status for s in result.statuses} <= {"not collected", "ok"}
    assert result.status("accessibility_services").status == "not collected"
    assert result.findings == () and result.packages == ()


def test_zip_of_the_folder_gives_the_same_findings(tmp_path):
    folder = write_acquisition(tmp_path / "acq", **STALKER)
    archive = tmp_path / "acq.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, f"acq/{p.name}")          # AndroidQF zips usually hold the folder itself
    from_zip, from_folder = analyse_device(archive), analyse_device(folder)
    strip = [(f.rule_id, f.subject, f.level, tuple(e.line for e in f.evidence)) for f in from_zip.findings]
    assert strip == [(f.rule_id, f.subject, f.level, tuple(e.line for e in f.evidence)) for f in from_folder.findings]
    assert from_zip.findings[0].evidence[0].file.startswith("acq/")


def test_not_a_zip_and_no_known_file_are_one_line_user_errors(tmp_path):
    junk = tmp_path / "phone.zip"
    junk.write_bytes(b"\x00\x01 not a zip")
    with pytest.raises(UserError, match="phone.zip: not a folder and not a zip file"):
        analyse_device(junk)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("hello")
    with pytest.raises(UserError, match="empty: no AndroidQF or MVT artefact found"):
        analyse_device(empty)
    with pytest.raises(UserError, match="no such folder"):
        analyse_device(tmp_path / "missing")


def test_malformed_packages_json_is_an_error_status_and_dumpsys_takes_over(tmp_path):
    folder = write_acquisition(tmp_path / "acq", **STALKER)
    (folder / "packages.json").write_text('[{"name": "com.a",\n  "files": [}')
    result = analyse_device(folder)
    status = result.status("packages")
    assert status.status == "error" and status.detail.startswith("packages.json: not valid JSON (line 2")
    assert by(result, "dev.stalkerware_profile", SPY)       # the inventory came from dumpsys package


def test_binary_junk_dumpsys_is_an_error_naming_the_file_and_settings_still_count(tmp_path):
    folder = write_acquisition(tmp_path / "acq", **STALKER)
    (folder / "packages.json").unlink()
    (folder / "dumpsys.txt").write_bytes(bytes(range(256)) * 64)
    result = analyse_device(folder)
    assert result.status("usage_access") == CheckStatus("usage_access", "error",
                                                        "dumpsys.txt: not dumpsys text (binary data)")
    partial = result.status("accessibility_services")     # settings_secure.txt still read
    assert partial.status == "error"
    assert partial.detail.startswith("dumpsys.txt: not dumpsys text (binary data); partial")
    assert by(result, "dev.accessibility_service", SPY)[0].evidence[0].file == "settings_secure.txt"
    assert by(result, "dev.play_protect_off")


def test_malformed_json_lists_are_error_statuses(tmp_path):
    folder = write_acquisition(tmp_path / "acq", **BENIGN)
    (folder / "root_binaries.json").write_text('{"x":')
    result = analyse_device(folder)
    status = result.status("root")
    assert status.status == "error" and "root_binaries.json: not valid JSON" in status.detail


def test_a_failing_check_does_not_stop_the_others(tmp_path):
    def broken(ctx):
        raise KeyError("surprise")

    checks = (DEVICE_CHECKS[0], DeviceCheck("broken", ("nothing",), broken)) + DEVICE_CHECKS[1:]
    result = analyse_device(write_acquisition(tmp_path / "acq", **STALKER), checks=checks)
    assert result.status("broken").status == "error" and "KeyError" in result.status("broken").detail
    assert by(result, "dev.stalkerware_profile", SPY)


def test_checks_are_listed_after_what_they_depend_on(tmp_path):
    late = DeviceCheck("late", (), lambda ctx: CheckOutput(), depends_on=("nowhere",))
    with pytest.raises(ValueError, match="late depends on"):
        analyse_device(write_acquisition(tmp_path / "acq", **BENIGN), checks=(late,))


def test_copying_a_folder_does_not_change_the_result(tmp_path):
    folder = write_acquisition(tmp_path / "a", **STALKER)
    shutil.copytree(folder, tmp_path / "b")
    first, second = analyse_device(folder), analyse_device(tmp_path / "b")
    assert [f.as_dict() for f in first.findings] == [f.as_dict() for f in second.findings]
    assert first.timeline == second.timeline


def test_receivers_for_sms_and_calls_are_named_with_the_permissions(tmp_path):
    folder = write_acquisition(tmp_path / "acq", **STALKER)
    text = (folder / "dumpsys.txt").read_text().replace(
        "Receiver Resolver Table:\n  Non-Data Actions:\n",
        "Receiver Resolver Table:\n  Non-Data Actions:\n      android.provider.Telephony.SMS_RECEIVED:\n"
        f"        e7673da {SPY}/.receiver.SmsReceiver\n")
    (folder / "dumpsys.txt").write_text(text)
    perms = by(analyse_device(folder), "dev.sensitive_permissions", SPY)[0]
    assert perms.explanation.endswith("it can also start at boot and see each text message as it arrives.")


def test_root_traces_in_processes_json_and_mounts(tmp_path):
    folder = write_acquisition(tmp_path / "acq", apps=BENIGN_APPS)
    (folder / "processes.txt").write_text(json.dumps([{"pid": 1, "ppid": 0, "name": "init", "user": "root"},
                                                      {"pid": 4242, "ppid": 1, "name": "magiskd", "user": "root"}],
                                                     indent=1))
    (folder / "mounts.json").write_text(json.dumps(["/dev/block/dm-6 on / type ext4 (ro,seclabel)",
                                                    "magisk on /system/bin type tmpfs (rw,seclabel)"], indent=1))
    root = by(analyse_device(folder), "dev.root")[0]
    assert {e.ref for e in root.evidence} == {"processes.txt:9", "mounts.json:3"}
    assert_evidence_points_at_lines(folder, [root])


def test_known_package_still_named_in_settings_after_removal(tmp_path):
    folder = write_acquisition(tmp_path / "acq", apps=BENIGN_APPS, a11y=("com.systemcare/.KeyService",))
    result = analyse_device(folder, FakeIndicators(packages={"com.systemcare": ("NightOwl", "stalkerware")}))
    (hit,) = by(result, "dev.ioc.package")
    assert hit.subject == "com.systemcare" and hit.level == "critical" and "not in the list" in hit.explanation
    assert by(result, "dev.accessibility_stale", "com.systemcare")


@pytest.mark.parametrize("victim", ["packages.json", "dumpsys.txt", "settings_secure.txt", "settings_global.txt",
                                    "getprop.txt", "root_binaries.json"])
def test_random_bytes_in_any_artefact_never_crash_the_analysis(tmp_path, victim):
    import random

    folder = write_acquisition(tmp_path / "acq", **STALKER)
    (folder / victim).write_bytes(random.Random(victim).randbytes(5000))
    result = analyse_device(folder)
    assert [s.check for s in result.statuses] == [c.slug for c in DEVICE_CHECKS]
    errors = [s for s in result.statuses if s.status == "error"]
    assert all(s.detail.startswith(f"{victim}: ") for s in errors), errors
    if victim.endswith(".json") or victim == "dumpsys.txt":
        assert errors


def test_device_records_have_exactly_their_declared_fields(tmp_path):
    from stalkerlab.detector.analysis.streams import STREAM_FIELDS

    folder = write_acquisition(tmp_path / "acq", **{**STALKER, "owners": (SPY,), "root": ("/system/bin/su",),
                                                    "changes": (("Uninstall", "com.systemcare"),)})
    result = analyse_device(folder, FakeIndicators(packages={SPY: ("MirrorSpy", "stalkerware")}))
    device_streams = {s for s in STREAM_FIELDS if s.startswith("device.")}
    assert set(result.records) == device_streams
    for stream in device_streams:
        for record in result.records[stream]:
            assert {k for k in record if not k.startswith("_")} == set(STREAM_FIELDS[stream]), stream


def test_an_instructors_device_rule_runs_on_the_device_records(tmp_path):
    from stalkerlab.detector.rules.schema import load_rules

    rule = tmp_path / "dev_class_notes.yml"
    rule.write_text("id: dev.class.reads_notifications_from_a_file\ntitle: '{package} reads notifications'\n"
                    "level: high\nlogsource: {stream: device.power}\n"
                    "detection: {s: {power: notification_listener, installed_via: apk file}, condition: s}\n"
                    "subject: package\nexplanation: e\n"
                    "tests: {positive: [unknown-family], negative: [benign-busy-phone]}\n")
    result = analyse_device(write_acquisition(tmp_path / "acq", **STALKER), rules=load_rules([rule]))
    (mine,) = by(result, "dev.class.reads_notifications_from_a_file")
    assert mine.subject == SPY and mine.title == f"{SPY} reads notifications" and mine.evidence
