"""The one rule for every command that writes a folder (simulate, demo, detect, course build, iocs update).

- A folder the command makes is marked: `.stalkerlab-output.json` names the command and every file it
  wrote. The command only ever replaces or removes files listed there; files someone else put in the folder
  stay where they are.
- A folder that is not the command's own and is not empty is refused with one line (`--force` writes into
  it anyway, replacing only the files of the same names as its outputs, keeping every other file).
- An output is never an input, never inside one, and never holds one: evidence and sources are not written
  into, and a folder that is replaced never takes an input with it.
- The whole set of outputs is built in a staging folder beside the target and moved in only when complete.
  Moving in takes the previous run's files out first, then puts the new ones in, with the marker saying
  which files belong to the set at every step: at no moment does the folder hold files of two runs, and a
  new folder appears complete or not at all.
- A staging folder is locked by its run (see atomic_files); one whose run was killed is removed by the next
  run of the same command into the same parent.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from stalkerlab.common.atomic_files import (
    NEW,
    claimed_temp,
    is_abandoned,
    write_bytes_atomic,
    write_text_atomic,
)
from stalkerlab.common.errors import UserError

MARKER = ".stalkerlab-output.json"
MARKER_FORMAT = "stalkerlab-output/1"
STAGE = ".stalkerlab-stage-"          # `.case7.stalkerlab-stage-k2j4`: a run's staging folder
_STAGE_NOTE = "staging.json"          # inside a staging folder: which command made it
_STAGE_OUT = "out"                    # inside a staging folder: the new set, as the target will hold it
_STAGE_OLD = "replaced"               # inside a staging folder: the previous set, on its way out

Inputs = Iterable[tuple[str, "Path | None"]]


def made_by(command: str) -> str:
    return f"stalkerlab {command}"


def refuse_overlap(output: Path, inputs: Inputs, *, what: str = "output folder") -> None:
    """UserError when `output` is an input, lies inside one, or holds one. `inputs` are (option, path) pairs;
    symbolic links and bind mounts are seen through."""
    out = Path(output).resolve()
    for option, given in inputs:
        if given is None:
            continue
        source = Path(given).expanduser().resolve()
        if _same_or_inside(out, source):
            relation = "is" if _same(out, source) else "lies inside"
            raise UserError(f"{output}: this {what} {relation} the input given as {option} ({given}); "
                            f"outputs never go into evidence or sources, choose another place")
        if _same_or_inside(source, out):
            raise UserError(f"{output}: this {what} holds the input given as {option} ({given}); "
                            "put the outputs beside the inputs, in a folder of their own")


def _same(a: Path, b: Path) -> bool:
    try:
        return a == b or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _same_or_inside(inner: Path, outer: Path) -> bool:
    """`inner` is `outer` or below it (by name, or by identity of an existing folder on the way up)."""
    if inner == outer or outer in inner.parents:
        return True
    if not outer.is_dir():
        return False
    return any(_same(step, outer) for step in (inner, *inner.parents) if step.exists())


class OwnedFolder:
    """`with OwnedFolder(out, "simulate", inputs=..., force=...) as stage:` write the outputs into `stage`;
    they are moved into `out` when the block ends normally, and thrown away when it does not. `names` are the
    files the command usually writes (taken as its own with --force).

    `check()` may be called early (before minutes of analysis) to refuse a bad `out` at once; entering
    checks again."""

    def __init__(self, target: Path, command: str, *, inputs: Inputs = (), force: bool = False,
                 names: Iterable[str] = ()):
        self.given = Path(target)
        self.target = Path(os.path.abspath(self.given.expanduser()))
        if self.given.is_symlink() and self.given.is_dir():
            self.target = self.given.resolve()       # write into the folder the link names, keep the link
        self.command = command
        self.inputs = list(inputs)
        self.force = force
        # with --force, files of these names (the command's usual outputs) are taken as its own: replaced, or
        # removed when this run does not make them, so that no earlier report.pdf stays beside a new report
        self.adopted = set(names) if force else set()
        self._stage: Path | None = None
        self._lock: int | None = None

    # -- the checks -----------------------------------------------------------------------------------

    def check(self) -> _Contents | None:
        """Refuse a bad target (UserError); returns what the target holds (None when it does not exist)."""
        if self.given.is_symlink() and not self.given.exists():
            raise UserError(f"{self.given}: is a symbolic link to nothing; give the folder itself")
        if self.target.exists() and not self.target.is_dir():
            raise UserError(f"{self.given}: exists and is not a folder")
        refuse_overlap(self.given, self.inputs)
        if not self.target.is_dir():
            return None
        contents = _Contents.of(self.target, made_by(self.command))
        self._ownership(contents)
        return contents

    def _ownership(self, contents: _Contents) -> None:
        """Refuse a folder that is neither empty nor this command's own (unless --force)."""
        if contents.marked_by == made_by(self.command) or self.force or not contents.entries:
            return
        if contents.marked_by:
            raise UserError(f"{self.given}: was made by `{contents.marked_by}`, not by `{made_by(self.command)}`; "
                            "choose a new or empty folder, or add --force to replace only the files of the same "
                            "names")
        example = sorted(contents.entries)[0]
        raise UserError(f"{self.given}: holds files that {made_by(self.command)} did not make (such as "
                        f"{example!r}); choose a new or empty folder, or add --force to replace only the files "
                        "of the same names")

    # -- staging --------------------------------------------------------------------------------------

    def __enter__(self) -> Path:
        self.check()
        parent = self._stage_parent()
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.remove_abandoned_stages(parent)
            self._stage, self._lock = claimed_temp(parent, f".{self.target.name}", STAGE, folder=True)
            write_text_atomic(self._stage / _STAGE_NOTE,
                              json.dumps({"made_by": made_by(self.command), "target": self.target.name}) + "\n")
            os.mkdir(self._stage / _STAGE_OUT)
        except OSError as exc:
            self._discard()
            raise UserError(f"{self.given}: cannot write the {self.command} output here "
                            f"({exc.strerror or exc})") from None
        return self._stage / _STAGE_OUT

    def _stage_parent(self) -> Path:
        """Beside the target, where a rename is atomic; inside an existing target when beside it is not
        possible (a mount point such as a USB stick's root, a folder in a read-only parent)."""
        parent = self.target.parent
        if self.target.is_dir() and (_is_mount_point(self.target) or not os.access(parent, os.W_OK)):
            return self.target
        return parent

    def remove_abandoned_stages(self, parent: Path) -> None:
        """Staging folders of this command whose run is gone (killed): name, note and a free lock say so."""
        for entry in parent.iterdir():
            if not (entry.name.startswith(".") and STAGE in entry.name) or entry.is_symlink() or not entry.is_dir():
                continue
            try:
                note = json.loads((entry / _STAGE_NOTE).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(note, dict) and note.get("made_by") == made_by(self.command) and is_abandoned(entry):
                shutil.rmtree(entry, ignore_errors=True)

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                self._commit()
        finally:
            self._discard()
        return False

    def _discard(self) -> None:
        if self._stage is not None:
            shutil.rmtree(self._stage, ignore_errors=True)
            self._stage = None
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    # -- moving the set in ----------------------------------------------------------------------------

    def _commit(self) -> None:
        assert self._stage is not None
        new_set = self._stage / _STAGE_OUT
        files = _Contents.of(new_set, made_by(self.command)).files
        marker = json.dumps({"format": MARKER_FORMAT, "made_by": made_by(self.command),
                             "files": sorted(files), "complete": True}, indent=2) + "\n"
        try:
            current = self.check()                   # someone may have written into the folder meanwhile
            if current is None:
                write_text_atomic(new_set / MARKER, marker)
                os.rename(new_set, self.target)       # a new folder appears complete, at once
                return
            clashes = current.clashes(files)
            if clashes and not self.force:
                raise UserError(f"{self.given}: holds {sorted(clashes)[0]!r}, which {made_by(self.command)} did "
                                "not make, where one of its outputs goes; move it away or add --force")
            leaving = current.owned | clashes | (self.adopted & current.files)
            previous_marker = (self.target / MARKER).read_bytes() if MARKER in current.files else None
            # while files move, the marker claims both sets, so a run killed here leaves nothing unclaimed
            write_text_atomic(self.target / MARKER, json.dumps(
                {"format": MARKER_FORMAT, "made_by": made_by(self.command),
                 "files": sorted(leaving | files), "complete": False}, indent=2) + "\n")
            moves = _Moves(current, self._stage / _STAGE_OLD)
            try:
                moves.move_out(self.target, "", leaving)
                moves.move_in(new_set, self.target)
            except OSError:
                moves.undo()
                if previous_marker is None:
                    (self.target / MARKER).unlink(missing_ok=True)
                else:
                    write_bytes_atomic(self.target / MARKER, previous_marker)
                raise
            write_text_atomic(self.target / MARKER, marker)
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            raise UserError(f"{self.given}: cannot move the results into place ({exc.strerror or exc}{where})") \
                from None


class _Contents:
    """What a folder holds: its files and folders (relative POSIX paths, links not followed), and which of
    them the marker says `owner` made (none when the marker names another command)."""

    def __init__(self, files: set[str], dirs: set[str], marked_by: str | None, listed: set[str], owner: str):
        self.files, self.dirs, self.marked_by = files, dirs, marked_by
        self.owned = (listed & files) if marked_by == owner else set()
        self.owned_dirs = {d for f in self.owned for d in _ancestors(f)}
        self.entries = (files | dirs) - {MARKER}

    @classmethod
    def of(cls, folder: Path, owner: str) -> _Contents:
        files: set[str] = set()
        dirs: set[str] = set()
        _walk(folder, "", files, dirs)
        marked_by, listed = None, set()
        try:
            doc = json.loads((folder / MARKER).read_text(encoding="utf-8"))
            if isinstance(doc, dict) and doc.get("format") == MARKER_FORMAT and isinstance(doc.get("files"), list):
                marked_by, listed = str(doc.get("made_by")), {str(f) for f in doc["files"]}
        except (OSError, ValueError):
            pass
        return cls(files, dirs, marked_by, listed, owner)

    def owned_dir(self, rel: str) -> bool:
        """Every file and folder below `rel` is the owner's."""
        prefix = rel + "/"
        return all(f in self.owned for f in self.files if f.startswith(prefix)) and \
            all(d in self.owned_dirs for d in self.dirs if d.startswith(prefix))

    def clashes(self, new_files: set[str]) -> set[str]:
        """Files and folders not made by the owner that stand where one of its new files goes."""
        foreign_files = self.files - self.owned - {MARKER}
        needed_dirs = {d for f in new_files for d in _ancestors(f)}
        clash = {f for f in foreign_files if f in new_files or f in needed_dirs}
        clash |= {d for d in self.dirs - self.owned_dirs if d in new_files}
        # a foreign file below a name that is to become a file
        clash |= {f for f in foreign_files if any(d in new_files for d in _ancestors(f))}
        return clash


def _is_mount_point(path: Path) -> bool:
    """os.path.ismount misses a bind mount of a folder of the same file system; the kernel's list does not
    (and a rename across any mount point fails)."""
    if os.path.ismount(path):
        return True
    try:
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    # field 5 is the mount point, with space, tab, newline and backslash written as octal escapes
    points = {re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), line.split()[4]) for line in lines
              if len(line.split()) > 4}
    return str(path.resolve()) in points


def _ancestors(rel: str) -> Iterator[str]:
    """"a/b/c" -> "a/b", "a" (string work: this runs for every file of a crowded folder)."""
    cut = rel.rfind("/")
    while cut > 0:
        rel = rel[:cut]
        yield rel
        cut = rel.rfind("/")


def _walk(folder: Path, prefix: str, files: set[str], dirs: set[str]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            rel = prefix + entry.name
            if not prefix and entry.name.startswith(".") and (STAGE in entry.name or NEW in entry.name):
                continue                              # a staging folder inside the target (see _stage_parent)
            if entry.is_dir(follow_symlinks=False):
                dirs.add(rel)
                _walk(Path(entry.path), rel + "/", files, dirs)
            else:
                files.add(rel)


class _Moves:
    """The renames of one commit, kept so that a commit that fails half-way (a folder made read-only, a
    mount point inside the target) is undone: the previous set goes back, the new one back to staging."""

    def __init__(self, contents: _Contents, old: Path):
        self.contents, self.old = contents, old
        self.done: list[tuple[Path, Path] | Path] = []     # (from, to) of a rename, or a folder removed

    def rename(self, source: Path, destination: Path) -> None:
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, destination)
        self.done.append((source, destination))

    def move_out(self, folder: Path, prefix: str, leaving: set[str]) -> None:
        """Move the files in `leaving` (and folders holding nothing else) from `folder` into `old`."""
        for name in sorted(os.listdir(folder)):
            rel = prefix + name
            path = folder / name
            if rel == MARKER:
                continue
            if rel in leaving:
                self.rename(path, self.old / rel)
            elif rel in self.contents.dirs and any(f.startswith(rel + "/") for f in leaving):
                if self.contents.owned_dir(rel):
                    self.rename(path, self.old / rel)   # one rename for a folder that is wholly the set's
                else:
                    self.move_out(path, rel + "/", leaving)
                    if not os.listdir(path):
                        os.rmdir(path)
                        self.done.append(path)

    def move_in(self, new: Path, folder: Path) -> None:
        for name in sorted(os.listdir(new)):
            source, target = new / name, folder / name
            if not os.path.lexists(target):
                self.rename(source, target)
            elif target.is_dir() and not target.is_symlink() and source.is_dir():
                self.move_in(source, target)
            else:                                      # appeared since the check: never replaced unseen
                raise FileExistsError(errno.EEXIST, "appeared while the results were moved in", str(target))

    def undo(self) -> None:
        for step in reversed(self.done):
            try:
                if isinstance(step, Path):
                    step.mkdir()
                else:
                    source, destination = step
                    source.parent.mkdir(parents=True, exist_ok=True)
                    os.rename(destination, source)
            except OSError:
                continue                               # best effort: the error itself is reported


# -- single files (zip packages) -------------------------------------------------------------------------

def zip_marker(command: str) -> bytes:
    """The comment of a zip a command makes: how the next run recognises its own file."""
    return f"made by {made_by(command)}".encode()


def check_zip_output(path: Path, command: str, *, inputs: Inputs = (), force: bool = False) -> None:
    """A zip package may replace only a zip this command made (its comment says so), or anything with
    --force; it never replaces or goes inside an input."""
    path = Path(path)
    refuse_overlap(path, inputs, what="output file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give the name of the .zip file to write")
    if not os.path.lexists(path) or force:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.comment == zip_marker(command):
                return
    except (OSError, zipfile.BadZipFile):
        pass
    raise UserError(f"{path}: exists and was not made by {made_by(command)}; choose another name, or add "
                    "--force to replace it")
