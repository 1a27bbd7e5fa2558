"""`stalkerlab iocs update`: fetch Echap's current feed into a local folder with its provenance.

Only the feed's source is contacted, never an indicator, and only over https: a redirect is followed only to
the same host, and every one is recorded. The commit is what a server states, never what the archive says
about itself (a zip comment can be forged by whoever made the zip): by default GitHub's API names the current
commit of Echap's repository and the archive of exactly that commit is downloaded; `--commit` pins one
instead; a source URL that names a commit (a raw folder on raw.githubusercontent.com) gives that commit.
`--sha256` pins the archive's digest. A local copy is read only with `--local`, and is recorded as such.

The files are checked with the real loaders before anything is replaced; the feed folder follows the rule of
every command's folder (stalkerlab.common.owned_output), so a failed or partial download leaves the previous
feed as it was. provenance.json records the source, the retrieval time, the commit and who stated it, each
download with its redirects and SHA-256, and the SHA-256 of each file, so a report can cite exactly which
feed it used.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import ssl
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from stalkerlab.detector.iocs.echap_yaml import ECHAP_FILES, SAMPLES_FILE
from stalkerlab.detector.iocs.feeds import PROVENANCE_FILE, load_feeds

from stalkerlab import __version__
from stalkerlab.common.atomic_files import write_bytes_atomic, write_text_atomic
from stalkerlab.common.errors import UserError
from stalkerlab.common.owned_output import OwnedFolder

COMMAND = "iocs update"
COMMIT_SLOT = "{commit}"
# GitHub's API states the commit the branch is at; codeload serves the archive of exactly that commit
DEFAULT_SOURCE = f"https://codeload.github.com/AssoEchap/stalkerware-indicators/zip/{COMMIT_SLOT}"
DEFAULT_COMMIT_URL = "https://api.github.com/repos/AssoEchap/stalkerware-indicators/commits/master"
WANTED = (*ECHAP_FILES, SAMPLES_FILE)
MAX_BYTES = 64 << 20           # Echap's archive is a few MiB; anything far larger is not the feed
MAX_COMMIT_BYTES = 4096
TIMEOUT_S = 30
_COMMIT = re.compile(r"(?<![0-9a-f])([0-9a-f]{40})(?![0-9a-f])")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def default_feed_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "stalkerlab" / "feeds" / "echap"


@dataclass
class Retrieval:
    """What was fetched and what it is: the feed files and everything provenance.json records about them."""

    source: str
    transport: str
    commit: str | None = None
    commit_from: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    downloads: list[dict] = field(default_factory=list)


class _Missing(Exception):
    """The server has no such file (HTTP 404)."""


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to https on the same host and port, and records it."""

    def __init__(self, followed: list[str]):
        super().__init__()
        self.followed = followed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _host(newurl) != _host(req.full_url) or urlsplit(newurl).scheme != "https":
            raise UserError(f"{req.full_url}: redirected to {newurl}, another host or not https; only redirects "
                            "to the same host are followed")
        self.followed.append(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _host(url: str) -> tuple[str | None, int]:
    parts = urlsplit(url)
    return (parts.hostname, parts.port or 443)


def _fetch(url: str, retrieval: Retrieval, *, limit: int = MAX_BYTES, accept: str | None = None) -> bytes:
    """GET over https with the same-host redirect rule; records the download in `retrieval`."""
    if urlsplit(url).scheme != "https":
        raise UserError(f"{url}: only https sources are downloaded (a local copy is read with --local)")
    followed: list[str] = []
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ssl.create_default_context()),
                                         _SameHostRedirects(followed))
    headers = {"User-Agent": f"stalkerlab/{__version__}"} | ({"Accept": accept} if accept else {})
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=TIMEOUT_S) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise _Missing(url) from None
        raise UserError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise UserError(f"{url}: cannot download the feed ({reason})") from None
    if len(data) > limit:
        raise UserError(f"{url}: more than {limit >> 20 or limit} {'MiB' if limit >> 20 else 'bytes'}, which is "
                        "not what was asked for")
    retrieval.downloads.append({"url": url, "redirects": followed, "sha256": hashlib.sha256(data).hexdigest(),
                                "bytes": len(data)})
    return data


def _stated_commit(commit_url: str, retrieval: Retrieval) -> str:
    """The commit a server states at `commit_url` (GitHub's API answers the bare SHA for this media type)."""
    try:
        data = _fetch(commit_url, retrieval, limit=MAX_COMMIT_BYTES, accept="application/vnd.github.sha")
    except _Missing:
        raise UserError(f"{commit_url}: no such branch or repository (HTTP 404)") from None
    text = data.decode("ascii", "replace").strip()
    if text.startswith("{"):
        try:
            text = str(json.loads(text).get("sha", ""))
        except (ValueError, AttributeError):
            text = ""
    if not _COMMIT.fullmatch(text):
        raise UserError(f"{commit_url}: does not state a commit (expected 40 hexadecimal digits)")
    return text


def _archive_files(origin: str, data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UserError(f"{origin}: is not a zip archive") from None
    files, total = {}, 0
    for member in archive.infolist():
        parts = member.filename.split("/")
        # GitHub archives put everything in one top folder; the feed files are at its root
        if len(parts) == 2 and parts[1] in WANTED:
            total += member.file_size
            if total > MAX_BYTES:
                raise UserError(f"{origin}: its feed files unpack to more than {MAX_BYTES >> 20} MiB")
            files[parts[1]] = archive.read(member)
    return files


def _check_sha256(origin: str, data: bytes, pinned: str | None) -> None:
    if pinned and hashlib.sha256(data).hexdigest() != pinned:
        raise UserError(f"{origin}: its SHA-256 is {hashlib.sha256(data).hexdigest()}, not the pinned {pinned}")


def _download(source: str, commit_url: str | None, pinned_commit: str | None,
              pinned_sha256: str | None) -> Retrieval:
    retrieval = Retrieval(source, "https")
    if COMMIT_SLOT in source:
        if pinned_commit:
            retrieval.commit, retrieval.commit_from = pinned_commit, "pinned with --commit"
        elif commit_url:
            retrieval.commit = _stated_commit(commit_url, retrieval)
            retrieval.commit_from = f"stated by {commit_url}"
        else:
            raise UserError(f"{source}: names {COMMIT_SLOT}; give --commit, or --commit-url where a server states it")
        retrieval.source = source = source.replace(COMMIT_SLOT, retrieval.commit)
    else:
        named = _COMMIT.search(urlsplit(source).path)
        if named:
            retrieval.commit, retrieval.commit_from = named.group(1), "named in the source URL"
        if pinned_commit and retrieval.commit != pinned_commit:
            raise UserError(f"{source}: does not name the pinned commit {pinned_commit}; a source that names no "
                            f"commit is pinned with --sha256")
    if source.endswith("/"):
        if pinned_sha256:
            raise UserError(f"{source}: --sha256 pins an archive; a folder of files is pinned with --commit")
        for name in WANTED:
            try:
                retrieval.files[name] = _fetch(source + name, retrieval)
            except _Missing:
                continue
        return retrieval
    try:
        data = _fetch(source, retrieval)
    except _Missing:
        raise UserError(f"{source}: not found on the server (HTTP 404)") from None
    _check_sha256(source, data, pinned_sha256)
    retrieval.files = _archive_files(source, data)
    return retrieval


def _local_path(source: str) -> Path:
    return Path(unquote(urlsplit(source).path) if source.startswith("file:") else source).expanduser().resolve()


def _read_local(source: str, pinned_commit: str | None, pinned_sha256: str | None) -> Retrieval:
    """A local copy (--local): a folder holding the feed files, a zip archive, or one feed file."""
    path = _local_path(source)
    if pinned_commit:
        raise UserError(f"{source}: a local copy states no commit, so --commit cannot be checked; pin it with "
                        "--sha256")
    retrieval = Retrieval(path.as_uri(), "local copy (not downloaded)")
    try:
        if path.is_dir():
            if pinned_sha256:
                raise UserError(f"{source}: --sha256 pins an archive or a file, not a folder")
            retrieval.files = {n: (path / n).read_bytes() for n in WANTED if (path / n).is_file()}
            retrieval.downloads.append({"path": str(path)})
            return retrieval
        if not path.is_file():
            raise UserError(f"{source}: no such file or folder")
        if path.stat().st_size > MAX_BYTES:
            raise UserError(f"{source}: more than {MAX_BYTES >> 20} MiB, which is not an indicator feed")
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{source}: cannot read the local copy ({exc.strerror})") from None
    _check_sha256(source, data, pinned_sha256)
    retrieval.downloads.append({"path": str(path), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    if data[:4] == b"PK\x03\x04":
        retrieval.files = _archive_files(source, data)
    elif path.name in WANTED:
        retrieval.files = {path.name: data}
    else:
        raise UserError(f"{source}: neither a zip archive nor one of {', '.join(WANTED)}")
    return retrieval


def update_feed(source: str = DEFAULT_SOURCE, dest: Path | None = None, *, commit_url: str | None = None,
                commit: str | None = None, sha256: str | None = None, local: bool = False,
                force: bool = False) -> dict:
    """Fetch, check and install the feed into `dest`; returns the provenance record written.

    `commit_url` defaults to GitHub's API for the default source and to none for any other."""
    dest = Path(dest or default_feed_dir()).expanduser()
    commit, sha256 = _pin(commit, "--commit", _COMMIT), _pin(sha256, "--sha256", _SHA256)
    looks_local = urlsplit(source).scheme in ("", "file")
    if looks_local and not local:
        raise UserError(f"{source}: a local copy is read only with --local (downloads are https only)")
    local_copy = _local_path(source) if looks_local else None
    folder = OwnedFolder(dest, COMMAND, force=force, inputs=[("--source", local_copy)],
                         names=(*WANTED, PROVENANCE_FILE))
    folder.check()                      # a --dir that may not be written is refused before any download
    if commit_url is None and source == DEFAULT_SOURCE:
        commit_url = DEFAULT_COMMIT_URL
    try:
        retrieval = _read_local(source, commit, sha256) if looks_local else \
            _download(source, commit_url, commit, sha256)
        if not any(name in retrieval.files for name in ECHAP_FILES):
            raise UserError(f"{retrieval.source}: no ioc.yaml or watchware.yaml there")
    except UserError as exc:
        raise UserError(f"{exc}{_kept(dest)}") from None
    provenance = {
        "source": retrieval.source,
        "transport": retrieval.transport,
        "retrieved": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "commit": retrieval.commit,
        "commit_from": retrieval.commit_from,
        "downloads": retrieval.downloads,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(retrieval.files.items())},
    }
    with folder as stage:
        for name, data in sorted(retrieval.files.items()):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                raise UserError(f"{retrieval.source}: {name} is not UTF-8 text{_kept(dest)}") from None
            write_bytes_atomic(stage / name, data)
        write_text_atomic(stage / PROVENANCE_FILE, json.dumps(provenance, indent=2) + "\n")
        try:
            load_feeds([stage], training=False)
        except UserError as exc:
            raise UserError(f"{retrieval.source}: the downloaded feed is not usable ({exc}){_kept(dest)}") from None
    return provenance


def _pin(value: str | None, option: str, pattern: re.Pattern) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if not pattern.fullmatch(value):
        raise UserError(f"{option} {value}: not a full hexadecimal {'commit id' if option == '--commit' else 'digest'}")
    return value


def _kept(dest: Path) -> str:
    return f"; the previous feed in {dest} is kept" if dest.exists() and any(dest.iterdir()) else ""
