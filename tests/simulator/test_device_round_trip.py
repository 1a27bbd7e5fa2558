"""Round trips of the device wing: each artefact the simulator renders (simulator/device/render/<x>.py) is read
back by the detector's parser of the same name (detector/device/formats/<x>.py), and what the parser finds is
what the simulator meant: the phone's DeviceState, at the lines the answer key cites."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import datetime

import pytest
from stalkerlab.detector.device.formats import (
    accessibility,
    android_time,
    appops,
    batterystats,
    device_policy,
    dumpsys,
    dumpsys_package,
    getprop,
    json_lists,
    notification,
    packages_json,
    processes,
    settings,
)
from stalkerlab.simulator.device import build_device_state
from stalkerlab.simulator.device.render import bugreport as bugreport_render
from stalkerlab.simulator.device.render import dumpsys as dumpsys_render
from stalkerlab.simulator.device.render import getprop as getprop_render
from stalkerlab.simulator.device.render import json_lists as json_lists_render
from stalkerlab.simulator.device.render import packages_json as packages_json_render
from stalkerlab.simulator.device.render import processes as processes_render
from stalkerlab.simulator.device.render import settings as settings_render
from stalkerlab.simulator.device.render.device_policy import MONITORING_POLICIES, ORDINARY_POLICIES
from stalkerlab.simulator.device.signing import certificate_record
from stalkerlab.simulator.device.state import DeviceState
from stalkerlab.simulator.instance import derived_rng, instantiate
from stalkerlab.simulator.world.catalogue import Catalogue

DAY = 86400.0
# (scenario, seed, accessibility syntax): installed, removed and watchware families, a busy benign phone,
# both dumpsys accessibility syntaxes and, over the seeds, Samsung, Pixel, Xiaomi and Motorola personas
PHONES = [("stalkerware-https-sni", 5, "v14"), ("stalkerware-removed-last-week", 3, "legacy"),
          ("watchware-parental", 7, "v14"), ("benign-busy-phone", 2, "legacy"), ("stalkerware-mqtt", 11, "v14"),
          ("unknown-family", 4, "legacy")]


@dataclasses.dataclass
class Phone:
    state: DeviceState
    dumpsys_text: str
    marks: dict             # (package, label) -> line of dumpsys.txt, as the answer key cites them

    def section(self, name: str) -> dumpsys.Section:
        (only,) = dumpsys.split_sections(self.dumpsys_text, "dumpsys.txt")[name]
        return only

    @property
    def tz(self):
        return android_time.zone(self.state.timezone)


def whole_seconds(t: float) -> float:
    """`t` as dumpsys prints it (local time to the second) and the detector reads it back."""
    return float(int(t))


@pytest.fixture(scope="module", params=PHONES, ids=lambda p: f"{p[0]}-{p[1]}-{p[2]}")
def phone(request) -> Phone:
    scenario_id, seed, syntax = request.param
    scenario = dataclasses.replace(Catalogue().scenario(scenario_id), accessibility_syntax=syntax)
    state = build_device_state(instantiate(scenario, seed), derived_rng(seed, "device"))
    rendered = dumpsys_render.render(state)
    return Phone(state, rendered.text(), rendered.marks)


def test_dumpsys_is_cut_into_the_services_it_dumps(phone):
    sections = dumpsys.split_sections(phone.dumpsys_text, "dumpsys.txt")
    assert list(sections) == ["accessibility", "adb", "appops", "batterystats", "device_policy", "notification",
                              "package", "settings"]
    assert all(len(found) == 1 and found[0].lines for found in sections.values())


def test_packages_json(phone):
    rendered = packages_json_render.render(phone.state)
    records = packages_json.parse(rendered.text())
    assert [r.name for r in records] == [p.name for p in phone.state.packages]
    for record, pkg in zip(records, phone.state.packages, strict=True):
        assert (record.installer, record.system, record.third_party, record.disabled, record.uid) == \
            (pkg.installer, pkg.system, not pkg.system, pkg.disabled, pkg.uid)
        (apk,) = record.files
        assert (apk.path, apk.sha256, apk.sha1, apk.md5) == (pkg.apk.path, pkg.apk.sha256, pkg.apk.sha1, pkg.apk.md5)
        assert apk.cert_sha1 == certificate_record(pkg.signer)["Sha1"]
        assert apk.trusted_certificate is pkg.trusted_certificate
        assert record.line == rendered.marks[(pkg.name, "package_entry")]
        assert record.installer_line == rendered.marks[(pkg.name, "installer_entry")]
        assert apk.cert_line == rendered.marks[(pkg.name, "certificate")]


def test_dumpsys_package_blocks(phone):
    parsed = dumpsys_package.parse(phone.section("package"))
    assert list(parsed.packages) == [p.name for p in phone.state.packages]
    for pkg in phone.state.packages:
        block = parsed.packages[pkg.name]
        assert (block.code_path, block.system, block.version_name) == (pkg.code_path, pkg.system, pkg.version_name)
        assert block.installer == ("" if pkg.installer == "null" else pkg.installer)
        assert (block.initiating or None, block.originating or None) == (pkg.initiating, pkg.originating)
        assert android_time.local_epoch(block.first_install, phone.tz) == whole_seconds(pkg.first_install)
        assert android_time.local_epoch(block.last_update, phone.tz) == whole_seconds(pkg.last_update)
        assert list(block.requested) == list(pkg.requested_permissions)
        granted = list(pkg.install_permissions) + [perm for perm, yes in pkg.runtime_permissions if yes]
        assert sorted(block.granted) == sorted(granted)
        assert list(block.disabled_components) == list(pkg.disabled_components)
        assert not block.hidden
        assert block.line == phone.marks[(pkg.name, "package_block")]
        if pkg.installer != "null":
            assert block.installer_line == phone.marks[(pkg.name, "installer")]
        if pkg.originating:
            assert block.originating_line == phone.marks[(pkg.name, "originating")]
        assert block.first_install_line == phone.marks[(pkg.name, "install_time")]


def test_dumpsys_package_receiver_table(phone):
    parsed = dumpsys_package.parse(phone.section("package"))
    expected: dict[str, list[tuple[str, str]]] = {}
    for pkg in phone.state.packages:
        for action, cls in pkg.receivers:
            expected.setdefault(action, []).append((pkg.name, cls))
    assert {action: [(p, c) for p, c, _line in rows] for action, rows in parsed.receivers.items()} == expected
    assert expected, "every phone has apps listening for boot, SMS or calls"


def test_accessibility(phone):
    section = phone.section("accessibility")
    enabled = accessibility.parse(section, "enabled")
    assert [(s.package, s.cls) for s in enabled] == [(c.package, c.cls) for c in phone.state.accessibility_enabled]
    for service in enabled:
        assert service.line == phone.marks[(service.package, "accessibility")]
    if phone.state.accessibility_syntax == "legacy":
        installed = accessibility.parse(section, "installed")
        assert [(s.package, s.cls) for s in installed] == \
            [(c.package, c.cls) for c in phone.state.accessibility_installed]


def test_appops(phone):
    parsed = appops.parse(phone.section("appops"))
    assert [(r.package, r.op, r.mode) for r in parsed] == [(op.package, op.op, op.mode) for op in phone.state.appops]
    for record, op in zip(parsed, phone.state.appops, strict=True):
        pkg = phone.state.package(op.package)
        assert record.uid == (f"u0a{pkg.uid - 10000}" if pkg.uid >= 10000 else str(pkg.uid))
        if op.accesses:
            newest = max(access.at for access in op.accesses)
            assert android_time.local_epoch(record.last_access, phone.tz) == pytest.approx(newest, abs=0.001)
        else:
            assert record.last_access == ""


def test_batterystats_reports_each_change_in_its_day(phone):
    parsed = batterystats.parse(phone.section("batterystats"))
    changes = {(c.package, c.update, c.version_code if c.update else None): c.at for c in phone.state.package_changes}
    dumped_at = phone.state.acquisition_started
    for change in parsed:
        at = changes[(change.package, change.action == "Update", change.version_code)]
        start = android_time.local_epoch(change.day_from, phone.tz)
        end = android_time.local_epoch(change.day_to, phone.tz) if change.day_to else dumped_at + 3600
        assert start <= at < end, change
    reported = {(c.package, c.action == "Update", c.version_code) for c in parsed}
    recent = {key for key, at in changes.items() if dumped_at - 9 * DAY <= at <= dumped_at}
    assert recent <= reported and recent


def test_device_policy(phone):
    admins, owners = device_policy.parse(phone.section("device_policy"))
    assert [(a.package, a.cls) for a in admins] == [(c.package, c.cls) for c, _uid in phone.state.device_admins]
    assert owners == []
    for admin in admins:
        family = phone.state.package(admin.package).family
        assert admin.policies == (MONITORING_POLICIES if family else ORDINARY_POLICIES)
        assert admin.line == phone.marks[(admin.package, "device_admin")]


def test_notification_listeners(phone):
    listeners = notification.parse(phone.section("notification"))
    assert [(x.package, x.cls) for x in listeners] == [(c.package, c.cls) for c in phone.state.notification_listeners]
    for listener in listeners:
        assert listener.line == phone.marks[(listener.package, "notification_listener")]


def test_getprop(phone):
    rendered = getprop_render.render(phone.state)
    parsed = getprop.parse(rendered.text())
    assert {key: value for key, (value, _line) in parsed.items()} == dict(phone.state.properties)
    assert all(line == rendered.marks[("device", key)] for key, (_value, line) in parsed.items())


@pytest.mark.parametrize("namespace", ["system", "secure", "global"])
def test_settings(phone, namespace):
    rendered = settings_render.render(phone.state, namespace)
    parsed = settings.parse(rendered.text())
    assert {key: value for key, (value, _line) in parsed.items()} == dict(phone.state.settings[namespace])
    for (package, key), line in rendered.marks.items():
        assert package == "settings" and parsed[key][1] == line
    if namespace == "secure":
        value = parsed.get("enabled_accessibility_services", ("", 0))[0]
        assert settings.components(value) == [(c.package, c.cls) for c in phone.state.accessibility_enabled]


def test_processes(phone):
    rendered = processes_render.render_ps(phone.state)
    parsed = processes.parse_ps(rendered.text())
    assert [(p.user, p.pid, p.ppid, p.name) for p in parsed] == \
        [(p.user, p.pid, p.ppid, p.name) for p in phone.state.processes]
    for record in parsed:
        assert record.line == rendered.marks[(record.name, "process")]


def test_json_lists(phone):
    state = phone.state
    assert [s for s, _line in json_lists.parse_strings(json_lists_render.render_mounts(state))] == list(state.mounts)
    assert json_lists.parse_strings(json_lists_render.render_root_binaries(state)) == []
    rendered = json_lists_render.render_files(state)
    parsed = json_lists.parse_files(rendered.text())
    assert [(f.path, f.size, f.modified, f.sha256) for f in parsed] == \
        [(f.path, f.size, float(f.modified_time), f.sha256) for f in state.files]
    for entry in parsed:
        assert entry.line == rendered.marks[("file", entry.path)]


def test_bugreport_carries_the_same_dumpsys(phone):
    with zipfile.ZipFile(io.BytesIO(bugreport_render.render(phone.state))) as archive:
        main = archive.read("main_entry.txt").decode()
        dumpstate = archive.read(main).decode()
        assert archive.read("version.txt") == b"2.0\n"
        tombstones = [n for n in archive.namelist() if n.startswith("FS/data/tombstones/")]
    assert len(tombstones) == len(phone.state.tombstones)
    expected = dumpsys.split_sections(phone.dumpsys_text, "dumpsys.txt")
    found = dumpsys.split_sections(dumpstate, main)
    assert list(found) == list(expected)
    for name, (section,) in expected.items():
        # the last service runs on into dumpstate's own "------ 12.104s was the duration of 'DUMPSYS'" line
        assert found[name][0].lines[:len(section.lines)] == section.lines
    properties = dumpstate.split("------ SYSTEM PROPERTIES (getprop) ------\n", 1)[1].split("\n------ ", 1)[0]
    assert {k: v for k, (v, _line) in getprop.parse(properties).items()} == dict(phone.state.properties)
    stamp = dumpstate.splitlines()[1].removeprefix("== dumpstate: ")
    assert datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
