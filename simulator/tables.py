"""The simulator's static tables (system packages, permissions, TLS client profiles, ...) are data, not code:
each wing keeps them as YAML in its own `data/` folder (`device/data/system_packages.yml`,
`network/data/tls_clients.yml`), shipped with the package, and reads them through `table`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from stalkerlab.simulator.world.schema import load_yaml_mapping

SIMULATOR_DIR = Path(__file__).resolve().parent


@cache
def table(wing: str, name: str) -> dict:
    """The mapping in `<wing>/data/<name>.yml` (read once; callers turn it into tuples, never change it)."""
    return load_yaml_mapping(SIMULATOR_DIR / wing / "data" / f"{name}.yml")
