"""AndroidQF packages.json: [{name, files: [{path, sha256, certificate: {Sha1, ...}}], installer, system, ...}].

JSON loses line numbers, so the document is read element by element with the offset of each value: a package's
line is the line of its "name", its installer / hash / certificate lines those of their values.
"""

from __future__ import annotations

from dataclasses import dataclass

from stalkerlab.detector.device.formats.json_document import JsonDocument, JsonTextError, NotAList

# A phone has a few hundred packages, each entry a few kB (one more per split APK): far more is not AndroidQF's.
MAX_PACKAGES = 20_000
MAX_PACKAGE_CHARS = 2**20


class PackagesJsonError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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
    doc = JsonDocument(text)
    out = []
    try:
        for k, (pos, item) in enumerate(doc.elements("package", MAX_PACKAGES, MAX_PACKAGE_CHARS)):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise PackagesJsonError(f"package #{k + 1} has no name")
            out.append(_record(doc, pos, item))
    except NotAList:
        raise PackagesJsonError("expected a JSON list of packages") from None
    except JsonTextError as exc:
        raise PackagesJsonError(str(exc)) from None
    return out


def _record(doc: JsonDocument, pos: int, item: dict) -> PackageRecord:
    at = doc.member_offsets(pos)
    start = doc.line_at(at["name"])

    def line_of(offsets: dict[str, int], key: str) -> int:
        return doc.line_at(offsets[key]) if key in offsets else start

    files = []
    raw_files = item.get("files")
    file_offsets = doc.element_offsets(at["files"]) if isinstance(raw_files, list) else []
    for f, f_pos in zip(raw_files if isinstance(raw_files, list) else (), file_offsets, strict=True):
        if not isinstance(f, dict):
            continue
        f_at = doc.member_offsets(f_pos)
        cert = f.get("certificate") if isinstance(f.get("certificate"), dict) else {}
        cert_at = doc.member_offsets(f_at["certificate"]) if cert else {}
        sha256 = _text(f.get("sha256")).lower()
        cert_sha1 = _text(cert.get("Sha1")).lower()
        files.append(ApkFileRecord(
            path=_text(f.get("path")), sha256=sha256, sha1=_text(f.get("sha1")).lower(),
            md5=_text(f.get("md5")).lower(), cert_sha1=cert_sha1,
            cert_subject=_text(cert.get("Subject")),
            trusted_certificate=f.get("trusted_certificate") if isinstance(f.get("trusted_certificate"), bool)
            else None,
            line=line_of(f_at, "sha256") if sha256 else start,
            cert_line=line_of(cert_at, "Sha1") if cert_sha1 else start,
        ))
    installer = _text(item.get("installer")) or "null"
    uid = item.get("uid")
    return PackageRecord(
        name=item["name"], installer=installer, system=bool(item.get("system")),
        third_party=bool(item.get("third_party", not item.get("system"))), disabled=bool(item.get("disabled")),
        uid=uid if isinstance(uid, int) and not isinstance(uid, bool) else None, files=tuple(files), line=start,
        installer_line=line_of(at, "installer"),
    )
