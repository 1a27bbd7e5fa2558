"""What runs on the phone when it is acquired (`ps -A`): init and the kernel threads, the native daemons,
zygote and system_server, the apps (families always; others by chance), and `ps` itself. Also the mount
table and the native crashes the phone keeps (device/data/processes.yml)."""

from __future__ import annotations

from stalkerlab.simulator.device.build.draft import DAY, Draft
from stalkerlab.simulator.device.state import InstalledPackage, Process
from stalkerlab.simulator.device.build.system_packages import SYSTEM_UID_USERS
from stalkerlab.simulator.tables import table

_TABLE = table("device", "processes")
ALWAYS_RUNNING = frozenset(_TABLE["always_running"])


def running_processes(draft: Draft, packages: list[InstalledPackage]) -> tuple[Process, ...]:
    rng = draft.rng
    procs = [Process("root", 1, 0, rng.randint(10_000_000, 13_000_000), rng.randint(9000, 14000),
                     "do_epoll_wait", "S", "init", "u:r:init:s0"),
             Process("root", 2, 0, 0, 0, "kthreadd", "S", "[kthreadd]", "u:r:kernel:s0")]
    pid = 3
    for name in _TABLE["kernel_threads"]:
        worker = "kworker" in name
        procs.append(Process("root", pid, 2, 0, 0, "worker_thread" if worker else "smpboot_thread_fn",
                             "I" if worker else "S", f"[{name}]", "u:r:kernel:s0"))
        pid += rng.randint(1, 3)
    pid = rng.randint(280, 420)
    for name, user, label in _TABLE["native_daemons"]:
        procs.append(Process(user, pid, 1, rng.randint(11_000_000, 15_000_000), rng.randint(3000, 30000),
                             "do_epoll_wait", "S", name, label))
        pid += rng.randint(2, 40)
    zygote = pid
    procs.append(Process("root", zygote, 1, rng.randint(15_000_000, 17_000_000), rng.randint(90000, 130000),
                         "do_sys_poll", "S", "zygote64", "u:r:zygote:s0"))
    pid += rng.randint(300, 900)
    procs.append(Process("system", pid, zygote, rng.randint(20_000_000, 26_000_000),
                         rng.randint(300000, 420000), "do_epoll_wait", "S", "system_server", "u:r:system_server:s0"))
    for pkg in sorted(packages, key=lambda pkg: (pkg.system is False, pkg.first_install, pkg.name)):
        # the draws happen only when the earlier conditions do not decide: keep this order
        running = pkg.name in ALWAYS_RUNNING or pkg.family is not None or \
            (not pkg.system and rng.random() < 0.6) or (pkg.system and rng.random() < 0.15)
        if not running or pkg.name == "android":
            continue
        pid += rng.randint(20, 400)
        user = SYSTEM_UID_USERS.get(pkg.uid, f"u0_a{pkg.uid - 10000}")
        label = "u:r:system_app:s0" if pkg.uid < 10000 else ("u:r:priv_app:s0" if pkg.system else "u:r:untrusted_app:s0")
        procs.append(Process(user, pid, zygote, rng.randint(15_000_000, 22_000_000), rng.randint(60000, 260000),
                             "do_epoll_wait", "S", pkg.name, label))
        if pkg.name == "com.google.android.gms":
            pid += rng.randint(5, 60)
            procs.append(Process(user, pid, zygote, rng.randint(15_000_000, 22_000_000), rng.randint(60000, 260000),
                                 "do_epoll_wait", "S", "com.google.android.gms.persistent", label))
    pid += rng.randint(500, 3000)
    procs.append(Process("shell", pid, zygote - 1 if zygote > 2 else 1, rng.randint(10_000_000, 11_000_000),
                         rng.randint(3000, 4000), "0", "R", "ps", "u:r:shell:s0"))
    return tuple(procs)


def mount_table() -> tuple[str, ...]:
    return tuple(_TABLE["mounts"])


def native_crashes(draft: Draft) -> tuple[tuple[float, str, int, str], ...]:
    """(time, process, uid, binary) of the tombstones the phone keeps: one ordinary codec crash before the
    last boot (phones keep a few, and MVT expects a bug report to carry some)."""
    return ((round(draft.boot_time - draft.rng.uniform(1, 9) * DAY, 3), "media.swcodec", 1046, "media.swcodec"),)
