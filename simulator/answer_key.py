"""truth.json (the answer key) and stimuli.json (the person's actions, as guided mode records them)."""

from __future__ import annotations

from stalkerlab.simulator.instance import FamilyInstance, ScenarioInstance
from stalkerlab.simulator.network.build.facts import TrafficFacts
from stalkerlab.simulator.network.plan import CaptureIndex, CapturePlan

from stalkerlab.common.utc_time import iso

TRUTH_SCHEMA = "stalkerlab-truth/1"
STIMULI_SCHEMA = "stalkerlab-stimuli/1"



def primary_family(inst: ScenarioInstance) -> FamilyInstance | None:
    """The family the verdict is about: stalkerware first, then watchware, then anything else."""
    order = {"stalkerware": 0, "watchware": 1, "tracker-sdk": 2, "vendor-site": 3}
    families = sorted(inst.families, key=lambda f: order.get(f.family.type, 9))
    return families[0] if families else None


def _family_entry(fi: FamilyInstance) -> dict:
    f = fi.family
    return {
        "id": f.id,
        "name": f.name,
        "type": f.type,
        "presence": fi.presence,
        "in_training_feed": f.in_training_feed,
        "package": fi.package or None,
        "label": fi.variant.label or (f.footprint.label if f.footprint else None),
        "transport": f.behaviour.transport,
        "installed_at": iso(fi.installed_at) if fi.presence != "website-only" and fi.package else None,
        "removed_at": iso(fi.removed_at),
        "c2_variant": {"domains": list(fi.variant.c2_domains), "ips": list(fi.variant.c2_ips)},
    }


def build_truth(inst: ScenarioInstance, plan: CapturePlan, facts: TrafficFacts, index: CaptureIndex,
                device_index: dict, capture_name: str) -> dict:
    scenario = inst.scenario
    main = primary_family(inst)
    reportable = main is not None and main.family.type in ("stalkerware", "watchware") \
        and main.presence != "website-only"
    uploads = []
    for upload in facts.uploads:
        uploads.append({
            "action_index": upload["action_index"],
            "action": upload["action"],
            "time": iso(upload["time"]),
            "bytes": upload["bytes"],
            "packet": index.key_packets.get(upload["tag"]),
        })
    key_packets = {tag: index.key_packets[tag] for tag in sorted(index.key_packets)}
    return {
        "schema": TRUTH_SCHEMA,
        "scenario": scenario.id,
        "title": scenario.title,
        "seed": inst.seed,
        "expected_verdict": scenario.expected_verdict,
        "explanation": scenario.explanation,
        "family": main.family.name if reportable else None,
        "family_id": main.family.id if reportable else None,
        "package": (main.package or None) if reportable else None,
        "families": [_family_entry(fi) for fi in inst.families],
        "c2": {"domains": facts.c2_domains, "ips": facts.c2_ips},
        "first_c2_time": iso(facts.first_c2_time),
        "beacon_period_s": facts.beacon_period_s,
        "actions": [{"index": i, "time": iso(inst.start + a.at_s), "offset_s": a.at_s, "action": a.kind,
                     "note": a.note} for i, a in enumerate(inst.actions)],
        "uploads": uploads,
        "key_packets": key_packets,
        "key_packet_notes": {tag: facts.tags.get(tag, "") for tag in key_packets},
        "key_artefacts": device_index,
        "capture": {
            "file": capture_name,
            "packets": index.packets,
            "bytes": index.bytes,
            "start": iso(inst.start),
            "end": iso(inst.end),
            "first_packet_time": iso(index.first_ts),
            "last_packet_time": iso(index.last_ts),
        },
        "phone": {
            "owner": inst.persona.full_name,
            "model": f"{inst.persona.manufacturer} {inst.persona.model}",
            "android": inst.persona.android_version,
            "hostname": plan.lan.phone_hostname,
            "mac": plan.lan.phone_mac,
            "ipv4": plan.lan.phone_ip,
            "ipv6": plan.lan.phone_ipv6,
        },
        "network": {"ssid": plan.lan.ssid, "gateway": plan.lan.gateway_ip, "kind": scenario.network.kind,
                    "private_dns": scenario.private_dns, "doh": scenario.doh, "vpn": scenario.vpn},
        "synthetic": True,
    }


def build_stimuli(inst: ScenarioInstance) -> dict:
    return {
        "schema": STIMULI_SCHEMA,
        "capture_start": iso(inst.start),
        "capture_end": iso(inst.end),
        "actions": [{"time": iso(inst.start + a.at_s), "action": a.kind, "note": a.note} for a in inst.actions],
    }
