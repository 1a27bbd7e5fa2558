"""Hostile inputs for benchmarks/bench_hostile.py, one module per room (capture, device, feeds, reports...).

Each module defines functions named `case_<what>(workdir: Path) -> list[str]`: the function writes its
hostile input into `workdir` and returns the `stalkerlab` arguments that process it (for example
["detect", "--pcap", str(workdir / "many-flows.pcap"), "--out", str(workdir / "report"), "--no-pdf"]).
The first line of its docstring says what the case is. The runner times the command in a fresh process.
"""
