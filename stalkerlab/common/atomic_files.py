"""Atomic writes for every part of the product: whole files, streamed writes and zip archives.

A file is written under a temporary name beside its target and renamed over it when complete, so a reader
never sees half a file and a failure (or a kill -9) never destroys the previous one. One mode rule: a new
file gets what the user's umask gives (0666 & ~umask, as `open()` would), a new folder 0777 & ~umask.

A file or folder being written is held with an advisory lock (flock) for as long as its writer lives; the
kernel drops the lock when the process dies, however it dies. So a temporary file that nobody holds is a
leftover of a killed run, and the next write of the same file removes it.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PART = ".stalkerlab-part-"     # in the name of a file being written: `.report.json.stalkerlab-part-k2j4`
NEW = ".stalkerlab-new-"       # the same, in the instant before its lock is taken (never removed by others)
# Zip entries get a fixed time so that the same content gives a byte-identical archive.
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def file_mode() -> int:
    return 0o666 & ~current_umask()


def folder_mode() -> int:
    return 0o777 & ~current_umask()


def hold_lock(path: Path) -> int:
    """Open `path` (file or folder) and lock it for this process's life; returns the descriptor to close."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


def is_abandoned(path: Path) -> bool:
    """True when nobody holds `path`'s lock: the process that wrote it is gone."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def claimed_temp(parent: Path, prefix: str, kind: str, *, folder: bool = False) -> tuple[Path, int]:
    """A new file (or folder) named `{prefix}{kind}XXXX` in `parent`, already locked: (path, lock fd).

    It is made under a NEW name and renamed once locked, so that a cleaner never sees it unlocked."""
    if folder:
        fresh = Path(tempfile.mkdtemp(prefix=f"{prefix}{NEW}", dir=parent))
        fd = hold_lock(fresh)
    else:
        fd, name = tempfile.mkstemp(prefix=f"{prefix}{NEW}", dir=parent)
        fresh = Path(name)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    claimed = fresh.with_name(fresh.name.replace(NEW, kind, 1))
    try:
        os.rename(fresh, claimed)
    except OSError:
        os.close(fd)
        (os.rmdir if folder else os.unlink)(fresh)
        raise
    return claimed, fd


def remove_abandoned_parts(path: Path) -> None:
    """Remove the temporary files that killed writers of `path` left beside it."""
    path = Path(path)
    try:
        leftovers = [p for p in path.parent.iterdir() if p.name.startswith(f".{path.name}{PART}")]
    except OSError:
        return
    for leftover in leftovers:
        if leftover.is_file() and not leftover.is_symlink() and is_abandoned(leftover):
            leftover.unlink(missing_ok=True)


@contextmanager
def atomic_writer(path: Path, *, size: int | None = None, buffering: int = -1) -> Iterator[BinaryIO]:
    """`with atomic_writer(path) as handle:` write; `path` is replaced only when the block ends normally.

    `size`, the expected total when known, is reserved up front: the file system then allocates the blocks
    at once instead of at every write (most of the cost of a gigabyte capture); the file is cut to what was
    actually written."""
    path = Path(path)
    remove_abandoned_parts(path)
    tmp, fd = claimed_temp(path.parent, f".{path.name}", PART)
    try:
        os.fchmod(fd, file_mode())                    # mkstemp makes 0600; users expect their umask
        if size:
            try:
                os.posix_fallocate(fd, 0, size)
            except OSError:
                pass                                  # not supported here: blocks come as written
        with os.fdopen(fd, "wb", buffering=buffering, closefd=False) as handle:
            yield handle
            if size:
                handle.truncate(handle.tell())        # never longer than what was written
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)                                  # releases the lock


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_writer(path) as handle:
        handle.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: Path, data: object) -> None:
    """Deterministic JSON (insertion order, which is itself deterministic), written atomically."""
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def folder_entries(folder: Path, prefix: str = "") -> Iterator[tuple[str, bytes]]:
    """The files below `folder` as zip entries (name, data), in name order, each name under `prefix`."""
    for item in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        yield prefix + item.relative_to(folder).as_posix(), item.read_bytes()


def write_zip_atomic(path: Path, entries: Iterable[tuple[str, bytes]], *, comment: bytes = b"") -> None:
    """A deflated zip of (name, data) entries, each with ZIP_TIME and mode 0644, so that the same entries
    give the same bytes. Entries are consumed one at a time (a generator keeps memory flat)."""
    with atomic_writer(path) as handle, zipfile.ZipFile(handle, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
        archive.comment = comment
