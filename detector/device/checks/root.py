"""Root: su / Magisk binaries (root_binaries.json), su or magiskd processes, root-manager packages.

A rooted phone lets an app read other apps' data (messages, browsing) directly. One `device.root` record
with every trace found (rule dev_root.yml)."""

from __future__ import annotations

import re

from stalkerlab.detector.device.acquisition import ArtefactError
from stalkerlab.detector.device.checks.check import CheckOutput, DeviceCheck
from stalkerlab.detector.device.context import DeviceContext, NotCollected

STREAM = "device.root"

ROOT_PACKAGES = frozenset({"com.topjohnwu.magisk", "eu.chainfire.supersu", "com.koushikdutta.superuser",
                           "com.noshufou.android.su", "me.weishu.kernelsu", "com.kingroot.kinguser",
                           "com.kingo.root", "com.zhiqupk.root.global", "com.smedialink.oneclickroot",
                           "com.alephzain.framaroot", "com.yellowes.su", "com.devadvance.rootcloak",
                           "de.robv.android.xposed.installer", "org.lsposed.manager"})
ROOT_PROCESSES = ("su", "magiskd", "daemonsu", "ksud")
# Magisk / KernelSU overlay mounts, or the system partition remounted writable
ROOT_MOUNT = re.compile(r"magisk|\bksu\b|kernelsu| on /(?:system)? type \S+ \(rw[,)]")


def run(ctx: DeviceContext) -> CheckOutput:
    evidence, what, collected, problem = [], [], False, None
    try:
        name, binaries = ctx.json_strings("root_binaries.json")
        collected = True
        for path, line in binaries:
            evidence.append(ctx.evidence(name, line, text=path))
            what.append(f"binary {path}")
    except NotCollected:
        pass
    except ArtefactError as exc:
        problem = exc
    try:
        name, procs = ctx.processes
        collected = True
        for p in procs:
            if p.name.rsplit("/", 1)[-1] in ROOT_PROCESSES:
                evidence.append(ctx.evidence(name, p.line))
                what.append(f"process {p.name} (pid {p.pid})")
    except NotCollected:
        pass
    except ArtefactError as exc:
        problem = problem or exc
    try:
        name, mounts = ctx.json_strings("mounts.json")
        collected = True
        for mount, line in mounts:
            if ROOT_MOUNT.search(mount):
                evidence.append(ctx.evidence(name, line, text=mount))
                what.append(f"mount {mount.split(' type ', 1)[0]}")
    except NotCollected:
        pass
    except ArtefactError as exc:
        problem = problem or exc
    for pkg in sorted(ROOT_PACKAGES & set(ctx.inventory)):
        collected = True
        app = ctx.inventory[pkg]
        if app.entry_ref:
            evidence.append(app.entry_ref)
        what.append(f"root package {pkg}")
    if not collected:
        if problem:
            raise problem
        raise NotCollected("no root_binaries.json, process list or package list")
    out = CheckOutput(detail=f"{len(what)} root traces", problem=str(problem or ""))
    out.add(STREAM, {"traces": what, "summary": "; ".join(what), "_evidence": evidence})
    return out


CHECK = DeviceCheck("root", ("root_binaries.json", "processes.txt / ps.txt", "mounts.json", "packages.json"), run,
                    description="su / Magisk binaries, processes or packages.")
