"""bugreport.zip, as AndroidQF saves it when the analyst accepts the bug report step.

A real bug report is a zip holding `main_entry.txt` (the name of the dumpstate text), that dumpstate
text (header, then command sections "------ NAME (command) ------", then the full dumpsys), and
`version.txt`. MVT reads the dumpsys services (accessibility, appops, package, batterystats, settings)
of an AndroidQF acquisition only from here, so the phone's accessibility services reach MVT this way.
"""

from __future__ import annotations

import io
import zipfile

from stalkerlab.simulator.device.marked_text import Clock
from stalkerlab.simulator.device.render import dumpsys, getprop
from stalkerlab.simulator.device.state import DeviceState


def dumpstate_name(state: DeviceState) -> str:
    clock = Clock(state.timezone)
    when = clock.local(state.acquisition_started + 95).strftime("%Y-%m-%d-%H-%M-%S")
    return f"bugreport-{state.persona.device}-{state.persona.build_id}-{when}.txt"


def dumpstate_text(state: DeviceState) -> str:
    clock = Clock(state.timezone)
    p = state.persona
    begun = state.acquisition_started + 95
    uptime = int(begun - state.boot_time)
    days, rest = divmod(uptime, 86400)
    lines = [
        "========================================================",
        f"== dumpstate: {clock.stamp(begun)}",
        "========================================================",
        "",
        f"Build: {p.build_id}.{state.build_incremental}",
        f"Build fingerprint: '{state.build_fingerprint}'",
        f"Bootloader: {state.build_incremental}",
        "Radio: g5300g-230505-230622-B-10268473",
        "Network: (unknown)",
        "Module Metadata version: 341050000",
        "Kernel: Linux version 5.15.104-android13-8-00002-g1b9e1b9b1a3f (build-user@build-host) "
        "(Android (8508608, based on r450784e) clang version 14.0.7) #1 SMP PREEMPT",
        "Command line: console=ttynull stack_depot_disable=on cgroup_disable=pressure",
        f"Uptime: up {days} days, {rest // 3600}:{rest % 3600 // 60:02d},  load average: 6.71, 6.44, 6.31",
        "Bugreport format version: 2.0",
        "Dumpstate info: id=1 pid=23141 dry_run=0 parallel_run=1 args=-V 2.0 -Z extra_options=bugreportfull",
        "Build type: user",
        "",
        "------ SYSTEM PROPERTIES (getprop) ------",
    ]
    lines += getprop.lines(state)
    lines.append("------ 0.023s was the duration of 'SYSTEM PROPERTIES' ------")
    lines.append("------ PROCESSES AND THREADS (ps -A -T -Z -O pri,nice,rtprio,sched,pcy,time) ------")
    lines.append("LABEL                          USER           PID   TID  PPID        VSZ    RSS WCHAN            "
                 "ADDR S PRI  NI RTPRIO SCH PCY TIME CMD")
    for proc in state.processes:
        lines.append(f"{proc.label:<30} {proc.user:<12} {proc.pid:>5} {proc.pid:>5} {proc.ppid:>5} {proc.vsz:>10} "
                     f"{proc.rss:>6} {proc.wchan:<16} {0:>4} {proc.state} {19:>3} {0:>3} {0:>6} {0:>3} fg  "
                     f"00:00:01 {proc.name}")
    lines.append("------ 0.118s was the duration of 'PROCESSES AND THREADS' ------")
    lines.append("------ DUMPSYS (/system/bin/dumpsys) ------")
    return "\n".join(lines) + "\n" + dumpsys.render(state).text() + \
        "------ 12.104s was the duration of 'DUMPSYS' ------\n"


def tombstone_text(state: DeviceState, at: float, process: str, uid: int, binary: str) -> str:
    """A native crash as debuggerd writes it to /data/tombstones (an ordinary codec crash: phones keep
    a few of these, and MVT expects a bug report to carry some)."""
    clock = Clock(state.timezone)
    pid = 1000 + int(at) % 3000
    lines = [
        "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***",
        f"Build fingerprint: '{state.build_fingerprint}'",
        "Revision: '0'",
        "ABI: 'arm64'",
        f"Timestamp: {clock.local(at).strftime('%Y-%m-%d %H:%M:%S%z')}",
        f"Process uptime: {int(at) % 5000 + 60}s",
        f"Cmdline: {binary}",
        f"pid: {pid}, tid: {pid + 1917}, name: c2.android.avc.  >>> {process} <<<",
        f"uid: {uid}",
        "signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0000000000000010",
        "Cause: null pointer dereference",
        "    x0  0000000000000000  x1  0000007b5c2f1e40  x2  0000000000000001  x3  0000000000000000",
        "    sp  0000007b5c2f1d90  lr  0000007b8e54a1b4  pc  0000007b8e54a1c8",
        "",
        "backtrace:",
        "      #00 pc 000000000004a1c8  /apex/com.android.media.swcodec/lib64/libcodec2_soft_avcdec.so "
        "(BuildId: 6f1c3e2a9b0d4e5f8a7b6c5d4e3f2a1b)",
        "      #01 pc 0000000000031f0c  /apex/com.android.media.swcodec/lib64/libcodec2_soft_common.so "
        "(android::SimpleC2Component::processQueue()+1240) (BuildId: 0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d)",
        "      #02 pc 00000000000e82fc  /apex/com.android.runtime/lib64/bionic/libc.so "
        "(__pthread_start(void*)+208) (BuildId: 2f7c8b3a1e4d5c6b7a8f9e0d1c2b3a4f)",
        "",
    ]
    return "\n".join(lines)


def render(state: DeviceState) -> bytes:
    """The zip bytes, reproducible: fixed member order, times from the scenario clock."""
    clock = Clock(state.timezone)
    when = clock.local(state.acquisition_started + 140).timetuple()[:6]
    name = dumpstate_name(state)
    members = [("version.txt", "2.0\n", when), ("main_entry.txt", name, when),
               (name, dumpstate_text(state), when)]
    for n, (at, process, uid, binary) in enumerate(state.tombstones):
        members.append((f"FS/data/tombstones/tombstone_{n:02d}", tombstone_text(state, at, process, uid, binary),
                        clock.local(at).timetuple()[:6]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, text, date_time in members:
            info = zipfile.ZipInfo(member, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode())
    return buffer.getvalue()
