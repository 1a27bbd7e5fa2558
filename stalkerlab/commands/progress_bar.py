"""A progress bar for long reads on a terminal (rich), and nothing at all when output is piped or logged."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def bytes_progress(label: str, total: int, stream=None) -> Iterator[Callable[[int], None] | None]:
    """Yields `update(bytes_done)` while a bar is shown on a terminal, or None when `stream` is not one."""
    stream = stream or sys.stderr
    if not total or not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)
