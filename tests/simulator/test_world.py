"""The world files: every scenario and family loads, covers what the catalogue promises, and bad files
give one-line errors that name the file and the key."""

from __future__ import annotations

import ipaddress
import re
import textwrap

import pytest
from stalkerlab.simulator.instance import instantiate
from stalkerlab.simulator.network import build_traffic
from stalkerlab.simulator.world.catalogue import DOCUMENTATION_NETS, Catalogue

from stalkerlab.common.errors import UserError

CATALOGUE = Catalogue()
RESERVED = re.compile(r"(\.example|\.test|(^|\.)example\.(com|net|org))$")
SHARED_CLOUDS = ("firebaseio.com", "appspot.com")


def test_catalogue_has_the_promised_scenarios():
    ids = CATALOGUE.scenario_ids()
    assert len(ids) >= 14
    for required in ("benign-busy-phone", "stalkerware-https-sni", "stalkerware-tls12-self-signed",
                     "stalkerware-http-port", "stalkerware-raw-ip", "stalkerware-mqtt", "stalkerware-push",
                     "stalkerware-cloud-c2", "unknown-family", "watchware-parental", "vendor-website-visit",
                     "tracker-sdk", "private-dns-doh", "vpn-tunnel", "short-idle-capture",
                     "stalkerware-removed-last-week"):
        assert required in ids


@pytest.mark.parametrize("sid", CATALOGUE.scenario_ids())
def test_expected_verdict_follows_the_world_rules(sid):
    s = CATALOGUE.scenario(sid)
    stalker = [u for u in s.families if u.family.type == "stalkerware" and u.presence != "website-only"]
    hidden = s.private_dns or s.doh or s.vpn or (s.usage == "idle" and s.duration_s < 120)
    if stalker and all(u.family.in_training_feed for u in stalker):
        expected = "stalkerware"
    elif stalker:
        expected = "stalkerware-suspected"
    elif any(u.family.type == "watchware" for u in s.families):
        expected = "watchware"
    elif hidden:
        expected = "inconclusive"
    else:
        expected = "no-indicators"
    assert s.expected_verdict == expected
    assert len(s.explanation) > 40


def test_families_cover_the_required_behaviours():
    fams = CATALOGUE.families.values()
    assert len(CATALOGUE.families) >= 8
    transports = {f.behaviour.transport for f in fams}
    assert {"https-sni", "tls12-self-signed", "http-port", "raw-ip", "mqtt", "push"} <= transports
    assert any(d.endswith(SHARED_CLOUDS) for f in fams for d in f.c2_domains)
    assert any(f.type == "stalkerware" and not f.in_training_feed for f in fams)
    assert any(f.type == "watchware" for f in fams)
    assert any(f.type == "tracker-sdk" for f in fams)
    assert any(f.websites for f in fams if f.type == "stalkerware")


@pytest.mark.parametrize("fid", sorted(CATALOGUE.families))
def test_family_names_are_unregistrable_or_clearly_fictional(fid):
    f = CATALOGUE.families[fid]
    names = list(f.c2_domains) + list(f.websites) + list(f.distribution) + [e.name for e in f.endpoints if e.name]
    for name in names:
        if name.endswith(SHARED_CLOUDS):
            assert "fictional" in name.split(".")[0], name
        else:
            assert RESERVED.search(name), f"{name} is not an RFC 2606 / 6761 name"
    for ip in f.c2_ips:
        assert any(ipaddress.ip_address(ip) in net for net in DOCUMENTATION_NETS)


def write(tmp_path, text):
    path = tmp_path / "bad.yml"
    path.write_text(textwrap.dedent(text))
    return path


GOOD = """
    id: mine
    title: My scenario
    duration: 10m
    clock_start: 2026-05-01T10:00:00Z
    apps: [gms, chrome]
    families: [mirrorspy]
    actions: [{at: 2m, do: photo}]
    expected_verdict: stalkerware
    explanation: Because the family is known and installed on the phone.
"""


def test_a_scenario_file_by_path_loads(tmp_path):
    s = CATALOGUE.scenario(str(write(tmp_path, GOOD)))
    assert s.duration_s == 600 and s.families[0].family.name == "MirrorSpy"


@pytest.mark.parametrize("change, message", [
    (("duration: 10m", "duration: ten minutes"), "duration: 'ten minutes' is not a duration"),
    (("apps: [gms, chrome]", "apps: [gms, tiktokk]"), "apps: unknown app 'tiktokk'"),
    (("families: [mirrorspy]", "families: [mirrorspyy]"), "families[0].id: unknown family 'mirrorspyy'"),
    (("do: photo", "do: selfie"), "actions[0].do: 'selfie' is not one of"),
    (("expected_verdict: stalkerware", "expected_verdict: clean"), "expected_verdict: 'clean' is not one of"),
    (("title: My scenario", "titel: My scenario"), "title: is required"),
    (("clock_start: 2026-05-01T10:00:00Z", "clock_start: yesterday"), "clock_start: 'yesterday' is not an ISO"),
    (("id: mine", "id: mine\n    colour: blue"), "colour: is not a known key here"),
    (("apps: [gms, chrome]", "apps: [gms, chrome"), "invalid YAML at line"),
])
def test_bad_scenario_files_give_one_line_errors(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(UserError) as err:
        CATALOGUE.scenario(str(path))
    text = str(err.value)
    assert str(path) in text and message in text and "\n" not in text


def test_plans_are_deterministic_and_seeds_differ():
    s = CATALOGUE.scenario("stalkerware-https-sni")
    a1, f1 = build_traffic(instantiate(s, 3))
    a2, f2 = build_traffic(instantiate(s, 3))
    b, fb = build_traffic(instantiate(s, 4))
    assert a1 == a2 and f1 == f2
    assert a1.lan.phone_ip != b.lan.phone_ip or a1.lan.phone_mac != b.lan.phone_mac
    assert a1.start != b.start


def test_variants_change_with_the_seed():
    s = CATALOGUE.scenario("stalkerware-https-sni")
    packages = {instantiate(s, seed).families[0].package for seed in range(12)}
    assert len(packages) == 2


@pytest.mark.slow
def test_c2_contacts_are_in_the_family_indicators():
    for sid in CATALOGUE.scenario_ids():
        s = CATALOGUE.scenario(sid)
        _, facts = build_traffic(instantiate(s, 11))
        known_domains = {d for u in s.families for d in u.family.c2_domains}
        known_ips = {ip for u in s.families for ip in u.family.c2_ips}
        assert set(facts.c2_domains) <= known_domains
        if any(u.family.behaviour.transport == "raw-ip" for u in s.families):
            assert set(facts.c2_ips) <= known_ips and facts.c2_ips


def test_scenarios_command_lists_ids_one_per_line(run_cli):
    code, out, _ = run_cli("scenarios")
    assert code == 0 and out.split() == CATALOGUE.scenario_ids()


def test_unknown_scenario_id_is_a_one_line_error(run_cli, tmp_path):
    code, out, err = run_cli("simulate", "no-such-scenario", "--out", tmp_path / "x")
    assert code == 2 and "unknown scenario id 'no-such-scenario'" in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("fid", sorted(f.id for f in CATALOGUE.families.values() if f.signer))
def test_listed_certificates_are_the_real_signer_certificates(fid):
    from stalkerlab.simulator.device import certificate_sha1

    family = CATALOGUE.families[fid]
    assert family.certificates == (certificate_sha1(family.signer),)


@pytest.mark.slow
def test_indicator_addresses_are_never_given_to_other_servers():
    from stalkerlab.simulator.network.plan import DnsLookup, TcpSession, UdpSession

    indicator_ips = {ip for f in CATALOGUE.families.values() for ip in f.c2_ips}
    for sid in ("watchware-parental", "benign-busy-phone", "unknown-family"):
        for seed in range(40):
            plan, _ = build_traffic(instantiate(CATALOGUE.scenario(sid), seed, 600))
            for s in plan.sessions:
                if isinstance(s, DnsLookup):
                    assert not indicator_ips & set(s.answers), (sid, seed, s.name)
                elif isinstance(s, TcpSession | UdpSession):
                    assert s.dst_ip not in indicator_ips, (sid, seed, s.dst_ip)
