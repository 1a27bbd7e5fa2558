"""Progress on a terminal, silence when piped: a real pseudo-terminal and a real pipe."""

from __future__ import annotations

import os
import select

from stalkerlab.detector.pipeline import DetectInputs, run_detection

from stalkerlab.commands.progress_bar import bytes_progress


def _drain(fd: int) -> bytes:
    out = b""
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:          # Linux: EIO once the terminal's other end is closed and drained
            break
        if not chunk:
            break
        out += chunk
    return out


def test_a_bar_is_drawn_on_a_terminal_and_nothing_on_a_pipe():
    master, slave = os.openpty()
    with open(slave, "w") as terminal, bytes_progress("Reading the capture", 1000, terminal) as update:
        assert update is not None
        update(500)
    assert b"Reading the capture" in _drain(master)
    os.close(master)
    read_end, write_end = os.pipe()
    with open(write_end, "w") as pipe, bytes_progress("Reading the capture", 1000, pipe) as update:
        assert update is None
    with open(read_end, "rb") as pipe:
        assert pipe.read() == b""


def test_the_capture_reading_reports_its_progress(tmp_path):
    from stalkerlab.simulator.simulate import prepare_scenario, simulate

    simulate(prepare_scenario("benign-busy-phone"), 2, tmp_path / "case", duration_min=3)
    pcap = tmp_path / "case" / "capture.pcap"
    seen: list[int] = []
    run_detection(DetectInputs(pcap=pcap), seen.append)
    assert seen and seen == sorted(seen) and 0 < seen[-1] <= pcap.stat().st_size
