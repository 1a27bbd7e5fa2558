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

from stalkerlab.common.errors import UserError

# What makes a folder an acquisition: at least one of these base names.
KNOWN_FILES = ("acquisition.json", "packages.json", "getprop.txt", "settings_*.txt", "dumpsys.txt",
               "dumpsys_*.txt", "processes.txt", "processes.json", "ps.txt", "root_binaries.json",
               "mounts.json", "files.json")
MAX_FILE_BYTES = 512 * 1024 * 1024   # a full dumpsys is tens of MB; more than this is not an acquisition
MAX_DEPTH = 2
# Real dumpsys text deflates 5 to 30 times; a big member that expands far more is a zip bomb (a few hundred
# kB that would take minutes and gigabytes to split into lines).
MAX_ZIP_RATIO, ZIP_RATIO_FROM_BYTES = 100, 16 * 1024 * 1024


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


class Acquisition:
    """Files of one acquisition by relative name ("dumpsys.txt", "androidqf/getprop.txt")."""

    def __init__(self, label: str, names: list[str], reader):
        self.label = label
        self.names = sorted(names, key=lambda n: (n.count("/"), n))
        self._reader = reader

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
        names = []
        try:
            for p in root.rglob("*"):
                rel = p.relative_to(root)
                if len(rel.parts) > MAX_DEPTH or any(part.startswith(".") for part in rel.parts) or not p.is_file():
                    continue
                names.append(rel.as_posix())
        except OSError as exc:
            raise UserError(f"{root}: cannot list the folder ({exc.strerror})") from None

        def read(name: str) -> bytes:
            p = root / name
            try:
                if p.stat().st_size > MAX_FILE_BYTES:
                    raise ArtefactError(name, f"larger than {MAX_FILE_BYTES // 2**20} MB, not read")
                return p.read_bytes()
            except OSError as exc:
                raise ArtefactError(name, f"cannot read ({exc.strerror})") from None

        return cls(str(root), names, read)

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

        def read(name: str) -> bytes:
            info = infos[name]
            if info.file_size > MAX_FILE_BYTES:
                raise ArtefactError(name, f"larger than {MAX_FILE_BYTES // 2**20} MB, not read")
            if info.file_size > ZIP_RATIO_FROM_BYTES and info.file_size > MAX_ZIP_RATIO * info.compress_size:
                raise ArtefactError(name, f"expands from {info.compress_size} bytes to {info.file_size // 2**20} MB "
                                          "in the zip: looks like a zip bomb, not read")
            try:
                with zf.open(info) as fh:
                    return fh.read(MAX_FILE_BYTES + 1)
            except RuntimeError as exc:        # encrypted member
                raise ArtefactError(name, f"cannot extract ({exc})") from None
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
                raise ArtefactError(name, f"damaged in the zip ({exc})") from None

        return cls(str(path), list(infos), read)

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
        return self._reader(name)

    def read_text(self, name: str) -> str:
        """Text as Android wrote it; undecodable bytes (ABX blobs in dumpsys adb) become U+FFFD."""
        data = self.read_bytes(name)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        return data.decode("utf-8", errors="replace")
