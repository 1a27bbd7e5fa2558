"""Build the course with MkDocs in strict mode, or serve it on the loopback interface for authors."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from stalkerlab.course.layout import CourseLayout

from stalkerlab.common.errors import UserError
from stalkerlab.common.owned_output import OwnedFolder

# Material prints a banner about MkDocs 2.0 on every run; it is noise for course authors.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class BuildFailed(Exception):
    """MkDocs reported warnings or errors; strict mode turns them into a failed build."""


def _mkdocs():
    try:
        from mkdocs.commands import build as build_command
        from mkdocs.config import load_config
        from mkdocs.exceptions import Abort, ConfigurationError
    except ImportError as exc:
        raise UserError("mkdocs: not installed (pip install the course requirements, see course/README.md)") from exc
    return load_config, build_command, (Abort, ConfigurationError)


def build_site(layout: CourseLayout, out: Path, *, quiet: bool = True, force: bool = False) -> Path:
    """Build into `out` by the rule of every command's folder (stalkerlab.common.owned_output): a failed build
    leaves a previous site untouched, only files of an earlier build are replaced, never the course itself."""
    load_config, build_command, failures = _mkdocs()
    out = Path(out)
    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    if quiet:
        mkdocs_log.setLevel(logging.WARNING)
    try:
        with OwnedFolder(out, "course build", inputs=[("the course", layout.course_dir)], force=force) as stage:
            config = load_config(config_file=str(layout.config_file), site_dir=str(stage), strict=True)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build_command.build(config)
            finally:
                config.plugins.on_shutdown()
    except failures as exc:
        raise BuildFailed(str(exc) or "mkdocs build --strict failed (see the warnings above)") from exc
    finally:
        mkdocs_log.setLevel(level)
    return out.resolve()


def serve_site(layout: CourseLayout, port: int) -> None:
    """Live-reloading server for authors. Bound to 127.0.0.1 only: a classroom network never sees it."""
    try:
        from mkdocs.commands.serve import serve
    except ImportError as exc:
        raise UserError("mkdocs: not installed (pip install the course requirements, see course/README.md)") from exc
    serve(config_file=str(layout.config_file), dev_addr=f"127.0.0.1:{port}", livereload=True)
