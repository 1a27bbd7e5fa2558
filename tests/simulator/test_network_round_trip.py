"""Round trips of the network wing: each protocol message the simulator renders (simulator/network/render/<x>.py)
is read back by the detector's parser of the same name (detector/capture/protocols/<x>.py), and what the parser
finds is what the simulator meant to send. NTP has no parser in the detector: it carries nothing to judge."""

from __future__ import annotations

import ipaddress
import random
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stalkerlab.detector.capture.protocols import (
    describe_certificate,
    parse_dhcp,
    parse_dns,
    parse_http_request,
    parse_quic_initial,
    parse_tls_certificates,
    parse_tls_client_hello,
    parse_tls_server_hello,
)
from stalkerlab.simulator.network.plan import CertSpec
from stalkerlab.simulator.network.render import dhcp, dns, http, quic, tls
from stalkerlab.simulator.network.render.certificates import chain_der

LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20).filter(
    lambda s: not s.startswith("-") and not s.endswith("-"))
NAME = st.lists(LABEL, min_size=2, max_size=5).map(".".join)
IPV4 = st.integers(0, 2**32 - 1).map(lambda n: ".".join(str(n >> s & 255) for s in (24, 16, 8, 0)))
IPV6 = st.integers(0, 2**96 - 1).map(lambda n: str(ipaddress.IPv6Address(DOCUMENTATION_V6 + n)))
DOCUMENTATION_V6 = int(ipaddress.IPv6Address("2001:db8::"))
MAC = st.binary(min_size=6, max_size=6)


def mac_text(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


@settings(max_examples=150, deadline=None)
@given(txid=st.integers(0, 0xFFFF), name=NAME, qtype=st.sampled_from(["A", "AAAA", "HTTPS"]))
def test_dns_query(txid, name, qtype):
    message = parse_dns(dns.dns_query(txid, name, qtype))
    assert (message.id, message.response, message.name, message.qtype, message.answers) == (txid, False, name,
                                                                                            qtype, ())


@settings(max_examples=80, deadline=None)
@given(txid=st.integers(0, 0xFFFF), name=NAME, v4=st.lists(IPV4, max_size=4), v6=st.lists(IPV6, max_size=3),
       ttl=st.integers(0, 2**31 - 1), cname=st.none() | NAME)
def test_dns_response_with_answers(txid, name, v4, v6, ttl, cname):
    answers = tuple(v4 + v6)
    message = parse_dns(dns.dns_response(txid, name, "A", answers, ttl, 0, cname))
    assert (message.id, message.response, message.rcode, message.name) == (txid, True, 0, name)
    expected = [("CNAME", cname, ttl)] if cname and answers else []
    expected += [("AAAA" if ":" in a else "A", a, ttl) for a in answers]
    assert [(a.rtype, a.value, a.ttl) for a in message.answers] == expected


@pytest.mark.parametrize("rcode", [0, 2, 3])
def test_dns_response_without_answers(rcode):
    """NXDOMAIN, SERVFAIL and NODATA carry no answer (the zone's SOA goes in the authority section)."""
    message = parse_dns(dns.dns_response(7, "gone.example", "A", ("192.0.2.9",) if rcode else (), 60, rcode, None))
    assert (message.response, message.rcode, message.name, message.answers) == (True, rcode, "gone.example", ())


def test_mdns_query():
    message = parse_dns(dns.mdns_query("_googlecast._tcp.local"))
    assert (message.response, message.name, message.qtype) == (False, "_googlecast._tcp.local", "PTR")


@settings(max_examples=100, deadline=None)
@given(xid=st.integers(0, 2**32 - 1), mac=MAC, hostname=st.none() | LABEL, address=IPV4, gateway=IPV4,
       version=st.integers(8, 16))
def test_dhcp_exchange(xid, mac, hostname, address, gateway, version):
    common = dict(client_mac=mac, lease_s=86400, subnet_prefix=24, vendor_class=f"android-dhcp-{version}")
    discover = parse_dhcp(dhcp.dhcp(1, 1, xid, yiaddr="0.0.0.0", siaddr="0.0.0.0", hostname=hostname,
                                    server_id=None, requested=None, router=None, **common))
    assert discover == type(discover)("DISCOVER", mac_text(mac), hostname, f"android-dhcp-{version}", None)
    request = parse_dhcp(dhcp.dhcp(1, 3, xid, yiaddr="0.0.0.0", siaddr="0.0.0.0", hostname=hostname,
                                   server_id=gateway, requested=address, router=None, elapsed=1, **common))
    assert (request.message, request.requested_ip, request.hostname) == ("REQUEST", address, hostname)
    ack = parse_dhcp(dhcp.dhcp(2, 5, xid, yiaddr=address, siaddr=gateway, hostname=None, server_id=gateway,
                               requested=None, router=gateway, **common))
    assert (ack.message, ack.client_mac, ack.hostname, ack.vendor_class) == ("ACK", mac_text(mac), None, None)


HEADER_TEXT = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30)


@settings(max_examples=100, deadline=None)
@given(method=st.sampled_from(["GET", "POST", "PUT", "HEAD"]), host=NAME, port=st.none() | st.integers(1, 65535),
       path=HEADER_TEXT.map(lambda s: "/" + s), agent=HEADER_TEXT, body=st.integers(0, 10**9))
def test_http_request_head(method, host, port, path, agent, body):
    host_header = f"{host}:{port}" if port else host
    head = http.http_request_head(method, host_header, path, (("User-Agent", agent), ("Connection", "close")), body)
    request = parse_http_request(head)
    announced = body if body or method in ("POST", "PUT") else 0
    assert (request.method, request.path, request.host, request.user_agent, request.body_size) == \
        (method, path, host_header, agent, announced)


@pytest.mark.parametrize("profile", sorted(tls.PROFILES) + ["unknown-stack"])
@pytest.mark.parametrize("tls13", [True, False])
@pytest.mark.parametrize("sni", ["c2.stalker.example", None])
def test_tls_client_hello(profile, tls13, sni):
    alpn = ("h2", "http/1.1")
    hello = parse_tls_client_hello(tls.client_hello_record(tls.client_hello_body(sni, alpn, profile, tls13,
                                                                                  random.Random(5))))
    client = tls.PROFILES.get(profile, tls.DEFAULT_PROFILE)
    ciphers = [c for c in client.ciphers if tls13 or c >> 8 != 0x13]
    assert (hello.sni, hello.alpn, hello.version, hello.quic) == (sni, alpn, "1.3" if tls13 else "1.2", False)
    version, offered, _extensions, groups, formats = hello.ja3.split(",")
    assert version == "771" and formats == "0"
    assert offered.split("-") == [str(c) for c in ciphers]
    assert groups.split("-") == [str(g) for g in client.groups]
    assert hello.ja4.startswith(f"t{'13' if tls13 else '12'}{'d' if sni else 'i'}{len(ciphers):02d}")


@pytest.mark.parametrize("tls13", [True, False])
def test_tls_server_hello(tls13):
    hello = parse_tls_server_hello(tls.record(tls.HANDSHAKE, tls.server_hello_body(tls13, random.Random(3))))
    assert (hello.version, hello.cipher) == (("1.3", 0x1301) if tls13 else ("1.2", 0xC02F))


@pytest.mark.parametrize("issuer", ["letsencrypt", "public-ca", "self-signed"])
def test_tls_certificates(issuer):
    issued = datetime(2026, 1, 20, 9, 30, tzinfo=UTC).timestamp()
    spec = CertSpec("c2.stalker.example", ("c2.stalker.example",), issuer, issued, issued + 90 * 86400,
                    "test:c2.stalker.example")
    chain = chain_der(spec)
    flight = tls.record(tls.HANDSHAKE, tls.server_hello_body(False, random.Random(8))
                        + tls.certificate_body(list(chain)) + tls.server_hello_done())
    assert parse_tls_certificates(flight) == list(chain)
    leaf = describe_certificate(chain[0])
    assert (leaf.subject_cn, leaf.sans, leaf.self_signed) == ("c2.stalker.example", ("c2.stalker.example",),
                                                              issuer == "self-signed")
    assert (leaf.not_before, leaf.not_after) == (datetime.fromtimestamp(spec.not_before, UTC).isoformat(),
                                                 datetime.fromtimestamp(spec.not_after, UTC).isoformat())
    if issuer != "self-signed":
        assert len(chain) == 2 and leaf.issuer == describe_certificate(chain[1]).subject


@settings(max_examples=40, deadline=None)
@given(sni=NAME, alpn=st.lists(st.sampled_from(["h3", "h3-29", "doq"]), min_size=1, max_size=2, unique=True),
       dcid=st.binary(min_size=8, max_size=20), scid=st.binary(min_size=0, max_size=20), seed=st.integers(0, 99))
def test_quic_initial(sni, alpn, dcid, scid, seed):
    hello = tls.client_hello_body(sni, tuple(alpn), "chrome", True, random.Random(seed),
                                  quic.transport_parameters(scid))
    datagram = quic.initial_packet(dcid, "client", dcid, scid, 0, quic.crypto_frame(hello), pad_to=1200)
    parsed = parse_quic_initial(datagram)
    assert (parsed.sni, parsed.alpn, parsed.version, parsed.quic) == (sni, tuple(alpn), "1.3", True)
    assert parsed.ja4.startswith("q13d03")
