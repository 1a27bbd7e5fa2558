"""Issue 8, other: `stalkerlab replay` as root sent on any interface, a host's real one included. Now a real
interface of the host (here lo, the only one a test may send on) needs --yes-real-interface or the interface
name typed on a terminal; a veth, or any interface inside a network namespace, proceeds. Frames go only to
loopback or to namespaces the tests create."""

from __future__ import annotations

import os
import pty
import select
import shutil
import socket
import subprocess
import sys
import time
import uuid

import pytest

PAYLOAD = b"stalkerlab-replay-test-" + uuid.uuid4().hex.encode()


def _root_with_ip() -> str | None:
    if os.geteuid() != 0:
        return "needs root (raw sockets, network namespaces)"
    if shutil.which("ip") is None:
        return "iproute2 (ip) is not installed"
    return None


pytestmark = pytest.mark.skipif(_root_with_ip() is not None, reason=str(_root_with_ip()))


@pytest.fixture
def capture(tmp_path):
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether
    from scapy.utils import wrpcap

    packets = [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="192.0.2.1", dst="192.0.2.2")
               / UDP(sport=40000, dport=9) / PAYLOAD for _ in range(3)]
    path = tmp_path / "c.pcap"
    wrpcap(str(path), packets)
    return path


@pytest.fixture
def loopback_listener():
    """Every frame that passes lo while the test runs; returns how many carried the test's payload."""
    listener = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    listener.bind(("lo", 0))
    listener.setblocking(False)

    def seen() -> int:
        time.sleep(0.1)
        count = 0
        while True:
            try:
                frame = listener.recv(65535)
            except BlockingIOError:
                return count
            count += PAYLOAD in frame

    yield seen
    listener.close()


@pytest.fixture
def namespace():
    name = f"slab-f-{uuid.uuid4().hex[:6]}"
    subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True)
    try:
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


def replay(*args, prefix=(), stdin=subprocess.DEVNULL):
    return subprocess.run([*prefix, sys.executable, "-m", "stalkerlab.cli", "replay", *map(str, args), "--speed", "0"],
                          stdin=stdin, capture_output=True, text=True, timeout=60)


def test_a_real_interface_is_refused_without_confirmation(capture, loopback_listener):
    run = replay(capture, "--iface", "lo")
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "lo: is a real interface of this host" in run.stderr and "--yes-real-interface" in run.stderr
    assert loopback_listener() == 0                                # nothing was sent


def test_the_flag_sends_on_a_real_interface(capture, loopback_listener):
    run = replay(capture, "--iface", "lo", "--yes-real-interface")
    assert run.returncode == 0, run.stderr
    assert "sent 3 frames" in run.stdout and loopback_listener() >= 3


def test_a_veth_proceeds(capture, namespace):
    ours, peer = f"vf{uuid.uuid4().hex[:6]}", f"vp{uuid.uuid4().hex[:6]}"
    subprocess.run(["ip", "link", "add", ours, "type", "veth", "peer", "name", peer, "netns", namespace],
                   check=True, capture_output=True)
    try:
        subprocess.run(["ip", "link", "set", ours, "up"], check=True)
        run = replay(capture, "--iface", ours)                     # its peer is in the test's namespace
        assert run.returncode == 0, run.stderr
        assert "sent 3 frames" in run.stdout
    finally:
        subprocess.run(["ip", "link", "del", ours], capture_output=True)


def test_any_interface_inside_a_namespace_proceeds(capture, namespace):
    subprocess.run(["ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up"], check=True)
    run = replay(capture, "--iface", "lo", prefix=("ip", "netns", "exec", namespace))
    assert run.returncode == 0, run.stderr
    assert "sent 3 frames" in run.stdout


def _on_a_terminal(capture, answer: bytes) -> tuple[int, str]:
    controller, terminal = pty.openpty()
    run = subprocess.Popen([sys.executable, "-m", "stalkerlab.cli", "replay", str(capture), "--iface", "lo",
                            "--speed", "0"], stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen = b""
    try:
        while b"Type the interface name" not in seen:
            ready, _, _ = select.select([controller], [], [], 30)
            assert ready, f"no question asked: {seen!r}"
            seen += os.read(controller, 4096)
        os.write(controller, answer)
        code = run.wait(timeout=30)
        while select.select([controller], [], [], 0.2)[0]:
            try:
                seen += os.read(controller, 4096)
            except OSError:
                break
    finally:
        os.close(controller)
        if run.poll() is None:
            run.kill()
    return code, seen.decode(errors="replace")


@pytest.mark.slow
def test_on_a_terminal_the_interface_name_must_be_typed(capture, loopback_listener):
    code, text = _on_a_terminal(capture, b"yes\n")
    assert code == 2 and "nothing was sent" in text and loopback_listener() == 0
    code, text = _on_a_terminal(capture, b"lo\n")
    assert code == 0 and "sent 3 frames" in text and loopback_listener() >= 3
