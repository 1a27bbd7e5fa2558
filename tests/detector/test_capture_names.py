"""Every name a capture shows reaches the report's observations (issue 10): DNS over TCP and with several
questions, mDNS/LLMNR names, QUIC Initials spread over datagrams (v1 and v2, any port), ClientHellos over
several segments and records, names sent to the LAN, HTTP CONNECT tunnels and kept-alive connections, the
link types of BSD/macOS captures, DHCP hostnames, and the direction of connections open before the capture.

Captures are built by hand here (framing in capture_builders, QUIC protection below), independently of the
detector's parsers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import struct

import pytest
from capture_builders import (
    LINK_WRAP,
    client_hello,
    dns_query,
    ipv4,
    pcap,
    pcapng_block,
    pcapng_interface,
    pcapng_packet,
    pcapng_section,
    server_flight,
    tcp,
    udp,
)
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from stalkerlab.simulator.network.render import dhcp, dns, http, quic, tls

PHONE, SERVER, PROXY = bytes([192, 168, 1, 23]), bytes([203, 0, 113, 9]), bytes([192, 168, 1, 1])


def detect(run_cli, tmp_path, packets: list[bytes], link: str = "raw", raw_file: bytes | None = None) -> dict:
    path = tmp_path / "capture.pcap"
    path.write_bytes(raw_file if raw_file is not None else pcap([LINK_WRAP[link](p) for p in packets], link))
    code, _out, err = run_cli("detect", "--pcap", path, "--out", tmp_path / "report", "--no-pdf")
    assert code == 0, err
    return json.loads((tmp_path / "report" / "report.json").read_text())


def names(report: dict, kind: str) -> list[str]:
    return sorted(o.get("name") or o.get("ip") for o in report["observations"][kind])


def segments(client: list[bytes], server: list[bytes] = (), dst: bytes = SERVER, dport: int = 443,
             seqs: list[int] | None = None) -> list[bytes]:
    """A TCP connection from its SYN: the client's segments (at `seqs` when given), then the server's."""
    packets = [ipv4(6, tcp(40001, dport, b"", 999, 0x02), PHONE, dst),
               ipv4(6, tcp(dport, 40001, b"", 4999, 0x12), dst, PHONE)]
    seq = 1000
    for i, piece in enumerate(client):
        packets.append(ipv4(6, tcp(40001, dport, piece, seqs[i] if seqs else seq), PHONE, dst))
        seq += len(piece)
    seq = 5000
    for piece in server:
        packets.append(ipv4(6, tcp(dport, 40001, piece, seq), dst, PHONE))
        seq += len(piece)
    return packets


# --- DNS --------------------------------------------------------------------------------------------------

def dns_message(flags: int, questions: list[str], answers: list[tuple[int, str]] = ()) -> bytes:
    """Questions by name; answers (index of the question they answer, IPv4 address) as pointers to it."""
    body, offsets = b"", []
    for name in questions:
        offsets.append(12 + len(body))
        body += dns.dns_name(name) + struct.pack("!HH", 1, 1)
    for index, address in answers:
        body += struct.pack("!HHHIH", 0xC000 | offsets[index], 1, 1, 300, 4) + bytes(map(int, address.split(".")))
    return struct.pack("!HHHHHH", 7, flags, len(questions), len(answers), 0, 0) + body


def test_dns_over_tcp_several_messages_to_a_segment_and_one_over_two(run_cli, tmp_path):
    first, second = dns_query("one.example.org", 1), dns_query("two.example.org", 2)
    answer = dns_message(0x8180, ["three.example.org"])
    framed = struct.pack("!H", len(answer)) + answer
    packets = segments([struct.pack("!H", len(first)) + first + struct.pack("!H", len(second)) + second],
                       [framed[:7], framed[7:]], dport=53)
    assert names(detect(run_cli, tmp_path, packets), "dns") == ["one.example.org", "three.example.org",
                                                               "two.example.org"]


def test_every_question_is_a_name_and_answers_are_read_after_all_of_them(run_cli, tmp_path):
    query = dns_message(0x0100, ["first.example.org", "second.example.org"])
    answer = dns_message(0x8180, ["first.example.org", "second.example.org"], [(1, "198.51.100.7")])
    packets = [ipv4(17, udp(53001, 53, query), PHONE, PROXY), ipv4(17, udp(53, 53001, answer), PROXY, PHONE),
               ipv4(6, tcp(40002, 8080, b"", 1, 0x02), PHONE, bytes([198, 51, 100, 7]))]
    report = detect(run_cli, tmp_path, packets)
    assert names(report, "dns") == ["first.example.org", "second.example.org"]
    # the answer resolved the address: the connection is not one to "an address never looked up"
    assert not [f for f in report["findings"] if f["rule_id"] == "net.flow.unresolved_ip"]


def test_mdns_and_llmnr_names_are_kept_apart(run_cli, tmp_path):
    announcement = struct.pack("!HHHHHH", 0, 0x8400, 0, 1, 0, 0) + dns.dns_name(
        "_adb-tls-connect._tcp.local") + struct.pack("!HHIH", 12, 1, 120, 2) + b"\xc0\x0c"
    llmnr = dns_message(0x0000, ["user-pc"])
    packets = [ipv4(17, udp(5353, 5353, announcement), PHONE, bytes([224, 0, 0, 251])),
               ipv4(17, udp(5353, 5353, dns.mdns_query("_googlecast._tcp.local")), PHONE,
                    bytes([224, 0, 0, 251])),
               ipv4(17, udp(50123, 5355, llmnr), PHONE, bytes([224, 0, 0, 252]))]
    report = detect(run_cli, tmp_path, packets)
    assert names(report, "local_names") == ["_adb-tls-connect._tcp.local", "_googlecast._tcp.local", "user-pc"]
    assert names(report, "dns") == [] and report["coverage"]["capture"]["dns_queries"] == 0


def test_a_dns_message_cut_by_the_snapshot_length_keeps_its_whole_questions(run_cli, tmp_path):
    answer = dns_message(0x8180, ["kept.example.org", "cut.example.org"], [(0, "198.51.100.7")])
    cut = ipv4(17, udp(53, 53001, answer), PROXY, PHONE)[:20 + 8 + 12 + 22 + 8]   # inside the second name
    assert names(detect(run_cli, tmp_path, [cut]), "dns") == ["kept.example.org"]


def test_a_lone_dns_response_to_port_500_is_not_a_vpn(run_cli, tmp_path):
    answer = dns_message(0x8180, ["late.example.org"], [(0, "198.51.100.7")])
    report = detect(run_cli, tmp_path, [ipv4(17, udp(53, 500, answer), bytes([198, 51, 100, 53]), PHONE)])
    assert report["coverage"]["capture"]["vpn_endpoint"] is None
    assert "vpn" not in {r["code"] for r in report["verdict_reasons"]}
    assert names(report, "dns") == ["late.example.org"]


# --- TLS and HTTP -----------------------------------------------------------------------------------------

def test_a_client_hello_over_several_segments_out_of_order_and_retransmitted(run_cli, tmp_path):
    hello = client_hello("split.stalker.example")
    pieces = [hello[:40], hello[40:100], hello[100:]]
    seqs = [1000, 1100, 1040]
    report = detect(run_cli, tmp_path, segments([pieces[0], hello[100:], pieces[1], pieces[1]], [server_flight()],
                                                seqs=seqs + [1040]))
    assert names(report, "sni") == ["split.stalker.example"]
    assert report["observations"]["sni"][0]["first_frame"] == 5        # the segment that completes it


def test_a_client_hello_over_several_records(run_cli, tmp_path):
    handshake = client_hello("records.stalker.example")[5:]
    records = b"".join(tls.record(tls.HANDSHAKE, handshake[i:i + 50]) for i in range(0, len(handshake), 50))
    assert names(detect(run_cli, tmp_path, segments([records])), "sni") == ["records.stalker.example"]


def test_names_sent_to_the_lan_are_observed_but_not_as_internet_addresses(run_cli, tmp_path):
    packets = (segments([client_hello("behind.proxy.example")], dst=PROXY)
               + [ipv4(6, tcp(40005, 80, http.http_request_head("GET", "router.lan", "/", (), 0), 1, 0x18),
                       PHONE, bytes([127, 0, 0, 1]))])
    report = detect(run_cli, tmp_path, packets)
    assert names(report, "sni") == ["behind.proxy.example"]
    assert names(report, "http_hosts") == ["router.lan"]
    assert names(report, "ips") == []


def test_a_connect_tunnel_and_a_kept_alive_connection(run_cli, tmp_path):
    connect = b"CONNECT weberblog.net:443 HTTP/1.1\r\nHost: weberblog.net:443\r\n\r\n"
    first = http.http_request_head("POST", "upload.stalker.example", "/a", (), 5) + b"hello"
    second = http.http_request_head("GET", "cdn.stalker.example:8080", "/b", (), 0)
    packets = (segments([connect, client_hello("weberblog.net")], [b"HTTP/1.1 200 Connection established\r\n\r\n"],
                        dst=PROXY, dport=3128)
               + [ipv4(6, tcp(40009, 80, first + second, 1, 0x18), PHONE, SERVER)])
    report = detect(run_cli, tmp_path, packets)
    assert names(report, "sni") == ["weberblog.net"]
    assert names(report, "http_hosts") == ["cdn.stalker.example", "upload.stalker.example", "weberblog.net"]


# --- QUIC -------------------------------------------------------------------------------------------------

QUIC_VERSIONS = {1: (0x00000001, "38762cf7f55934b34d179ae6a4c80cadccbb7f0a", "quic", 0),
                 2: (0x6B3343CF, "0dede3def700a6db819381be6e269dcbf9bd2ed9", "quicv2", 1)}


def quic_client_initial(version: int, dcid: bytes, pn: int, frames: bytes) -> bytes:
    """A client Initial of QUIC v1 or v2 (RFC 9001 / 9369), padded to 1200 bytes, protected as a client does."""
    number, salt, label, kind = QUIC_VERSIONS[version]
    secret = quic.hkdf_expand_label(hmac.new(bytes.fromhex(salt), dcid, hashlib.sha256).digest(), "client in", 32)
    key, iv, hp = (quic.hkdf_expand_label(secret, f"{label} {what}", n) for what, n in (("key", 16), ("iv", 12),
                                                                                          ("hp", 16)))
    head = struct.pack("!BI", 0xC0 | kind << 4 | 1, number) + bytes([len(dcid)]) + dcid + b"\x00" + b"\x00"
    payload = frames + bytes(max(0, 1200 - len(head) - 2 - 2 - len(frames) - 16))
    header = head + struct.pack("!HH", 0x4000 | (2 + len(payload) + 16), pn)
    sealed = AESGCM(key).encrypt((int.from_bytes(iv, "big") ^ pn).to_bytes(12, "big"), payload, header)
    encryptor = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
    mask = encryptor.update(sealed[2:18]) + encryptor.finalize()
    protected = bytes([header[0] ^ mask[0] & 0x0F]) + header[1:-2] + bytes(
        b ^ m for b, m in zip(header[-2:], mask[1:3], strict=True))
    return protected + sealed


@pytest.mark.parametrize("version", [1, 2])
def test_a_quic_client_hello_over_two_datagrams_with_ping_between_shuffled_crypto_frames(run_cli, tmp_path,
                                                                                         version):
    hello = tls.client_hello_body("video.example", ("h3",), "okhttp", True, random.Random(5),
                                  quic.transport_parameters(b"\x01" * 8))       # with its handshake header
    cut = [0, 90, 180, len(hello)]
    frames = [quic.crypto_frame(hello[a:b], a) for a, b in zip(cut, cut[1:], strict=False)]
    dcid = bytes(range(8))
    first = quic_client_initial(version, dcid, 0, frames[2] + b"\x01" + frames[0])     # PING between them
    second = quic_client_initial(version, dcid, 1, b"\x01\x01" + frames[1])
    packets = [ipv4(17, udp(51000, 8443, d), PHONE, SERVER) for d in (first, second)]
    assert names(detect(run_cli, tmp_path, packets), "sni") == ["video.example"]


# --- link types and DHCP ----------------------------------------------------------------------------------

def query_packet(name: str) -> bytes:
    return ipv4(17, udp(53001, 53, dns_query(name)), PHONE, PROXY)


@pytest.mark.parametrize(("linktype", "header"), [
    (0, struct.pack("<I", 2)), (0, struct.pack(">I", 2)), (108, struct.pack(">I", 2)),
    (258, struct.pack("<II", 108, 1) + bytes(100) + LINK_WRAP["ethernet"](b"")[:14])])
def test_bsd_loopback_and_pktap_captures_are_read(run_cli, tmp_path, linktype, header):
    frame = header + query_packet("loopback.example.org")
    raw = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype) + struct.pack(
        "<IIII", 1_773_300_000, 0, len(frame), len(frame)) + frame
    assert names(detect(run_cli, tmp_path, [], raw_file=raw), "dns") == ["loopback.example.org"]


def test_a_wifi_monitor_capture_is_refused_naming_its_link_type(run_cli, tmp_path):
    path = tmp_path / "monitor.pcap"
    path.write_bytes(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 127) + struct.pack("<IIII", 1, 0, 4, 4)
                     + b"\x00" * 4)
    code, _out, err = run_cli("detect", "--pcap", path, "--out", tmp_path / "report", "--no-pdf")
    assert code == 2
    assert err.strip().count("\n") == 0 and "link type 127" in err and "radiotap" in err


def test_frames_on_an_unsupported_pcapng_interface_are_skipped_and_the_rest_read(run_cli, tmp_path):
    wifi = pcapng_block(1, struct.pack("<HHI", 105, 0, 65535))
    raw = (pcapng_section() + pcapng_interface("ethernet") + wifi
           + pcapng_packet(b"\x00" * 24, 1_773_300_000_000_000, interface=1)
           + pcapng_packet(LINK_WRAP["ethernet"](query_packet("wired.example.org")), 1_773_300_001_000_000))
    report = detect(run_cli, tmp_path, [], raw_file=raw)
    assert names(report, "dns") == ["wired.example.org"]
    assert report["coverage"]["capture"]["frames_unsupported_link"] == 1


def test_dhcp_hostname_padding_is_stripped(run_cli, tmp_path):
    request = dhcp.dhcp(1, 3, 9, b"\x02\x00\x00\x00\x00\x01", "0.0.0.0", "0.0.0.0", "nas1", None, None,
                            0, 24, None)
    padded = request.replace(b"\x0c\x04nas1", b"\x0c\x05nas1\x00")
    report = detect(run_cli, tmp_path, [ipv4(17, udp(68, 67, padded), bytes(4), bytes([255] * 4))])
    assert [p["hostname"] for p in report["coverage"]["capture"]["phones"]] == ["nas1"]


# --- direction --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("first", ["server", "client"])
def test_a_connection_open_before_the_capture_is_turned_the_right_way(run_cli, tmp_path, first):
    """No handshake captured, and the server's packet may come first: the port and the address scope say
    who the server is, so the flagged address is still the server's."""
    server_bytes = ipv4(6, tcp(443, 41234, b"\x17\x03\x03\x00\x10" + bytes(16), 5000, 0x18), SERVER, PHONE)
    client_bytes = ipv4(6, tcp(41234, 443, b"\x17\x03\x03\x00\x20" + bytes(32), 1000, 0x18), PHONE, SERVER)
    packets = [server_bytes, client_bytes] if first == "server" else [client_bytes, server_bytes]
    report = detect(run_cli, tmp_path, packets)
    assert names(report, "ips") == ["203.0.113.9"]
