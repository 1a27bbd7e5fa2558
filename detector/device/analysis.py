"""`analyse_device(path, indicators=None) -> DeviceAnalysis`: every device check over one acquisition.

Each check runs in its own try: a missing artefact gives "not collected", a broken one "error" naming
the file; neither stops the other checks (MVT's run_module). Only a path that is not an acquisition at
all (missing, not a zip, no known file) raises UserError.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from stalkerlab.detector.device.acquisition import Acquisition, ArtefactError
from stalkerlab.detector.device.checks import DEVICE_CHECKS, DeviceCheck
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.findings import LEVELS, CheckStatus, Finding, TimelineRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InstalledPackage:
    """One entry of the package inventory, for correlation with network findings and for reports."""

    name: str
    system: bool
    installer: str               # as recorded ("null" when none)
    installer_kind: str          # store | third-party store | apk file | adb or unknown | other app
    originating: str = ""        # the app that handed over the APK (a browser), when recorded
    first_install: float | None = None
    apk_sha256: tuple[str, ...] = ()
    signer_sha1: tuple[str, ...] = ()
    ref: str = ""                # "packages.json:123"


@dataclass(frozen=True)
class DeviceAnalysis:
    source: str
    findings: tuple[Finding, ...]
    timeline: tuple[TimelineRow, ...]
    statuses: tuple[CheckStatus, ...]
    packages: tuple[InstalledPackage, ...]
    timezone: str | None          # the phone's zone, used to read dumpsys times; None = read as UTC
    acquired_at: float | None = None   # when the acquisition started (acquisition.json), epoch seconds

    def as_dict(self) -> dict:
        return asdict(self)

    def status(self, check: str) -> CheckStatus | None:
        return next((s for s in self.statuses if s.check == check), None)


def _ordered(checks: tuple[DeviceCheck, ...]) -> tuple[DeviceCheck, ...]:
    seen: set[str] = set()
    for c in checks:
        missing = [d for d in c.depends_on if d not in seen]
        if missing:
            raise ValueError(f"device check {c.slug} depends on {missing}, listed later or not at all")
        seen.add(c.slug)
    return checks


def analyse_device(path: str | Path, indicators: object | None = None,
                   checks: tuple[DeviceCheck, ...] = DEVICE_CHECKS) -> DeviceAnalysis:
    acq = Acquisition.open(path)
    ctx = DeviceContext(acq, indicators)
    timeline: list[TimelineRow] = []
    statuses: list[CheckStatus] = []
    for check in _ordered(checks):
        try:
            result = check.run(ctx)
        except NotCollected as exc:
            statuses.append(CheckStatus(check.slug, "not collected", str(exc)))
            continue
        except ArtefactError as exc:
            log.info("device check %s: %s", check.slug, exc)
            statuses.append(CheckStatus(check.slug, "error", str(exc)))
            continue
        except Exception as exc:   # a parser bug on odd input must not stop the other checks
            log.debug("device check %s failed", check.slug, exc_info=True)
            statuses.append(CheckStatus(check.slug, "error", f"{type(exc).__name__}: {exc}"))
            continue
        ctx.findings.extend(result.findings)
        timeline.extend(result.timeline)
        if result.problem:
            statuses.append(CheckStatus(check.slug, "error", f"{result.problem}; partial: {result.detail}"))
        else:
            statuses.append(CheckStatus(check.slug, "ok", result.detail))
    findings = sorted(ctx.findings, key=lambda f: (-LEVELS.index(f.level), f.rule_id, f.subject or ""))
    timeline.sort(key=lambda r: (r.time, r.what))
    return DeviceAnalysis(source=acq.label, findings=tuple(findings), timeline=tuple(timeline),
                          statuses=tuple(statuses), packages=_packages(ctx), timezone=ctx.timezone_name,
                          acquired_at=ctx.acquired_at)


def _packages(ctx: DeviceContext) -> tuple[InstalledPackage, ...]:
    out = []
    for app in sorted(ctx.inventory.values(), key=lambda a: a.name):
        files = app.record.files if app.record else ()
        out.append(InstalledPackage(
            name=app.name, system=app.system, installer=app.installer, installer_kind=app.installer_kind,
            originating=app.originating, first_install=app.first_install,
            apk_sha256=tuple(f.sha256 for f in files if f.sha256),
            signer_sha1=tuple(sorted({f.cert_sha1 for f in files if f.cert_sha1})),
            ref=app.entry_ref.ref if app.entry_ref else ""))
    return tuple(out)
