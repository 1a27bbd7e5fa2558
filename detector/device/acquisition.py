"""An acquisition, folder or zip, seen as a list of files found by name.

AndroidQF writes a flat folder (packages.json, dumpsys.txt, ...). People also hand over the folder
zipped, often with the folder itself inside the zip, or a parent folder, or loose MVT-style files
(dumpsys_accessibility.txt, getprop.txt, ps.txt). Files are therefore matched by their base name at the
top level or one folder down; parsers never learn where a text came from.
"""

from __future__ import annotations

import fnmatch
import lzma
import zipfile
import zlib
from pathlib import Path

from stalkerlab.detector.device.formats.json_document import visible
from stalkerlab.detector.device.formats.line_index import LineIndex, TooManyLines

from stalkerlab.common.errors import UserError

# What makes a folder an acquisition: at least one of these base names.
KNOWN_FILES = ("acquisition.json", "packages.json", "getprop.txt", "settings_*.txt", "dumpsys.txt",
               "dumpsys_*.txt", "processes.txt", "processes.json", "ps.txt", "root_binaries.json",
               "mounts.json", "files.json")
MAX_DEPTH = 2
# What is parsed is budgeted, so that any acquisition is analysed in bounded time and memory; every file is
# still hashed (in chunks) into the report's manifest, parsed or not. A busy phone's dumpsys.txt is tens of MB
# and is held as bytes, read line by line; other artefacts are a few MB at most and are decoded whole, a JSON
# one element at a time (acquisition.json, a few lines, at once).
ARTEFACT_BUDGETS = (("acquisition.json", 2**20), ("dumpsys*.txt", 64 * 2**20), ("dumpstate.txt", 64 * 2**20),
                    ("*", 32 * 2**20))
ACQUISITION_BYTES = 128 * 2**20          # all parsed artefacts of one acquisition together
# Parsers spend time on each line and the index 8 bytes: 4 MB of "\n" are 4 million lines.
ARTEFACT_LINES, ACQUISITION_LINES = 2_000_000, 4_000_000
# Real dumpsys text deflates 5 to 30 times; a member that expands far more is a zip bomb (a few kB that
# would take seconds and gigabytes to split into lines). The sizes come from the zip's directory: nothing
# is extracted to decide.
MAX_ZIP_RATIO, ZIP_RATIO_FROM_BYTES = 100, 2**20


def artefact_budget(name: str) -> int:
    base = name.rsplit("/", 1)[-1]
    return next(size for pattern, size in ARTEFACT_BUDGETS if fnmatch.fnmatchcase(base, pattern))


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 10 * 2**20 else f"{size / 2**20:.1f} MB"


class ArtefactError(Exception):
    """One artefact cannot be read or parsed. The driver records it and carries on."""

    def __init__(self, file: str, problem: str):
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


def _escapes(name: str) -> bool:
    """A member name that would land outside the folder if extracted ("../x", "/x", "C:x"): AndroidQF never
    writes one, so it is not part of the acquisition (nothing is ever extracted, but reports cite names)."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]


def _files(folder: Path, depth: int):
    """Files down to `depth` levels, hidden ones left out; deeper folders are never walked."""
    for p in folder.iterdir():
        if p.name.startswith("."):
            continue
        if p.is_file():
            yield p
        elif depth > 1 and p.is_dir():
            yield from _files(p, depth - 1)


class Acquisition:
    """Files of one acquisition by relative name ("dumpsys.txt", "androidqf/getprop.txt"), with their sizes.

    Names are shown as text (`visible`: an undecodable byte in a file name becomes "\\udcff"); reading
    charges the acquisition's budget once per file and refuses, naming the file, what would exceed it.
    """

    def __init__(self, label: str, sizes: dict[str, int], reader):
        self.label = visible(label)
        self.names = sorted(sizes, key=lambda n: (n.count("/"), n))
        self._sizes = sizes
        self._reader = reader                # reader(name, count) -> at most count bytes
        self._charged: dict[str, int] = {}
        self._indexes: dict[str, LineIndex] = {}
        self._problems: dict[str, str] = {}
        self._lines_read = 0

    @classmethod
    def open(cls, path: str | Path) -> Acquisition:
        path = Path(path)
        if path.is_dir():
            acq = cls._from_folder(path)
        elif path.is_file():
            acq = cls._from_zip(path)
        else:
            raise UserError(f"{path}: no such folder or zip file")
        if not any(acq.find(pattern) for pattern in KNOWN_FILES):
            raise UserError(f"{path}: no AndroidQF or MVT artefact found (expected packages.json, dumpsys.txt, "
                            "getprop.txt, settings_*.txt, ps.txt ...)")
        return acq

    @classmethod
    def _from_folder(cls, root: Path) -> Acquisition:
        paths, sizes = {}, {}
        try:
            for p in _files(root, MAX_DEPTH):
                name = visible(p.relative_to(root).as_posix())
                paths.setdefault(name, p)
                sizes.setdefault(name, p.stat().st_size)
        except OSError as exc:
            raise UserError(f"{root}: cannot list the folder ({exc.strerror})") from None

        def read(name: str, count: int) -> bytes:
            try:
                with open(paths[name], "rb") as handle:
                    return handle.read(count)
            except OSError as exc:
                raise ArtefactError(name, f"cannot read ({exc.strerror})") from None

        return cls(str(root), sizes, read)

    @classmethod
    def _from_zip(cls, path: Path) -> Acquisition:
        try:
            zf = zipfile.ZipFile(path)
            infos = {i.filename: i for i in zf.infolist()
                     if i.filename and not i.is_dir() and not i.filename.startswith("__MACOSX/")
                     and len(Path(i.filename).parts) <= MAX_DEPTH and not _escapes(i.filename)}
        except zipfile.BadZipFile:
            raise UserError(f"{path}: not a folder and not a zip file") from None
        except (NotImplementedError, ValueError, EOFError) as exc:   # unknown zip version, undecodable names
            raise UserError(f"{path}: a zip file that cannot be read ({exc})") from None
        except OSError as exc:
            raise UserError(f"{path}: cannot read ({exc.strerror})") from None

        def read(name: str, count: int) -> bytes:
            info = infos[name]
            if info.file_size > ZIP_RATIO_FROM_BYTES and info.file_size > MAX_ZIP_RATIO * info.compress_size:
                raise ArtefactError(name, f"expands from {info.compress_size} bytes to {_megabytes(info.file_size)} "
                                          "in the zip: looks like a zip bomb, not read")
            try:
                with zf.open(info) as fh:
                    return fh.read(count)
            except RuntimeError as exc:        # encrypted member
                raise ArtefactError(name, f"cannot extract ({exc})") from None
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
                raise ArtefactError(name, f"damaged in the zip ({exc})") from None

        return cls(str(path), {name: info.file_size for name, info in infos.items()}, read)

    def find(self, pattern: str) -> list[str]:
        """Names whose base name matches `pattern` (fnmatch), shallowest first."""
        return [n for n in self.names if fnmatch.fnmatchcase(n.rsplit("/", 1)[-1], pattern)]

    def first(self, *patterns: str) -> str | None:
        for pattern in patterns:
            found = self.find(pattern)
            if found:
                return found[0]
        return None

    def read_bytes(self, name: str) -> bytes:
        """The artefact's bytes, within its budget and what is left of the acquisition's (ArtefactError if not:
        the file is then only hashed, and the check that needed it says so)."""
        limit, size = artefact_budget(name), self._sizes[name]
        if size > limit:
            raise ArtefactError(name, f"larger than {_megabytes(limit)} ({_megabytes(size)}): not parsed, only "
                                      "hashed into the report's manifest")
        used = sum(self._charged.values())
        if name not in self._charged and used + size > ACQUISITION_BYTES:
            raise ArtefactError(name, f"{_megabytes(size)} after {_megabytes(used)} of other artefacts would pass "
                                      f"the {_megabytes(ACQUISITION_BYTES)} parsed of one acquisition: not parsed, "
                                      "only hashed into the report's manifest")
        data = self._reader(name, size + 1)
        if len(data) > size:
            raise ArtefactError(name, "changed while it was read: not parsed")
        self._charged[name] = max(self._charged.get(name, 0), len(data))
        return data

    def lines(self, name: str) -> LineIndex:
        """The artefact's lines (read once, kept): bytes as the phone wrote them, without a UTF-8 BOM, decoded
        line by line when read (undecodable bytes, such as ABX blobs in dumpsys adb, become U+FFFD). A file
        that cannot be read is tried once; every later call gets the same ArtefactError."""
        if name not in self._indexes and name not in self._problems:
            try:
                self._indexes[name] = self._index(name)
            except ArtefactError as exc:
                self._problems[name] = exc.problem
        if name in self._problems:
            # raised outside the except block: the error must not keep the refused bytes alive as its context
            raise ArtefactError(name, self._problems[name])
        return self._indexes[name]

    def _index(self, name: str) -> LineIndex:
        data = self.read_bytes(name)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            index = LineIndex(data, min(ARTEFACT_LINES, ACQUISITION_LINES - self._lines_read))
        except TooManyLines as exc:
            problem = (f"more than {ARTEFACT_LINES} lines" if exc.limit == ARTEFACT_LINES else
                       f"{exc.count} lines after {self._lines_read} in other artefacts would pass the "
                       f"{ACQUISITION_LINES} parsed of one acquisition")
            raise ArtefactError(name, f"{problem}: not parsed, only hashed into the report's manifest") from None
        self._lines_read += len(index)
        return index

    def read_text(self, name: str) -> str:
        """The whole artefact as text (for parsers that take it whole)."""
        return self.lines(name).data.decode("utf-8", errors="replace")
