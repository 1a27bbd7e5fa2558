"""Scenario instance -> DeviceState: which packages are on the phone, since when, with which accesses.

All choices come from the `random.Random` passed in, drawn by the steps below in a fixed order, and all
times from the scenario clock (`instance.start`, `instance.end`, `FamilyInstance.installed_at` /
`removed_at`), so the same instance and seed always give the same phone. Each step is one concept in a
module of its own; the tables they read are data (device/data/*.yml).
"""

from __future__ import annotations

import random

from stalkerlab.simulator.device.build.access import (
    accessibility_services,
    device_admins,
    notification_listeners,
    record_appops,
)
from stalkerlab.simulator.device.build.acquisition import acquisition_times, acquisition_uuid, adb_host_key
from stalkerlab.simulator.device.build.draft import DAY, Draft
from stalkerlab.simulator.device.build.installation import install_family
from stalkerlab.simulator.device.build.packages import assign_uids, image_and_apps, play_updates
from stalkerlab.simulator.device.build.processes import mount_table, native_crashes, running_processes
from stalkerlab.simulator.device.build.properties import build_fingerprint, build_incremental, system_properties
from stalkerlab.simulator.device.build.settings import phone_settings
from stalkerlab.simulator.device.state import DeviceState
from stalkerlab.simulator.instance import FamilyInstance, ScenarioInstance

DEVICE_FAMILY_TYPES = ("stalkerware", "watchware", "tracker-sdk")


def family_on_device(fi: FamilyInstance) -> bool:
    """Families that leave a trace on the phone (installed now or once)."""
    return (fi.family.type in DEVICE_FAMILY_TYPES and fi.family.footprint is not None
            and bool(fi.variant.package) and fi.presence != "website-only")


def build_device_state(instance: ScenarioInstance, rng: random.Random) -> DeviceState:
    draft = Draft(instance, rng)
    families = [fi for fi in instance.families if family_on_device(fi)]
    earliest = min([fi.installed_at for fi in families] + [instance.start - 30 * DAY])
    draft.setup_time = float(int(earliest - rng.uniform(60, 420) * DAY))
    draft.boot_time = float(int(instance.start - rng.uniform(0.3, 5.0) * DAY))
    started, completed = acquisition_times(draft)
    acq_uuid = acquisition_uuid(draft)
    incremental = build_incremental(draft)
    fingerprint = build_fingerprint(draft.persona, incremental)

    packages = image_and_apps(draft)
    for fi in families:
        install_family(draft, fi, packages)
    packages = assign_uids(draft, packages)
    record_appops(draft, packages, families)
    play_updates(draft, packages)
    a11y_installed, a11y_enabled = accessibility_services(draft, packages, families)
    listeners = notification_listeners(packages)
    play_protect_off = any(fi.family.footprint.play_protect_off for fi in families)
    settings = phone_settings(draft, a11y_enabled, listeners, play_protect_off)
    properties = system_properties(draft, fingerprint, incremental)
    processes = running_processes(draft, packages)
    return DeviceState(
        scenario_id=instance.scenario.id,
        seed=instance.seed,
        persona=draft.persona,
        timezone=draft.persona.timezone,
        accessibility_syntax=instance.scenario.accessibility_syntax or "v14",
        setup_time=draft.setup_time,
        boot_time=draft.boot_time,
        acquisition_uuid=acq_uuid,
        acquisition_started=started,
        acquisition_completed=completed,
        build_fingerprint=fingerprint,
        build_incremental=incremental,
        properties=properties,
        packages=tuple(sorted(packages, key=lambda pkg: pkg.name)),
        settings=settings,
        accessibility_installed=tuple(a11y_installed),
        accessibility_enabled=tuple(a11y_enabled),
        notification_listeners=tuple(listeners),
        device_admins=tuple(device_admins(packages)),
        appops=tuple(sorted(draft.appops, key=lambda op: (op.uid, op.package, op.op))),
        package_changes=tuple(sorted(draft.changes, key=lambda c: (c.at, c.package))),
        processes=processes,
        mounts=mount_table(),
        root_binaries=(),
        files=tuple(sorted(draft.files, key=lambda f: f.path)),
        story=tuple(sorted(draft.story, key=lambda e: (e.at, e.package, e.event))),
        family_packages=tuple((fi.family.id, fi.variant.package, fi.presence) for fi in families),
        stale_accessibility=tuple(draft.stale),
        adb_host_key=adb_host_key(acq_uuid),
        tombstones=native_crashes(draft),
    )
