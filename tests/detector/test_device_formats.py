"""The device-state parsers, one artefact each, on small texts in the layouts Android prints."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as fuzz
from hypothesis import strategies as st
from stalkerlab.detector.device.formats import (
    accessibility,
    android_time,
    appops,
    batterystats,
    device_policy,
    dumpsys,
    dumpsys_package,
    getprop,
    json_document,
    json_lists,
    line_index,
    notification,
    packages_json,
    processes,
    settings,
)


def section(text: str, name: str = "x", first_line: int = 1) -> dumpsys.Section:
    return dumpsys.Section(name, "dumpsys.txt", first_line, tuple(text.splitlines()))


def test_split_sections_gives_names_and_file_line_numbers():
    text = ("Currently running services:\n  package\n" + "-" * 79 + "\nDUMP OF SERVICE accessibility:\nA\nB\n"
            "--------- 0.004s was the duration of dumpsys accessibility, ending at: 2026-03-16 00:36:31\n"
            + "-" * 79 + "\nDUMP OF SERVICE package:\nP1\n")
    secs = dumpsys.split_sections(text, "dumpsys.txt")
    assert sorted(secs) == ["accessibility", "package"]
    acc = secs["accessibility"][0]
    assert acc.lines == ("A", "B") and acc.first_line == 5 and acc.ref(1) == ("dumpsys.txt", 6)
    assert secs["package"][0].lines == ("P1",) and secs["package"][0].first_line == 10


def test_binary_junk_is_recognised():
    assert dumpsys.looks_binary("\x00\x01\x02\ufffd" * 100)
    assert not dumpsys.looks_binary("DUMP OF SERVICE package:\n  Package [a] (1):\n")


def test_accessibility_android14_syntax():
    s = section("User state[\n     Enabled services:{{com.a/com.a.Svc}, {com.b/.inner.Svc}}\n"
                "     Binding services:{}\n", first_line=40)
    got = accessibility.parse(s)
    assert [(x.package, x.cls, x.line) for x in got] == [("com.a", "com.a.Svc", 41), ("com.b", "com.b.inner.Svc", 41)]


def test_accessibility_legacy_syntax_reads_enabled_not_installed():
    s = section("  installed services: {\n    0 : com.inst/.Svc\n  }\n  enabled services: {\n"
                "    0 : com.spy/.KeyService\n    1 : com.pw/com.pw.Fill\n  }\n  binding services: {\n  }\n")
    got = accessibility.parse(s)
    assert [(x.package, x.cls, x.line) for x in got] == [("com.spy", "com.spy.KeyService", 5),
                                                        ("com.pw", "com.pw.Fill", 6)]
    assert [x.package for x in accessibility.parse(s, "installed")] == ["com.inst"]


def test_device_policy_admins_policies_and_owners():
    s = section("Current Device Policy Manager state:\n"
                "  Device Owner: \n    admin=ComponentInfo{com.mdm/com.mdm.Admin}\n    name=\n    package=com.mdm\n"
                "  Profile Owner (User 10): \n    admin=ComponentInfo{com.work/.Admin}\n"
                "  Enabled Device Admins (User 0, provisioningState: 3):\n"
                "    com.spy/.admin.Receiver:\n      uid=10150\n      policies:\n"
                "        wipe-data\n        force-lock\n"
                "      passwordQuality=0x0\n    com.gms/.Mdm:\n      uid=10043\n    mPasswordOwner=-1\n"
                "  Other:\n    com.not/.Admin:\n")
    admins, owners = device_policy.parse(s)
    assert [(a.package, a.cls, a.line, a.policies) for a in admins] == [
        ("com.spy", "com.spy.admin.Receiver", 9, ("wipe-data", "force-lock")), ("com.gms", "com.gms.Mdm", 15, ())]
    assert [(o.package, o.kind, o.line) for o in owners] == [("com.mdm", "device owner", 3),
                                                             ("com.work", "profile owner", 7)]


def test_notification_listeners_once_each():
    s = section("  Notification listeners:\n    Allowed notification listeners:\n"
                "      com.w/com.w.L:com.s/.N (user: 0)\n"
                "    All notification listeners (2) enabled for current profiles:\n"
                "      ComponentInfo{com.w/com.w.L}\n      ComponentInfo{com.s/.N}\n"
                "    Live notification listeners (2):\n      ComponentInfo{com.w/com.w.L} (user 0): proxy\n"
                "    Snoozed notification listeners (0):\n")
    assert [(x.package, x.cls, x.line) for x in notification.parse(s)] == [("com.w", "com.w.L", 5),
                                                                          ("com.s", "com.s.N", 6)]


def test_appops_modes_and_newest_access():
    s = section("  Uid u0a80:\n    state=cch\n    Package com.android.chrome:\n"
                "      REQUEST_INSTALL_PACKAGES (allow):\n"
                "          Access: [fg-s] 2026-03-12 19:57:06.910 (-3d)\n"
                "          Access: [bg-s] 2026-03-13 08:00:00.000 (-2d)\n"
                "      CAMERA (deny):\n  Uid u0a150:\n    Package com.spy:\n      GET_USAGE_STATS (allow):\n")
    ops = appops.parse(s)
    assert [(o.package, o.op, o.mode, o.line) for o in ops] == [
        ("com.android.chrome", "REQUEST_INSTALL_PACKAGES", "allow", 4), ("com.android.chrome", "CAMERA", "deny", 7),
        ("com.spy", "GET_USAGE_STATS", "allow", 10)]
    assert ops[0].last_access == "2026-03-13 08:00:00.000" and ops[0].access_line == 6


def test_batterystats_package_changes_with_their_day():
    s = section("Daily stats:\n  Current start time: 2026-03-15-02-03-56\n    Package changes:\n"
                "      Update com.a vers=3\n"
                "  Daily from 2026-03-09-02-03-56 to 2026-03-10-02-03-56:\n    Discharge step durations:\n"
                "    Package changes:\n      Uninstall com.spy\n      Update com.b vers=7\n")
    got = batterystats.parse(s)
    assert [(c.action, c.package, c.version_code, c.day_from, c.day_to, c.line) for c in got] == [
        ("Update", "com.a", 3, "2026-03-15-02-03-56", "", 4),
        ("Uninstall", "com.spy", None, "2026-03-09-02-03-56", "2026-03-10-02-03-56", 8),
        ("Update", "com.b", 7, "2026-03-09-02-03-56", "2026-03-10-02-03-56", 9)]


PACKAGE_DUMP = """Activity Resolver Table:
  Non-Data Actions:
      android.intent.action.MAIN:
        1a2b3c com.good/.MainActivity
Receiver Resolver Table:
  Non-Data Actions:
      android.intent.action.BOOT_COMPLETED:
        92531ab com.spy/.receiver.BootReceiver

Packages:
  Package [com.spy] (c72d7f0):
    appId=10150
    codePath=/data/app/~~x==/com.spy-y==
    flags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ]
    timeStamp=2026-03-12 19:57:12
    lastUpdateTime=2026-03-12 19:57:12
    installerPackageName=com.google.android.packageinstaller
    originatingPackageName=com.android.chrome
    requested permissions:
      android.permission.READ_SMS
      android.permission.CAMERA
    install permissions:
      android.permission.INTERNET: granted=true
    User 0: ceDataInode=1 installed=true hidden=false suspended=false
      firstInstallTime=2026-03-12 19:57:12
      runtime permissions:
        android.permission.READ_SMS: granted=true, flags=[ USER_SET]
        android.permission.CAMERA: granted=false, flags=[ ]
      disabledComponents:
        com.spy.LauncherActivity
  Package [com.android.settings] (1):
    codePath=/system/priv-app/Settings
    flags=[ SYSTEM HAS_CODE ]
"""


def test_dumpsys_package_blocks_and_tables():
    got = dumpsys_package.parse(section(PACKAGE_DUMP, "package"))
    spy = got.packages["com.spy"]
    assert (spy.line, spy.installer, spy.installer_line, spy.originating, spy.first_install,
            spy.first_install_line) == (11, "com.google.android.packageinstaller", 17, "com.android.chrome",
                                        "2026-03-12 19:57:12", 25)
    assert spy.requested == {"android.permission.READ_SMS": 20, "android.permission.CAMERA": 21}
    assert spy.granted == {"android.permission.INTERNET": 23, "android.permission.READ_SMS": 27}
    assert spy.disabled_components == {"com.spy.LauncherActivity": 30}
    assert not spy.system and got.packages["com.android.settings"].system
    assert got.receivers["android.intent.action.BOOT_COMPLETED"] == [("com.spy", "com.spy.receiver.BootReceiver", 8)]
    assert got.activities["android.intent.action.MAIN"] == [("com.good", "com.good.MainActivity", 4)]
    assert got.has_activity_table


def test_packages_json_line_numbers_follow_each_package():
    data = [{"name": "com.a", "files": [{"path": "/data/app/a/base.apk", "sha256": "AA" * 32,
                                        "certificate": {"Sha1": "BB" * 20}, "trusted_certificate": False}],
             "installer": "null", "system": False, "third_party": True},
            {"name": "com.b", "files": [], "installer": "com.android.vending", "system": False}]
    text = json.dumps(data, indent=1)
    lines = text.splitlines()
    got = packages_json.parse(text)
    a, b = got
    assert lines[a.line - 1].strip() == '"name": "com.a",'
    assert lines[a.installer_line - 1].strip() == '"installer": "null",'
    assert lines[a.files[0].cert_line - 1].strip() == f'"Sha1": "{"BB" * 20}"'
    assert a.files[0].sha256 == "aa" * 32 and a.files[0].cert_sha1 == "bb" * 20
    assert lines[b.installer_line - 1].strip() == '"installer": "com.android.vending",'


@pytest.mark.parametrize("text, problem", [('[{"name": "a",', "not valid JSON (line 1"), ('{"name": "a"}', "list"),
                                           ('[{"files": []}]', "no name")])
def test_packages_json_bad_input_says_what_is_wrong(text, problem):
    with pytest.raises(packages_json.PackagesJsonError, match=problem.replace("(", r"\(")):
        packages_json.parse(text)


def test_getprop_settings_and_components():
    props = getprop.parse("[persist.sys.timezone]: [Europe/London]\n\n[ro.build.version.sdk]: [33]\n")
    assert props == {"persist.sys.timezone": ("Europe/London", 1), "ro.build.version.sdk": ("33", 3)}
    got = settings.parse("a=1\nenabled_accessibility_services=com.a/.S:com.b/com.b.T\nnot a setting\nempty=\n")
    assert got["a"] == ("1", 1) and got["empty"] == ("", 4)
    assert settings.components(got["enabled_accessibility_services"][0]) == [("com.a", "com.a.S"),
                                                                              ("com.b", "com.b.T")]


def test_ps_table_json_and_bad_table():
    text = ("USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 10 2 0 0 S init\n"
            "u0_a150 4242 700 10 2 0 0 S com.spy:remote\n")
    assert [(p.user, p.pid, p.name, p.line) for p in processes.parse_ps(text)] == [
        ("root", 1, "init", 2), ("u0_a150", 4242, "com.spy:remote", 3)]
    assert processes.parse_json('[{"pid": 5, "ppid": 1, "name": "su", "user": "root"}]')[0].name == "su"
    with pytest.raises(processes.ProcessesError):
        processes.parse_ps("no header here\n")


def test_json_lists():
    assert json_lists.parse_strings('[\n "/system/bin/su",\n "/sbin/magisk"\n]') == [("/system/bin/su", 2),
                                                                                    ("/sbin/magisk", 3)]
    assert json_lists.parse_strings("") == []
    files = json_lists.parse_files('[{"path": "/sdcard/Download/x.apk", "size": 3, "modified_time": 1773345395}]')
    assert files[0].modified == 1773345395.0
    with pytest.raises(json_lists.JsonListError):
        json_lists.parse_strings("{")


def test_local_times_use_the_phone_zone():
    london = ZoneInfo("Europe/London")
    t = android_time.local_epoch("2026-07-01 12:00:00", london)
    assert t == datetime(2026, 7, 1, 11, 0, tzinfo=timezone.utc).timestamp()
    assert android_time.local_epoch("2026-03-09-02-03-56") == datetime(2026, 3, 9, 2, 3, 56,
                                                                       tzinfo=timezone.utc).timestamp()
    assert android_time.local_epoch("1970-01-01 00:00:00") is None
    assert android_time.zone("Not/AZone") is timezone.utc


# --- fuzzing: odd input gives a declared error or records, never a crash ------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda children: st.lists(children, max_size=4)
                    | st.dictionaries(st.sampled_from(["name", "files", "installer", "system", "uid", "sha256",
                                                       "certificate", "Sha1", "path", "pid", "modified_time"]),
                                      children, max_size=5), max_leaves=20)
DUMPSYS_WORDS = st.sampled_from(["DUMP OF SERVICE package:", "  Package [a.b] (1):", "Packages:",
                                 "    flags=[ SYSTEM ]", "      disabledComponents:", "        a.b.Main",
                                 "  enabled services: {", "    0 : a/.S",
                                 "  }", "Enabled services:{{a/b}", "  Uid u0a1:", "    Package a.b:",
                                 "      GET_USAGE_STATS (allow):", "          Access: [fg-s] 2026-13-45 99:99:99.000",
                                 "  Daily from x to y:", "    Package changes:", "      Uninstall a.b",
                                 "  Enabled Device Admins (User 0):", "    a/.R:", "      policies:",
                                 "  Device Owner:", "ComponentInfo{a/b}", "    All notification listeners (1):",
                                 "Receiver Resolver Table:", "      android.intent.action.MAIN:", "        1 a/.M"])


@fuzz(max_examples=80, deadline=None)
@given(st.lists(DUMPSYS_WORDS | st.text(max_size=30), max_size=40))
def test_dumpsys_parsers_never_crash(lines):
    text = "\n".join(lines)
    for sec in [dumpsys.whole_file(text, "f.txt", "x")] + [s for v in dumpsys.split_sections(text, "f").values()
                                                          for s in v]:
        dumpsys_package.parse(sec)
        accessibility.parse(sec)
        device_policy.parse(sec)
        notification.parse(sec)
        appops.parse(sec)
        batterystats.parse(sec)


@fuzz(max_examples=150, deadline=None)
@given(JSON | st.lists(st.fixed_dictionaries({"name": st.text(max_size=5), "path": st.text(max_size=5)},
                                            optional={"files": JSON, "installer": JSON, "uid": JSON, "size": JSON,
                                                      "modified_time": JSON, "pid": JSON, "sha256": JSON}),
                       max_size=3))
@pytest.mark.slow
def test_json_parsers_raise_only_their_own_errors(value):
    text = json.dumps(value, indent=1)
    for parse, error in ((packages_json.parse, packages_json.PackagesJsonError),
                         (processes.parse_json, processes.ProcessesError),
                         (json_lists.parse_strings, json_lists.JsonListError),
                         (json_lists.parse_files, json_lists.JsonListError)):
        try:
            parse(text)
        except error:
            pass


@fuzz(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_text_parsers_take_anything(text):
    getprop.parse(text)
    settings.parse(text)
    settings.components(text)
    android_time.local_epoch(text)
    try:
        processes.parse_ps(text)
    except processes.ProcessesError:
        pass


@pytest.mark.parametrize("text", ['[{"name": "a", "files": 5}]',
                                  '[{"name": "a", "files": [{"sha256": 5, "certificate": {"Sha1": [1]}}], '
                                  '"uid": true}]',
                                  '[{"name": "a", "installer": {"x": 1}}]'])
def test_packages_json_regressions_odd_types(text):
    (record,) = packages_json.parse(text)
    assert record.name == "a" and record.installer in ("null",) and record.uid is None


def test_files_json_regressions_odd_types():
    (entry,) = json_lists.parse_files('[{"path": "x", "size": "big", "modified_time": true, "sha256": 5}]')
    assert (entry.size, entry.modified, entry.sha256) == (0, None, "")


# --- the line index and the JSON document: what evidence lines and linear parsing stand on -----------------------

def _reference_lines(text: str) -> list[str]:
    """Lines as `grep -n` counts them: split at "\n", none after a final newline, a "\r" before it dropped."""
    parts = text.split("\n") if text else []
    if text.endswith("\n"):
        parts.pop()
    return [p[:-1] if p.endswith("\r") else p for p in parts]


@fuzz(max_examples=200, deadline=None)
@given(st.text(alphabet="ab\n\r\x0c\u2028\u00e9", max_size=40), st.integers(1, 8), st.data())
def test_line_index_counts_lines_as_grep_does(text, block, data):
    expected = _reference_lines(text)
    for source in (text, text.encode()):
        index = line_index.LineIndex(source)
        assert len(index) == len(expected)
        assert [index.line(n) for n in range(1, len(expected) + 2)] == expected + [""]
        first = data.draw(st.integers(1, len(expected) + 1))
        last = data.draw(st.integers(first - 1, len(expected) + 1))
        line_index._BLOCK_LINES, saved = block, line_index._BLOCK_LINES    # several blocks on short texts too
        try:
            assert list(index.lines(first, last)) == expected[first - 1:last]
        finally:
            line_index._BLOCK_LINES = saved
        newline = "\n" if isinstance(source, str) else b"\n"
        assert [index.number_at(i) for i in range(len(source))] == [source.count(newline, 0, i) + 1
                                                                   for i in range(len(source))]


def test_line_index_refuses_too_many_lines_before_building():
    with pytest.raises(line_index.TooManyLines) as refused:
        line_index.LineIndex(b"\n" * 1001, max_lines=1000)
    assert (refused.value.count, refused.value.limit) == (1001, 1000)


ANY_CHAR = st.characters(categories=("L", "N", "P", "S", "Z", "C"))       # "C" holds lone surrogates
DOCUMENT = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                        | st.text(ANY_CHAR, max_size=6),
                        lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(ANY_CHAR, max_size=4), inner, max_size=3), max_leaves=12)


def _check_offsets(doc: json_document.JsonDocument, pos: int, value) -> None:
    """Each offset the document gives decodes back to the value it stands for."""
    decoded, _ = json.JSONDecoder().raw_decode(doc.text, pos)
    assert json_document.visible_value(decoded) == value
    if isinstance(value, dict):
        at = doc.member_offsets(pos)
        assert set(at) == set(value)
        for key, offset in at.items():
            _check_offsets(doc, offset, value[key])
    elif isinstance(value, list):
        offsets = doc.element_offsets(pos)
        assert len(offsets) == len(value)
        for offset, item in zip(offsets, value, strict=True):
            _check_offsets(doc, offset, item)


@fuzz(max_examples=200, deadline=None)
@given(st.lists(DOCUMENT, max_size=4), st.sampled_from([None, 0, 2]), st.booleans())
def test_json_document_elements_and_offsets_match_the_decoder(items, indent, ascii_only):
    text = json.dumps(items, indent=indent, ensure_ascii=ascii_only)
    if not ascii_only and any("\ud800" <= ch <= "\udfff" for ch in text):
        return                           # not writable as UTF-8, so never read from a file
    doc = json_document.JsonDocument(text)
    got = list(doc.elements())
    expected = json_document.visible_value(json.loads(text))
    assert [value for _, value in got] == expected
    for pos, value in got:
        _check_offsets(doc, pos, value)
        assert doc.line_at(pos) == text.count("\n", 0, pos) + 1
    for value in expected:
        json.dumps(value, ensure_ascii=False).encode("utf-8")      # every string is writable as UTF-8


@pytest.mark.parametrize("text, problem", [
    ("[1 2]", "not valid JSON (line 1: Expecting ',' delimiter)"), ("[1]\nx", "not valid JSON (line 2: Extra data)"),
    ("[" + "[" * 5000 + "]" * 5000 + "]", "not valid JSON (nested too deeply)"),
    ("[" + "9" * 5000 + "]", "not valid JSON (line 1: a number too long to read)"),
    ('{"a": 1}', "expected a JSON list"), ("[" + '"x",' * 3 + '"x"]', "entry #4: no more than 3 are read"),
    ('[1, ["' + "x" * 70_000 + '"]]', "entry #2 (line 1) is longer than 0.0625 MB: not read"),
], ids=["delimiter", "extra", "deep", "long-number", "not-a-list", "too-many", "too-long"])
def test_json_document_problems_are_one_line(text, problem):
    with pytest.raises(json_document.JsonTextError) as refused:
        list(json_document.JsonDocument(text).elements("entry", max_items=3, max_chars=65536))
    assert str(refused.value).startswith(problem) and "\n" not in str(refused.value)


def test_packages_json_lines_in_hostile_layouts():
    one_line = json.dumps([{"name": f"com.a{i}", "installer": "x", "files": [{"sha256": "AB" * 32}]}
                           for i in range(3)]) + "\n" * 1000
    records = packages_json.parse(one_line)
    assert {(r.line, r.installer_line, r.files[0].line) for r in records} == {(1, 1, 1)}
    # the same certificate in two split APKs: each cites its own line
    split = {"certificate": {"Sha1": "CD" * 20}}
    text = json.dumps([{"name": "a", "files": [split, split]}], indent=1)
    lines = text.split("\n")
    (record,) = packages_json.parse(text)
    first, second = (f.cert_line for f in record.files)
    assert first < second and lines[first - 1] == lines[second - 1]
