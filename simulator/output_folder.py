"""An output folder that appears complete or not at all.

Everything is written into a hidden sibling folder first; only when every file is done are the entries
moved into place. A failure half-way leaves the target exactly as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from stalkerlab.common.atomic_files import current_umask, write_text_atomic
from stalkerlab.common.errors import UserError


def write_json_atomic(path: Path, data: object) -> None:
    """Deterministic JSON (insertion order, which is itself deterministic), written atomically."""
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


class StagedFolder:
    """`with StagedFolder(out) as stage:` write into `stage`, committed to `out` on success."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self.stage: Path | None = None

    def __enter__(self) -> Path:
        parent = self.target.parent if str(self.target.parent) else Path(".")
        if self.target.exists() and not self.target.is_dir():
            raise UserError(f"{self.target}: exists and is not a folder")
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.stage = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.partial-", dir=parent))
            os.chmod(self.stage, 0o777 & ~current_umask())
        except OSError as exc:
            raise UserError(f"{self.target}: cannot write the output folder here ({exc.strerror})") from None
        return self.stage

    def __exit__(self, exc_type, exc, tb) -> bool:
        assert self.stage is not None
        if exc_type is not None:
            shutil.rmtree(self.stage, ignore_errors=True)
            return False
        try:
            if not self.target.exists():
                os.rename(self.stage, self.target)
                return False
            for entry in sorted(self.stage.iterdir()):
                destination = self.target / entry.name
                if destination.is_dir() and not destination.is_symlink():
                    shutil.rmtree(destination)
                os.replace(entry, destination)
        except OSError as exc:
            raise UserError(f"{self.target}: cannot move the results into place ({exc.strerror})") from None
        finally:
            shutil.rmtree(self.stage, ignore_errors=True)
        return False
