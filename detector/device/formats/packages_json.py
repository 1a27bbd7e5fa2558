"""AndroidQF packages.json: [{name, files: [{path, sha256, certificate: {Sha1, ...}}], installer, system, ...}].

JSON loses line numbers, so each package's lines are found again in the text: the k-th "name" key
starts the k-th package, and its installer / hash / certificate lines are looked up by value from there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_NAME_KEY = re.compile(r'"name"\s*:')


class PackagesJsonError(ValueError):
    pass


@dataclass(frozen=True)
class ApkFileRecord:
    path: str
    sha256: str
    sha1: str
    md5: str
    cert_sha1: str
    cert_subject: str
    trusted_certificate: bool | None
    line: int               # line of the sha256 (or the package name)
    cert_line: int


@dataclass(frozen=True)
class PackageRecord:
    name: str
    installer: str           # "null" when none was recorded (adb, sideload, some preloads)
    system: bool
    third_party: bool
    disabled: bool
    uid: int | None
    files: tuple[ApkFileRecord, ...]
    line: int
    installer_line: int


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def parse(text: str) -> list[PackageRecord]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackagesJsonError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:        # [[[[... deeper than the JSON decoder can follow
        raise PackagesJsonError("not valid JSON (nested too deeply)") from None
    if not isinstance(data, list):
        raise PackagesJsonError("expected a JSON list of packages")
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines, 1) if _NAME_KEY.search(line)]
    out = []
    for k, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise PackagesJsonError(f"package #{k + 1} has no name")
        start = starts[k] if k < len(starts) else 1
        end = starts[k + 1] - 1 if k + 1 < len(starts) else len(lines)

        def line_of(key: str, value: str, start=start, end=end) -> int:
            needle = re.compile(rf'"{key}"\s*:\s*"?{re.escape(value)}"?')
            for n in range(start, end + 1):
                if needle.search(lines[n - 1]):
                    return n
            return start

        files = []
        raw_files = item.get("files")
        for f in raw_files if isinstance(raw_files, list) else ():
            if not isinstance(f, dict):
                continue
            cert = f.get("certificate") if isinstance(f.get("certificate"), dict) else {}
            sha256 = _text(f.get("sha256")).lower()
            cert_sha1 = _text(cert.get("Sha1")).lower()
            files.append(ApkFileRecord(
                path=_text(f.get("path")), sha256=sha256, sha1=_text(f.get("sha1")).lower(),
                md5=_text(f.get("md5")).lower(), cert_sha1=cert_sha1,
                cert_subject=_text(cert.get("Subject")),
                trusted_certificate=f.get("trusted_certificate") if isinstance(f.get("trusted_certificate"), bool)
                else None,
                line=line_of("sha256", sha256) if sha256 else start,
                cert_line=line_of("Sha1", _text(cert.get("Sha1"))) if cert_sha1 else start,
            ))
        installer = _text(item.get("installer")) or "null"
        uid = item.get("uid")
        out.append(PackageRecord(
            name=item["name"], installer=installer, system=bool(item.get("system")),
            third_party=bool(item.get("third_party", not item.get("system"))), disabled=bool(item.get("disabled")),
            uid=uid if isinstance(uid, int) and not isinstance(uid, bool) else None, files=tuple(files), line=start,
            installer_line=line_of("installer", installer),
        ))
    return out
