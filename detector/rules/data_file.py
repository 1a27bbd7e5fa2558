"""Reading the YAML files that hold detection decisions (rules, the verdict policy): every failure is one
line naming the file, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml

from stalkerlab.common.errors import UserError

T = TypeVar("T")


def parse_yaml_file(path: Path, what: str, parse: Callable[[object], T]) -> T:
    """`parse(data)` of the YAML in `path`; `what` names the file's kind in messages ("rule file")."""
    try:
        return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise UserError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: invalid YAML ({getattr(exc, 'problem', exc)})") from None
    except RecursionError:          # YAML, blocks or a condition nested thousands deep
        raise UserError(f"{path}: nested too deeply to be a {what}") from None
