"""Real-family mode: the same traffic and footprint, with a real Echap entry's indicators.

Instructors use it to check that the detector finds a family exactly as the public feed describes it.
The real names only ever go into generated files: nothing is looked up or contacted.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml
from stalkerlab.simulator.world.catalogue import Catalogue
from stalkerlab.simulator.world.model import Family, Variant

from stalkerlab.common.errors import UserError

# Behaviour templates: a family with C2 names talks HTTPS like MirrorSpy; one with only C2 addresses
# connects to them directly like GhostTrace.
TEMPLATE_WITH_DOMAINS = "mirrorspy"
TEMPLATE_WITH_IPS = "ghosttrace"


def _as_list(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def family_from_echap(feed: Path, name: str, catalogue: Catalogue) -> Family:
    try:
        entries = yaml.safe_load(feed.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"{feed}: cannot read the feed ({exc.strerror})") from None
    except (yaml.YAMLError, UnicodeDecodeError):
        raise UserError(f"{feed}: is not a YAML file") from None
    if not isinstance(entries, list):
        raise UserError(f"{feed}: expected Echap's ioc.yaml format (a list of apps)")
    wanted = name.casefold()
    entry = next((e for e in entries if isinstance(e, dict) and (
        str(e.get("name", "")).casefold() == wanted
        or wanted in (str(n).casefold() for n in _as_list(e.get("names"))))), None)
    if entry is None:
        raise UserError(f"{feed}: no app named {name!r} (names are matched without case, aliases included)")
    c2 = entry.get("c2") or {}
    domains = _as_list(c2.get("domains"))
    ips = _as_list(c2.get("ips") or c2.get("ip"))      # two Echap entries spell it `c2.ip`
    packages = _as_list(entry.get("packages"))
    if not packages:
        raise UserError(f"{feed}: {entry.get('name')} lists no packages, so there is no app to install")
    if not domains and not ips:
        raise UserError(f"{feed}: {entry.get('name')} lists no C2 domains or IPs to simulate")
    template = catalogue.families[TEMPLATE_WITH_DOMAINS if domains else TEMPLATE_WITH_IPS]
    variant = Variant(package=packages[0], c2_domains=domains[:2], c2_ips=ips[:1] if not domains else (),
                      label=str(entry.get("name")))
    return dataclasses.replace(
        template,
        id=f"echap:{entry.get('name')}",
        name=str(entry.get("name")),
        names=_as_list(entry.get("names")),
        type=str(entry.get("type", "stalkerware")),
        in_training_feed=False,
        packages=packages,
        certificates=tuple(c.upper() for c in _as_list(entry.get("certificates"))),
        websites=_as_list(entry.get("websites")),
        distribution=_as_list(entry.get("distribution")),
        c2_domains=domains,
        c2_ips=ips,
        variants=(variant,),
        signer=None,
        description=f"Built from the entry {entry.get('name')!r} of {feed.name}",
        modelled_on=f"{feed.name} (real indicators)",
        source=str(feed),
    )
