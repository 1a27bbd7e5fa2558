"""`analyse_device(path, indicators=None) -> DeviceAnalysis`: every device check over one acquisition, and
the `dev.*` rules over the records each check writes.

Each check runs in its own try: a missing artefact gives "not collected", a broken one "error" naming
the file; neither stops the other checks (MVT's run_module). The rules run on a check's records as soon as
it has run, so a later check (the stalkerware profile) sees the findings of the earlier ones. Only a path
that is not an acquisition at all (missing, not a zip, no known file) raises UserError.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from stalkerlab.detector.device.acquisition import Acquisition, ArtefactError
from stalkerlab.detector.device.checks import DEVICE_CHECKS, DeviceCheck
from stalkerlab.detector.device.context import DeviceContext, NotCollected
from stalkerlab.detector.findings import LEVELS, CheckStatus, Finding, TimelineRow
from stalkerlab.detector.rules.engine import run_rules
from stalkerlab.detector.rules.schema import Rule, load_rules

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
    records: dict[str, list[dict]] = field(default_factory=dict, repr=False)   # what the rules read, by stream

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
                   checks: tuple[DeviceCheck, ...] = DEVICE_CHECKS, rules: list[Rule] | None = None) -> DeviceAnalysis:
    """`rules`: the loaded rule set (load_rules(), with an instructor's own); the `device.*` ones run here."""
    acq = Acquisition.open(path)
    ctx = DeviceContext(acq, indicators)
    device_rules = [r for r in (load_rules() if rules is None else rules) if r.stream.startswith("device.")]
    timeline: list[TimelineRow] = []
    statuses: list[CheckStatus] = []
    records: dict[str, list[dict]] = {}
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
        found, _ = run_rules(device_rules, result.records, by_level=False)
        ctx.findings.extend(found)
        for stream, items in result.records.items():
            records.setdefault(stream, []).extend(items)
        timeline.extend(result.timeline)
        if check.timeline_of is not None:
            timeline.extend(check.timeline_of(ctx, found))
        detail = result.detail.replace("{findings}", str(len(found)))
        if result.problem:
            statuses.append(CheckStatus(check.slug, "error", f"{result.problem}; partial: {detail}"))
        else:
            statuses.append(CheckStatus(check.slug, "ok", detail))
    findings = sorted(ctx.findings, key=lambda f: (-LEVELS.index(f.level), f.rule_id, f.subject or ""))
    timeline.sort(key=lambda r: (r.time, r.what))
    return DeviceAnalysis(source=acq.label, findings=tuple(findings), timeline=tuple(timeline),
                          statuses=tuple(statuses), packages=_packages(ctx), timezone=ctx.timezone_name,
                          acquired_at=ctx.acquired_at, records=records)


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
