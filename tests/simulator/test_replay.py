"""Live replay between two network namespaces that the test creates: every frame arrives, unchanged,
with its timing scaled by --speed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

pytestmark = pytest.mark.slow

RECEIVER = textwrap.dedent("""
    import socket, sys, time
    iface, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((iface, 0))
    s.settimeout(0.2)
    open(out + ".ready", "w").close()
    frames = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            data, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] != socket.PACKET_OUTGOING:
            frames.append((time.monotonic(), data))
    with open(out, "w") as f:
        for t, d in frames:
            f.write(f"{t:.6f} {d.hex()}\\n")
""")


def _can_make_namespaces() -> str | None:
    if os.geteuid() != 0:
        return "needs root to create network namespaces"
    if shutil.which("ip") is None:
        return "iproute2 (ip) is not installed"
    probe = f"slabprobe{uuid.uuid4().hex[:6]}"
    r = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if r.returncode != 0:
        return f"cannot create a network namespace here: {r.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


@pytest.fixture
def namespaces():
    reason = _can_make_namespaces()
    if reason:
        pytest.skip(reason)
    tag = uuid.uuid4().hex[:6]
    a, b = f"slab-a-{tag}", f"slab-b-{tag}"
    cmds = [
        ["ip", "netns", "add", a], ["ip", "netns", "add", b],
        ["ip", "link", "add", f"va{tag}", "type", "veth", "peer", "name", f"vb{tag}"],
        ["ip", "link", "set", f"va{tag}", "netns", a], ["ip", "link", "set", f"vb{tag}", "netns", b],
    ]
    try:
        for cmd in cmds:
            subprocess.run(cmd, check=True, capture_output=True)
        for ns, dev in ((a, f"va{tag}"), (b, f"vb{tag}")):
            # no IPv6 autoconfiguration chatter on the test link
            subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-q", "-w",
                            f"net.ipv6.conf.{dev}.disable_ipv6=1"], capture_output=True)
            subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", dev, "up"], check=True)
        yield a, f"va{tag}", b, f"vb{tag}"
    finally:
        subprocess.run(["ip", "netns", "del", a], capture_output=True)
        subprocess.run(["ip", "netns", "del", b], capture_output=True)


def _capture(tmp_path, count=60, spacing=0.05):
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether
    from scapy.utils import wrpcap

    packets = []
    for i in range(count):
        p = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="192.168.40.23", dst="198.18.0.9") \
            / UDP(sport=40000, dport=5000 + i) / (bytes([i]) * 20)
        p.time = 1_700_000_000 + i * spacing
        packets.append(p)
    path = tmp_path / "c.pcap"
    wrpcap(str(path), packets)
    return path, [bytes(p) for p in packets]


def test_replay_delivers_every_frame_with_scaled_timing(namespaces, tmp_path):
    ns_a, dev_a, ns_b, dev_b = namespaces
    pcap, sent = _capture(tmp_path, count=60, spacing=0.05)    # 2.95 s of capture
    out = tmp_path / "received.txt"
    receiver = subprocess.Popen(["ip", "netns", "exec", ns_b, sys.executable, "-c", RECEIVER, dev_b, str(out), "6"])
    for _ in range(100):
        if (tmp_path / "received.txt.ready").exists():
            break
        time.sleep(0.05)
    r = subprocess.run(["ip", "netns", "exec", ns_a, sys.executable, "-m", "stalkerlab.cli", "replay", str(pcap),
                        "--iface", dev_a, "--speed", "2"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "sent 60 frames" in r.stdout
    receiver.wait(timeout=30)
    lines = [line.split() for line in out.read_text().splitlines()]
    got = [(float(t), bytes.fromhex(h)) for t, h in lines]
    frames = [d for _, d in got if d in set(sent)]
    assert frames == sent                      # all of them, unchanged, in order
    times = [t for t, d in got if d in set(sent)]
    # 2.95 s of capture at speed 2 takes about 1.5 s
    assert 1.2 < times[-1] - times[0] < 2.5


def test_replay_of_a_missing_interface_is_a_one_line_error(tmp_path, run_cli):
    if os.geteuid() != 0:
        pytest.skip("needs root for raw sockets")
    pcap, _ = _capture(tmp_path, count=2)
    code, _, err = run_cli("replay", pcap, "--iface", "nosuchif0")
    assert code == 2 and "nosuchif0" in err and err.count("\n") == 1
