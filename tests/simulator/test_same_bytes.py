"""Same scenario, same seed, same bytes: a few scenario/seed pairs (each wing's paths: TLS with SNI, MQTT and
the pre-Android-14 accessibility syntax, watchware and pcapng, Private DNS with DNS over HTTPS, a busy phone
with QUIC video, a VPN) give exactly the files they gave before the simulator was reorganised
(same_bytes.json, SHA-256 of every file). A deliberate change of the output updates that file and says why
in its commit; the new digests are printed when the test fails. Files the command adds beside these (a
folder marker, say) are not compared."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

GOLDEN = json.loads((Path(__file__).with_name("same_bytes.json")).read_text())


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_same_seed_same_bytes(run_cli, tmp_path, case):
    expected = GOLDEN[case]
    code, _out, err = run_cli("simulate", *expected["args"], "--out", tmp_path)
    assert code == 0, err
    found = {name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() if (tmp_path / name).is_file()
             else None for name in expected["sha256"]}
    changed = {name: digest for name, digest in found.items() if digest != expected["sha256"][name]}
    assert not changed, f"{case}: other bytes in {sorted(changed)}; new digests: {json.dumps(changed, indent=1)}"
