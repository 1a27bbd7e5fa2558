"""`stalkerlab iocs update`: fetch Echap's current feed into a local folder with its provenance.

Only the feed's source is contacted, never an indicator. The files are checked with the real loaders
before anything is replaced; the new folder is filled beside the old one and swapped in by rename, so a
failed or partial download leaves the previous feed as it was. provenance.json records the source URL,
the retrieval time, the commit when known (a GitHub archive carries it as the zip comment; a raw-file URL
may name it) and the SHA-256 of each file, so a report can cite exactly which feed it used.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from stalkerlab.detector.iocs.echap_yaml import ECHAP_FILES, SAMPLES_FILE
from stalkerlab.detector.iocs.feeds import PROVENANCE_FILE, load_feeds

from stalkerlab import __version__
from stalkerlab.common.atomic_files import write_text_atomic
from stalkerlab.common.errors import UserError

DEFAULT_SOURCE = "https://github.com/AssoEchap/stalkerware-indicators/archive/refs/heads/master.zip"
WANTED = (*ECHAP_FILES, SAMPLES_FILE)
MAX_BYTES = 64 << 20           # Echap's archive is a few MiB; anything far larger is not the feed
TIMEOUT_S = 30
_COMMIT = re.compile(r"(?<![0-9a-f])([0-9a-f]{40})(?![0-9a-f])")


def default_feed_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "stalkerlab" / "feeds" / "echap"


class _Missing(Exception):
    """The server has no such file (HTTP 404)."""


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": f"stalkerlab/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise _Missing(url) from None
        raise UserError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise UserError(f"{url}: cannot download the feed ({reason})") from None
    if len(data) > MAX_BYTES:
        raise UserError(f"{url}: more than {MAX_BYTES >> 20} MiB, which is not an indicator feed")
    return data


def _from_archive(url: str, data: bytes) -> tuple[dict[str, bytes], str | None]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UserError(f"{url}: is not a zip archive") from None
    files = {}
    for member in archive.infolist():
        parts = member.filename.split("/")
        # GitHub archives put everything in one top folder; the feed files are at its root
        if len(parts) == 2 and parts[1] in WANTED and member.file_size <= MAX_BYTES:
            files[parts[1]] = archive.read(member)
    m = _COMMIT.fullmatch(archive.comment.decode("ascii", "replace").strip())
    return files, m.group(1) if m else None


def _from_folder(url: str) -> tuple[dict[str, bytes], str | None]:
    base = url if url.endswith("/") else url + "/"
    files = {}
    for name in WANTED:
        try:
            files[name] = _fetch(base + name)
        except _Missing:
            continue
    m = _COMMIT.search(url)
    return files, m.group(1) if m else None


def download(source: str) -> tuple[dict[str, bytes], str | None]:
    """The feed files found at `source` (a zip archive or a folder of raw files) and the commit if known."""
    if source.lower().split("?", 1)[0].endswith(".zip"):
        try:
            data = _fetch(source)
        except _Missing:
            raise UserError(f"{source}: not found on the server (HTTP 404)") from None
        files, commit = _from_archive(source, data)
    else:
        files, commit = _from_folder(source)
    if not any(name in files for name in ECHAP_FILES):
        raise UserError(f"{source}: no ioc.yaml or watchware.yaml there")
    return files, commit


def update_feed(source: str = DEFAULT_SOURCE, dest: Path | None = None) -> dict:
    """Download, check and install the feed into `dest`; returns the provenance record written."""
    dest = Path(dest or default_feed_dir()).expanduser()
    try:
        files, commit = download(source)
    except UserError as exc:
        raise UserError(f"{exc}{_kept(dest)}") from None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))
    except OSError as exc:
        raise UserError(f"{dest}: cannot create the feed folder ({exc.strerror})") from None
    try:
        for name, data in sorted(files.items()):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise UserError(f"{source}: {name} is not UTF-8 text") from None
            write_text_atomic(staging / name, text)
        provenance = {
            "source": source,
            "retrieved": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "commit": commit,
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        }
        write_text_atomic(staging / PROVENANCE_FILE, json.dumps(provenance, indent=2) + "\n")
        try:
            load_feeds([staging], training=False)
        except UserError as exc:
            raise UserError(f"{source}: the downloaded feed is not usable ({exc}){_kept(dest)}") from None
        _swap_in(staging, dest)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return provenance


def _kept(dest: Path) -> str:
    return f"; the previous feed in {dest} is kept" if dest.exists() else ""


def _swap_in(staging: Path, dest: Path) -> None:
    old = None
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        os.replace(dest, old / dest.name)
    try:
        os.replace(staging, dest)
    except OSError:
        if old is not None:
            os.replace(old / dest.name, dest)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
