"""The detector never contacts or resolves anything: a whole `stalkerlab detect` (with the PDF) and the
IOC commands run under a Python audit hook that stops the process at the first socket connect, send,
name lookup or URL opening, and inside a network namespace that has no network at all."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from stalkerlab.simulator.simulate import prepare_scenario, simulate

GUARD = r"""
import os, sys
NETWORK_EVENTS = ("socket.connect", "socket.sendto", "socket.getaddrinfo", "socket.gethostbyname",
                  "socket.gethostbyaddr", "socket.getnameinfo", "urllib.Request", "http.client.connect")
def guard(event, args):
    if event in NETWORK_EVENTS:
        # AF_UNIX sockets (none expected) would be local; anything else is the network
        os.write(2, f"NETWORK ATTEMPT: {event} {args!r}\n".encode())
        os._exit(99)
sys.addaudithook(guard)
from stalkerlab.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline") / "case"
    simulate(prepare_scenario("stalkerware-https-sni"), 6, folder, duration_min=10)
    return folder


def _stalkerlab(*args, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-c", GUARD, *map(str, args)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})


def _feeds(shared: Path | None) -> list[str]:
    return ["--feed", str(shared / "echap")] if shared else []


@pytest.mark.slow
def test_detect_and_iocs_make_no_network_attempt(case, tmp_path, request):
    shared = Path(request.config.rootpath).parent / "shared"
    shared = shared if (shared / "echap" / "ioc.yaml").is_file() else None
    done = _stalkerlab("detect", "--pcap", case / "capture.pcap", "--device", case / "device", "--stimuli",
                       case / "stimuli.json", "--out", tmp_path / "report", *_feeds(shared))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report" / "report.json").is_file()
    for args in (("iocs", "list"), ("iocs", "export", "--format", "stix2", "--out", tmp_path / "x.json")):
        done = _stalkerlab(*args, *_feeds(shared))
        assert done.returncode == 0, done.stderr


def test_the_guard_does_stop_a_lookup(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(GUARD.replace("from stalkerlab.cli import main\nsys.exit(main(sys.argv[1:]))",
                                   "import socket\nsocket.getaddrinfo('blocked.example', 443)"))
    done = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 99 and "NETWORK ATTEMPT: socket.getaddrinfo" in done.stderr


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("ip") or os.geteuid() != 0, reason="needs root and iproute2 for a namespace")
def test_detect_runs_in_a_namespace_without_network(case, tmp_path):
    name = f"stalkerlab-offline-{uuid.uuid4().hex[:8]}"
    if subprocess.run(["ip", "netns", "add", name], capture_output=True).returncode != 0:
        pytest.skip("cannot create a network namespace here")
    try:
        done = _stalkerlab("detect", "--pcap", case / "capture.pcap", "--device", case / "device", "--no-pdf",
                           "--out", tmp_path / "report", prefix=("ip", "netns", "exec", name))
        assert done.returncode == 0, done.stderr
        assert "stalkerware" in (tmp_path / "report" / "report.json").read_text()
    finally:
        subprocess.run(["ip", "netns", "delete", name], capture_output=True)
