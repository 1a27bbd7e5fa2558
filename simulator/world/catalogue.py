"""Loading the world: families, benign app profiles and scenarios from their YAML folders.

A scenario names apps and families by id; loading resolves those ids, so a typo in a scenario is reported
with the scenario's file and key, not later as a missing packet.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from stalkerlab.simulator.world.model import (
    ACTIONS,
    ENDPOINT_ROLES,
    ENDPOINT_TRANSPORTS,
    FAMILY_TYPES,
    SMALLEST_LAN_PREFIX,
    TRANSPORTS,
    Action,
    AppProfile,
    Beacon,
    Behaviour,
    Endpoint,
    Family,
    FamilyUse,
    Footprint,
    NetworkSetup,
    Scenario,
    Signer,
    Variant,
)
from stalkerlab.simulator.world.schema import Reader, load_yaml_mapping

from stalkerlab.common.errors import UserError
from stalkerlab.common.verdicts import VERDICTS

WORLD_DIR = Path(__file__).resolve().parent


def _endpoint(r: Reader) -> Endpoint:
    name = r.str("name")
    ip = r.str("ip")
    if not name and not ip:
        raise r.fail(None, "an endpoint needs a name or an ip")
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise r.fail("ip", f"{ip!r} is not an IP address") from None
    endpoint = Endpoint(
        name=name,
        ip=ip,
        transport=r.str("transport", "tls13", choices=ENDPOINT_TRANSPORTS),
        port=r.int("port", 443, minimum=1),
        role=r.str("role", "foreground", choices=ENDPOINT_ROLES),
        period_s=r.range("period_s"),
        up_bytes=r.range("up_bytes", (300.0, 2000.0)),
        down_bytes=r.range("down_bytes", (2000.0, 30000.0)),
        rate_kbps=r.range("rate_kbps"),
        ipv6=r.bool("ipv6", False),
        alpn=r.str_list("alpn"),
        path=r.str("path", "/"),
    )
    r.reject_unknown()
    return endpoint


def parse_family(data: dict, source: Path | str) -> Family:
    r = Reader(data, source)
    fid = r.str("id", required=True)
    ftype = r.str("type", required=True, choices=FAMILY_TYPES)
    c2 = r.mapping("c2")
    c2_domains = c2.str_list("domains")
    c2_ips = c2.str_list("ips")
    c2.reject_unknown()
    for ip in c2_ips:
        _require_documentation_ip(r, "c2.ips", ip)

    b = r.mapping("behaviour")
    beacon = None
    if b.has("beacon"):
        br = b.mapping("beacon")
        beacon = Beacon(
            period_s=br.number("period_s", required=True, minimum=1),
            jitter=br.number("jitter", 0.1, minimum=0, maximum=0.9),
            up_bytes=br.range("up_bytes", (200.0, 800.0)),
            down_bytes=br.range("down_bytes", (100.0, 400.0)),
        )
        br.reject_unknown()
    uploads_r = b.mapping("uploads")
    uploads = {}
    for action in list(uploads_r.data):
        if action not in ACTIONS:
            raise uploads_r.fail(action, f"is not a user action ({', '.join(ACTIONS)})")
        uploads[action] = uploads_r.range(action)
    behaviour = Behaviour(
        transport=b.str("transport", "none", choices=TRANSPORTS),
        port=b.int("port", 443, minimum=1),
        beacon=beacon,
        uploads=uploads,
        upload_delay_s=b.range("upload_delay_s", (3.0, 30.0)),
        http_path=b.str("http_path", "/api/v1/sync"),
        user_agent=b.str("user_agent", "okhttp/4.9.3"),
        alpn=b.str_list("alpn"),
    )
    b.reject_unknown()

    footprint = None
    if r.has("footprint"):
        f = r.mapping("footprint")
        footprint = Footprint(
            label=f.str("label", required=True),
            installer=f.str("installer", "null"),
            version_name=f.str("version_name", "1.0"),
            accessibility_service=f.str("accessibility_service"),
            device_admin=f.str("device_admin"),
            notification_listener=f.str("notification_listener"),
            hidden_icon=f.bool("hidden_icon"),
            usage_access=f.bool("usage_access"),
            boot_receiver=f.bool("boot_receiver"),
            play_protect_off=f.bool("play_protect_off"),
            unknown_sources_to=f.str("unknown_sources_to"),
            permissions=full_permission_names(f.str_list("permissions")),
            system_like_name=f.bool("system_like_name"),
        )
        f.reject_unknown()

    packages = r.str_list("packages")
    variants = []
    for v in r.mappings("variants"):
        variant = Variant(
            package=v.str("package", required=True),
            c2_domains=v.str_list("c2_domains"),
            c2_ips=v.str_list("c2_ips"),
            label=v.str("label"),
        )
        v.reject_unknown()
        # Every variant must be covered by the family's own indicator lists, or the training feed
        # would miss some learners' variants.
        if variant.package not in packages:
            raise v.fail("package", f"{variant.package!r} is not listed in the family's packages")
        for d in variant.c2_domains:
            if d not in c2_domains:
                raise v.fail("c2_domains", f"{d!r} is not listed in the family's c2.domains")
        for ip in variant.c2_ips:
            if ip not in c2_ips:
                raise v.fail("c2_ips", f"{ip!r} is not listed in the family's c2.ips")
        variants.append(variant)
    if not variants and packages:
        variants.append(Variant(packages[0], c2_domains, c2_ips, None))
    signer = None
    if r.has("signer"):
        s = r.mapping("signer")
        signer = Signer(subject=s.str("subject", required=True), key_seed=s.str("key_seed", required=True))
        s.reject_unknown()
    family = Family(
        id=fid,
        name=r.str("name", required=True),
        names=r.str_list("names"),
        type=ftype,
        in_training_feed=r.bool("in_training_feed", True),
        packages=packages,
        certificates=tuple(c.upper() for c in r.str_list("certificates")),
        websites=r.str_list("websites"),
        distribution=r.str_list("distribution"),
        c2_domains=c2_domains,
        c2_ips=c2_ips,
        behaviour=behaviour,
        footprint=footprint,
        variants=tuple(variants),
        signer=signer,
        description=r.str("description", ""),
        modelled_on=r.str("modelled_on", ""),
        source=str(source),
        endpoints=tuple(_endpoint(e) for e in r.mappings("endpoints")),
    )
    r.reject_unknown()
    if family.behaviour.transport not in ("none",) and not family.variants:
        raise r.fail("variants", "a family that talks to a server needs packages or variants")
    return family


def full_permission_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """World files may say READ_SMS; Android says android.permission.READ_SMS."""
    return tuple(n if "." in n else f"android.permission.{n}" for n in names)


def _require_documentation_ip(r: Reader, key: str, ip: str) -> None:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        raise r.fail(key, f"{ip!r} is not an IP address") from None
    if not any(addr in net for net in DOCUMENTATION_NETS):
        raise r.fail(key, f"{ip} is not in a documentation or benchmark range (synthetic data only)")


DOCUMENTATION_NETS = tuple(
    ipaddress.ip_network(n)
    for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "198.18.0.0/15", "2001:db8::/32")
)


def parse_app(data: dict, source: Path | str) -> AppProfile:
    r = Reader(data, source)
    app = AppProfile(
        id=r.str("id", required=True),
        label=r.str("label", required=True),
        package=r.str("package", required=True),
        installer=r.str("installer", "com.android.vending"),
        system=r.bool("system"),
        version_name=r.str("version_name", "1.0.0"),
        category=r.str("category", "other"),
        permissions=full_permission_names(r.str_list("permissions")),
        accessibility_service=r.str("accessibility_service"),
        notification_listener=r.str("notification_listener"),
        device_admin=r.str("device_admin"),
        endpoints=tuple(_endpoint(e) for e in r.mappings("endpoints")),
        source=str(source),
    )
    r.reject_unknown()
    return app


@dataclass
class Catalogue:
    """The world files under one folder (the built-in world by default)."""

    root: Path = WORLD_DIR

    @cached_property
    def families(self) -> dict[str, Family]:
        return self._load_folder("families", parse_family)

    @cached_property
    def apps(self) -> dict[str, AppProfile]:
        return self._load_folder("apps", parse_app)

    def _load_folder(self, name: str, parse) -> dict:
        items = {}
        for path in sorted((self.root / name).glob("*.yml")):
            item = parse(load_yaml_mapping(path), path)
            if item.id != path.stem:
                raise UserError(f"{path}: id {item.id!r} must match the file name {path.stem!r}")
            items[item.id] = item
        return items

    def scenario_ids(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "scenarios").glob("*.yml"))

    def scenario(self, ref: str) -> Scenario:
        """A catalogue id, or the path of a scenario YAML file."""
        path = Path(ref)
        if ref.endswith((".yml", ".yaml")) or path.is_file():
            if not path.is_file():
                raise UserError(f"{ref}: no such scenario file")
            return self.parse_scenario(load_yaml_mapping(path), path)
        candidate = self.root / "scenarios" / f"{ref}.yml"
        if not candidate.is_file():
            raise UserError(f"unknown scenario id {ref!r} (run `stalkerlab scenarios` to list them)")
        return self.parse_scenario(load_yaml_mapping(candidate), candidate)

    def parse_scenario(self, data: dict, source: Path | str) -> Scenario:
        r = Reader(data, source)
        sid = r.str("id", required=True)
        net = r.mapping("network")
        network = NetworkSetup(
            kind=net.str("kind", "shelter-wifi", choices=("shelter-wifi", "home-wifi", "hotspot")),
            ssid=net.str("ssid"),
            subnet=net.str("subnet", "192.168.40.0/24"),
            ipv6=net.bool("ipv6", True),
        )
        try:
            lan = ipaddress.ip_network(network.subnet)
        except ValueError:
            raise net.fail("subnet", f"{network.subnet!r} is not a network like 192.168.40.0/24") from None
        if lan.version != 4:
            raise net.fail("subnet", f"{lan} is IPv6: give the Wi-Fi's private IPv4 network (a phone always gets "
                                     "one) and add ipv6: true for IPv6 as well")
        if not lan.is_private:
            raise net.fail("subnet", f"{lan} is not a private network (use one like 192.168.40.0/24)")
        if lan.prefixlen > SMALLEST_LAN_PREFIX:
            raise net.fail("subnet", f"{lan} has no room for the access point, the phone and a broadcast address: "
                                     "use a /30 or larger (an iPhone hotspot is 172.20.10.0/28)")
        net.reject_unknown()

        apps = []
        for app_id in r.str_list("apps"):
            if app_id not in self.apps:
                raise r.fail("apps", f"unknown app {app_id!r} (known: {', '.join(sorted(self.apps))})")
            apps.append(self.apps[app_id])
        uses = []
        for i, entry in enumerate(r.raw("families", []) or []):
            fr = Reader(entry if isinstance(entry, dict) else {"id": entry}, source, f"families[{i}]")
            fam_id = fr.str("id", required=True)
            if fam_id not in self.families:
                raise fr.fail("id", f"unknown family {fam_id!r} (known: {', '.join(sorted(self.families))})")
            presence = fr.str("presence", "installed", choices=("installed", "removed", "website-only"))
            removed = fr.duration_s("removed_ago") if presence == "removed" else None
            if presence == "removed" and removed is None:
                raise fr.fail("removed_ago", "is required when presence is removed (e.g. 6d)")
            fr.reject_unknown()
            uses.append(FamilyUse(self.families[fam_id], removed_days_ago=(removed / 86400) if removed else None,
                                  presence=presence))
        duration = r.duration_s("duration", required=True)
        if duration < 30 or duration > 24 * 3600:
            raise r.fail("duration", "must be between 30s and 24h")
        actions = []
        for a in r.mappings("actions"):
            at = a.duration_s("at", required=True)
            kind = a.str("do", required=True, choices=ACTIONS)
            actions.append(Action(at_s=at, kind=kind, note=a.str("note", "")))
            a.reject_unknown()
        device = r.mapping("device")
        scenario = Scenario(
            id=sid,
            title=r.str("title", required=True),
            summary=r.str("summary", ""),
            duration_s=duration,
            clock_start=r.datetime_utc("clock_start", required=True),
            clock_jitter_s=r.duration_s("clock_jitter", 3 * 86400.0),
            locale=r.str("locale", "en_GB"),
            android_version=device.int("android", None, minimum=8),
            accessibility_syntax=device.str("accessibility_syntax", "v14", choices=("v14", "legacy")),
            network=network,
            apps=tuple(apps),
            usage=r.str("usage", "normal", choices=("busy", "normal", "light", "idle")),
            families=tuple(uses),
            private_dns=r.bool("private_dns"),
            doh=r.bool("doh"),
            vpn=r.bool("vpn"),
            actions=tuple(sorted(actions, key=lambda x: x.at_s)),
            expected_verdict=r.str("expected_verdict", required=True, choices=VERDICTS),
            explanation=r.str("explanation", required=True),
            source=str(source),
            tags=r.str_list("tags"),
        )
        device.reject_unknown()
        r.reject_unknown()
        return scenario
