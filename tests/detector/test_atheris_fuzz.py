"""Coverage-guided fuzzing with atheris (libFuzzer) of each fuzz target in fuzz_regressions/targets.py, in a
subprocess, for a bounded number of runs and seconds, seeded with valid inputs built here. A crash, a hang
(-timeout) or a memory blow-up (-rss_limit_mb) fails the test; libFuzzer saves the input under the test's
tmp folder and the failure message gives its path and bytes, to be kept in fuzz_regressions/<target>/.

This file is also the harness: `python test_atheris_fuzz.py TARGET WORKDIR [libFuzzer args]`.
STALKERLAB_FUZZ_RUNS and STALKERLAB_FUZZ_SECONDS make the test search longer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
RUNS = int(os.environ.get("STALKERLAB_FUZZ_RUNS", "3000"))
SECONDS = int(os.environ.get("STALKERLAB_FUZZ_SECONDS", "45"))


def seeds(target: str) -> list[bytes]:
    """Valid inputs for a target: libFuzzer mutates these instead of starting from nothing."""
    import capture_builders as cb
    from fuzz_regressions.targets import ARTEFACTS, seed_acquisition, zip_bytes

    if target == "capture":
        return [cb.seed_capture(fmt, link, family) for fmt in ("pcap", "pcapng") for family in (4, 6)
                for link in ("ethernet", "vlan", "sll2", "raw")]
    if target == "payloads":
        return [cb.dns_response(), cb.client_hello(), cb.client_hello(tls13=True), cb.server_flight(),
                cb.http_request(), cb.quic_initial(), *cb.certificate_chain()]
    files = seed_acquisition()
    if target == "device_zip":
        return [zip_bytes(files), zip_bytes({f"acq/{n}": c for n, c in files.items()})]
    if target == "device_folder":
        return [bytes([ARTEFACTS.index(n)]) + c for n, c in files.items() if n in ARTEFACTS]
    if target == "stimuli":
        return [json.dumps({"actions": [{"time": "2026-03-14T10:00:00Z", "action": "photo", "note": "kitchen"},
                                        {"time": "2026-03-14T10:05:00+01:00", "action": "sms"}]}).encode()]
    raise KeyError(target)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["capture", "payloads", "device_zip", "device_folder", "stimuli"])
def test_atheris_finds_no_crash(target, tmp_path):
    pytest.importorskip("atheris", reason="atheris is not installed (pip install atheris, Linux wheels)")
    from fuzz_regressions.targets import TARGETS

    assert target in TARGETS
    # crashes outlive pytest's rotation of tmp folders (it keeps three)
    crashes = Path(os.environ.get("STALKERLAB_FUZZ_CRASHES", tempfile.gettempdir())) / "stalkerlab-atheris" / target
    corpus, work = tmp_path / "corpus", tmp_path / "work"
    for folder in (corpus, crashes, work):
        folder.mkdir(parents=True, exist_ok=True)
    before = set(crashes.iterdir())
    for i, seed in enumerate(seeds(target)):
        (corpus / f"seed-{i}").write_bytes(seed)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(PROJECT)])}
    proc = subprocess.run(
        [sys.executable, __file__, target, str(work), str(corpus), f"-runs={RUNS}", f"-max_total_time={SECONDS}",
         # a fixed seed makes CI repeatable: the same code explores the same inputs (raise runs to explore more)
         f"-seed={os.environ.get('STALKERLAB_FUZZ_SEED', '1')}",
         f"-artifact_prefix={crashes}/", "-timeout=10", "-rss_limit_mb=3072", "-max_len=16384"],
        capture_output=True, text=True, timeout=SECONDS + 240, cwd=tmp_path, env=env)
    found = sorted(set(crashes.iterdir()) - before)
    tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
    assert not found and proc.returncode == 0, (
        f"atheris broke target {target!r}; keep the input in fuzz_regressions/{target}/:\n"
        + "\n".join(f"{p} ({p.stat().st_size} bytes): {p.read_bytes()[:4096].hex()}" for p in found) + "\n" + tail)
    assert "Done" in tail or "DONE" in tail, f"atheris did not run to its end:\n{tail}"


def main() -> None:
    import atheris
    from fuzz_regressions.targets import TARGETS

    atheris.instrument_all()        # coverage feedback from the detector's own code
    target, workdir = TARGETS[sys.argv[1]], Path(sys.argv[2])
    atheris.Setup([sys.argv[0], *sys.argv[3:]], lambda data: target(data, workdir))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
