"""The build and the system properties (getprop): what names the phone, its build, its SIM and its owner,
over the shared properties of device/data/properties.yml."""

from __future__ import annotations

from stalkerlab.simulator.device.build.draft import DAY, Draft
from stalkerlab.simulator.instance import Persona
from stalkerlab.simulator.tables import table

_TABLE = table("device", "properties")


def build_incremental(draft: Draft) -> str:
    """ro.build.version.incremental: Samsung's firmware code ("A546BXXU4BWL1") or a build number."""
    p, rng = draft.persona, draft.rng
    if p.manufacturer == "samsung":
        code = p.model_code.replace("SM-", "")
        return f"{code}XXU{rng.randint(1, 6)}{rng.choice('ABCDE')}{rng.choice('WXY')}" \
               f"{rng.choice('ABCDEFGHIJKL')}{rng.randint(1, 9)}"
    return str(rng.randint(10_000_000, 13_999_999))


def build_fingerprint(p: Persona, incremental: str) -> str:
    return f"{p.manufacturer}/{p.device}/{p.device}:{p.android_version}/{p.build_id}/{incremental}:user/release-keys"


def system_properties(draft: Draft, fingerprint: str, incremental: str) -> tuple[tuple[str, str], ...]:
    """Sorted (key, value) pairs."""
    p, rng = draft.persona, draft.rng
    brand = p.manufacturer.lower() if p.manufacturer != "Google" else "google"
    lang, _, country = p.locale.partition("_")
    built = int(draft.setup_time - rng.uniform(30, 200) * DAY)
    props = dict(_TABLE["common"])
    props.update({
        "gsm.sim.operator.alpha": _TABLE["carriers"].get(country, _TABLE["default_carrier"]),
        "gsm.sim.operator.iso-country": country.lower(),
        "net.hostname": p.hostname,
        "persist.sys.locale": f"{lang}-{country}",
        "persist.sys.timezone": p.timezone,
        "ro.boot.serialno": p.serial,
        "ro.build.date.utc": str(built),
        "ro.build.display.id": f"{p.build_id}.{incremental}",
        "ro.build.fingerprint": fingerprint,
        "ro.build.id": p.build_id,
        "ro.build.version.incremental": incremental,
        "ro.build.version.release": str(p.android_version),
        "ro.build.version.release_or_codename": str(p.android_version),
        "ro.build.version.sdk": str(p.sdk),
        "ro.build.version.security_patch": p.security_patch,
        "ro.product.brand": brand,
        "ro.product.device": p.device,
        "ro.product.locale": f"{lang}-{country}",
        "ro.product.manufacturer": p.manufacturer,
        "ro.product.model": p.model_code,
        "ro.product.name": p.device,
        "ro.product.vendor.brand": brand,
        "ro.product.vendor.device": p.device,
        "ro.product.vendor.manufacturer": p.manufacturer,
        "ro.product.vendor.model": p.model_code,
        "ro.product.vendor.name": p.device,
        "ro.serialno": p.serial,
    })
    props.update(_TABLE["by_manufacturer"].get(p.manufacturer, {}))
    if p.manufacturer == "samsung":
        props["ro.product.marketname"] = p.model
    return tuple(sorted(props.items()))
