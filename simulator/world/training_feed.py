"""The detector's built-in training feed, projected from the fictional families of the world.

The detector must not read the simulator's source tree (an installed detector, on a Pi, has no simulator), so
the feed ships as detector data (`detector/iocs/training-feed.yaml`, Echap's ioc.yaml format). This module
makes that file from the families; a test keeps the two in step. Regenerate after changing a family:

    python -m stalkerlab.simulator.world.training_feed detector/iocs/training-feed.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from stalkerlab.common.atomic_files import write_text_atomic
from stalkerlab.common.yaml_text import safe_load

FAMILIES_DIR = Path(__file__).resolve().parent / "families"
# The family types a feed lists (a tracker SDK is not an indicator of monitoring)
FEED_TYPES = ("stalkerware", "watchware")
# Echap's app keys, in Echap's order
ECHAP_KEYS = ("name", "names", "type", "packages", "certificates", "websites", "distribution", "c2")

HEADER = """\
# Stalkerware Lab training feed: the fictional families the detector is allowed to know, in the format of
# Echap's stalkerware-indicators ioc.yaml. Generated from simulator/world/families by
# `python -m stalkerlab.simulator.world.training_feed`; do not edit by hand. The unknown family of the
# catalogue (in_training_feed: false) is deliberately absent.
"""


def training_feed_text(families_dir: Path = FAMILIES_DIR) -> str:
    apps = []
    for path in sorted(families_dir.glob("*.yml")):
        family = safe_load(path.read_text(encoding="utf-8"))
        if not family.get("in_training_feed", True) or family.get("type") not in FEED_TYPES:
            continue
        app = {key: family[key] for key in ECHAP_KEYS if family.get(key) not in (None, [], {})}
        if "c2" in app:
            app["c2"] = {k: v for k, v in app["c2"].items() if v}
        apps.append(app)
    return HEADER + yaml.safe_dump(apps, sort_keys=False, allow_unicode=True, width=120)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m stalkerlab.simulator.world.training_feed OUT.yaml", file=sys.stderr)
        return 2
    write_text_atomic(Path(argv[0]), training_feed_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
