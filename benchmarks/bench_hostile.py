"""Time and peak memory of the commands on hostile inputs (issue 8): each case must finish under 10 s and
400 MB on the project's 2-core machine, whatever its exit code (a clear refusal is a pass).

    python benchmarks/bench_hostile.py [--only SUBSTRING] [--keep DIR]

Cases live in benchmarks/hostile_cases/<room>.py (see its __init__). Each runs `stalkerlab ARGS` in a fresh
process; the figures are that process's wall time and peak RSS (ru_maxrss of the child), printed with their
ratio to the bar (a ratio under 1.00 meets it). Exit status 1 when any case misses a bar.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIME_BAR_S = 10.0
MEMORY_BAR_MB = 400.0

# ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run each case from a fresh measuring process
MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - started
print(json.dumps({"wall": wall, "code": done.returncode, "stderr": done.stderr.strip().splitlines()[-1:],
                  "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def cases():
    sys.path.insert(0, str(HERE))
    for info in sorted(pkgutil.iter_modules([str(HERE / "hostile_cases")]), key=lambda i: i.name):
        module = importlib.import_module(f"hostile_cases.{info.name}")
        for name in sorted(n for n in dir(module) if n.startswith("case_")):
            yield f"{info.name}.{name[len('case_'):]}", getattr(module, name)


def main() -> int:
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--keep", type=Path, help="write the hostile inputs here instead of a temp folder")
    args = parser.parse_args()
    stalkerlab = [sys.executable, "-m", "stalkerlab.cli"]
    missed = 0
    print(f"{'case':44} {'exit':>4} {'time s':>8} {'x bar':>6} {'RSS MB':>8} {'x bar':>6}")
    for name, make in cases():
        if args.only not in name:
            continue
        with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
            workdir = (args.keep / name) if args.keep else Path(tmp)
            workdir.mkdir(parents=True, exist_ok=True)
            argv = make(workdir)
            out = subprocess.run([sys.executable, "-c", MEASURE, *stalkerlab, *argv], capture_output=True,
                                 text=True, check=True, env={**os.environ, "NO_COLOR": "1"})
            figures = json.loads(out.stdout)
        t_ratio, m_ratio = figures["wall"] / TIME_BAR_S, figures["rss_mb"] / MEMORY_BAR_MB
        missed += t_ratio >= 1 or m_ratio >= 1 or figures["code"] not in (0, 2)
        print(f"{name:44} {figures['code']:>4} {figures['wall']:>8.2f} {t_ratio:>6.2f} "
              f"{figures['rss_mb']:>8.0f} {m_ratio:>6.2f}  {' '.join(figures['stderr'])[:90]}")
    print(f"bars: {TIME_BAR_S:.0f} s and {MEMORY_BAR_MB:.0f} MB per case; exit 0 or 2 (never a crash). "
          f"{'all met' if not missed else f'{missed} case(s) missed a bar'}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
