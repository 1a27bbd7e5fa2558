"""Every device case of benchmarks/hostile_cases/device.py within the bars of issue 8: under 400 MB of peak
memory and 10 s, exit 0 or 2. Each runs `stalkerlab` in a fresh process measured by another; time is held as
CPU time (user + system) because the wall clock of a machine shared by several test runs says more about the
others than about this command (benchmarks/bench_hostile.py prints the wall time).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
cases = importlib.import_module("hostile_cases.device")
bench = importlib.import_module("bench_hostile")

MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": done.returncode, "stderr": done.stderr, "cpu_s": use.ru_utime + use.ru_stime,
                  "rss_mb": use.ru_maxrss / 1024}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n in dir(cases) if n.startswith("case_")))
def test_case_within_the_bars(tmp_path, name):
    argv = getattr(cases, name)(tmp_path)
    done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "stalkerlab.cli", *argv],
                          capture_output=True, text=True, check=True)
    got = json.loads(done.stdout)
    assert got["code"] in (0, 2) and "Traceback" not in got["stderr"], got["stderr"]
    assert got["rss_mb"] < bench.MEMORY_BAR_MB and got["cpu_s"] < bench.TIME_BAR_S, got
