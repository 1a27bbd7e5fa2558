"""Hostile device acquisitions and stimuli files (issue 8): big sparse files, zip bombs spread over many
members, JSON lists laid out to make line lookups quadratic, artefacts past the parse budgets.

Each `case_*` writes its input into `workdir` and returns the `stalkerlab` arguments; tests/hostile/
test_device_*.py run the same cases and check what the report says about them.
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

SPY = "com.sys.mirror.helper"


def small_acquisition(folder: Path) -> Path:
    """A valid AndroidQF folder: a sideloaded app with an accessibility service, and a store app."""
    folder.mkdir(parents=True, exist_ok=True)
    packages = [{"name": SPY, "installer": "com.google.android.packageinstaller", "system": False,
                 "files": [{"path": f"/data/app/{SPY}/base.apk", "sha256": "ab" * 32,
                            "certificate": {"Sha1": "cd" * 20, "Subject": "CN=Helper"}}]},
                {"name": "com.android.chrome", "installer": "com.android.vending", "system": False}]
    (folder / "packages.json").write_text(json.dumps(packages, indent=4) + "\n")
    (folder / "acquisition.json").write_text(json.dumps({"started": "2026-03-14T10:00:00Z"}) + "\n")
    (folder / "getprop.txt").write_text("[persist.sys.timezone]: [Europe/Paris]\n[ro.build.version.release]: [14]\n")
    (folder / "settings_secure.txt").write_text(f"enabled_accessibility_services={SPY}/.A11y\n")
    (folder / "dumpsys.txt").write_text(
        "DUMP OF SERVICE accessibility:\n"
        f"  Enabled services:{{{{{SPY}/.A11y}}}}\n"
        "--------- 0.004s was the duration of dumpsys accessibility\n"
        "DUMP OF SERVICE package:\n"
        "Packages:\n"
        f"  Package [{SPY}] (1a2b3c):\n"
        f"    codePath=/data/app/{SPY}\n"
        "    firstInstallTime=2026-03-10 21:14:03\n"
        "    installerPackageName=com.google.android.packageinstaller\n")
    return folder


def detect(workdir: Path, *inputs: str | Path) -> list[str]:
    # --no-pdf: what is measured is reading the evidence; the PDF step has its own time bound (reports)
    return ["detect", *map(str, inputs), "--out", str(workdir / "report"), "--no-pdf"]


def sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def dumpsys_package_text(size: int) -> bytes:
    """`size` bytes of `dumpsys package` blocks, cut after a line; some lines non-ASCII, as in real dumps."""
    block = "".join(f"  Package [com.app{i}] (1a2b):\n    codePath=/data/app/~~x/com.app{i}\n"
                    f"    versionName=1.{i} \u00e9t\u00e9 \U0001f600\n    flags=[ HAS_CODE ALLOW_CLEAR_USER_DATA ]\n"
                    "    installerPackageName=com.android.vending\n" for i in range(50)).encode()
    text = block * (size // len(block) + 1)
    return text[:text.rindex(b"\n", 0, size) + 1]


def zip_of_copies(path: Path, names: list[str], data: bytes) -> Path:
    """A zip whose members all hold `data`, deflated once (zipfile would deflate each copy again)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = packer.compress(data) + packer.flush()
    crc = zlib.crc32(data)
    with open(path, "wb") as out:
        central = b""
        for name in names:
            raw = name.encode()
            offset = out.tell()
            out.write(struct.pack("<4s5H3I2H", b"PK\3\4", 20, 0, 8, 0, 0, crc, len(deflated), len(data), len(raw), 0)
                      + raw + deflated)
            central += struct.pack("<4s6H3I5H2I", b"PK\1\2", 20, 20, 0, 8, 0, 0, crc, len(deflated), len(data),
                                   len(raw), 0, 0, 0, 0, 0, offset) + raw
        start = out.tell()
        out.write(central + struct.pack("<4s4H2IH", b"PK\5\6", 0, 0, len(names), len(names), len(central), start, 0))
    return path


def case_sparse_2gb_file_in_folder(workdir: Path) -> list[str]:
    """device folder holding a 2 GB sparse file beside the artefacts (hashed in chunks, never parsed)"""
    folder = small_acquisition(workdir / "acq")
    sparse(folder / "bugreport-2gb.bin", 2 * 2**30)
    return detect(workdir, "--device", folder)


def case_sparse_2gb_dumpsys(workdir: Path) -> list[str]:
    """dumpsys.txt of 2 GB (sparse): over its parse budget, hashed only"""
    folder = small_acquisition(workdir / "acq")
    sparse(folder / "dumpsys.txt", 2 * 2**30)
    return detect(workdir, "--device", folder)


def case_zip_of_40_members_of_15mib(workdir: Path) -> list[str]:
    """4 MB zip of 40 loose dumpsys files of 15 MiB each (600 MiB): refused from the zip's directory"""
    names = [f"dumpsys_package_{i}.txt" for i in range(40)]
    return detect(workdir, "--device", zip_of_copies(workdir / "bomb.zip", names,
                                                     dumpsys_package_text(15 * 2**20)))


def case_files_json_40k_entries(workdir: Path) -> list[str]:
    """files.json with 40,000 AndroidQF file records (each line was looked up by rescanning the file)"""
    folder = small_acquisition(workdir / "acq")
    records = [{"path": f"/sdcard/DCIM/Camera/IMG_{i:06d}.jpg", "size": 2_000_000 + i, "mode": "-rw-rw----",
                "user_id": 0, "group_id": 1015, "changed_time": 1772995448, "modified_time": 1772995448,
                "access_time": 1772995467, "error": "", "context": "u:object_r:media_rw_data_file:s0",
                "sha1": "", "sha256": f"{i:064x}", "sha512": "", "md5": ""} for i in range(40_000)]
    records.append({"path": "/sdcard/Download/System_Helper.apk", "size": 12_970_191, "modified_time": 1772995448,
                    "sha256": "ab" * 32})
    (folder / "files.json").write_text(json.dumps(records, indent=1) + "\n")
    return detect(workdir, "--device", folder)


def case_packages_json_3000_packages_100k_blank_lines(workdir: Path) -> list[str]:
    """packages.json of 3,000 packages on one line, then 100,000 blank lines (each package rescanned them all)"""
    folder = small_acquisition(workdir / "acq")
    packages = [{"name": f"com.filler.app{i}", "system": False,
                 "files": [{"path": f"/data/app/com.filler.app{i}/base.apk", "sha256": f"{i:064x}",
                            "certificate": {"Sha1": f"{i:040x}"}}]} for i in range(3000)]
    packages.append(json.loads((folder / "packages.json").read_text())[0])
    (folder / "packages.json").write_text(json.dumps(packages) + "\n" * 100_000)
    return detect(workdir, "--device", folder)


def case_packages_json_400mb(workdir: Path) -> list[str]:
    """packages.json of 400 MB of real-looking entries: over its parse budget, hashed only"""
    folder = small_acquisition(workdir / "acq")
    entry = json.dumps({"name": "com.filler.app", "installer": "null", "system": False,
                        "files": [{"path": "/data/app/base.apk", "sha256": "ab" * 32}]}, indent=4).encode()
    chunk = b",\n".join([entry] * 1000)
    with open(folder / "packages.json", "wb") as out:
        out.write(b"[\n")
        for _ in range(400 * 2**20 // len(chunk)):
            out.write(chunk + b",\n")
        out.write(entry + b"\n]\n")
    return detect(workdir, "--device", folder)


def case_dumpsys_at_its_budget(workdir: Path) -> list[str]:
    """dumpsys.txt of 63 MiB of package blocks (with non-ASCII lines): about the largest that is parsed"""
    folder = small_acquisition(workdir / "acq")
    with open(folder / "dumpsys.txt", "ab") as out:
        out.write(dumpsys_package_text(63 * 2**20))
    return detect(workdir, "--device", folder)


def case_loose_dumpsys_files_past_the_acquisition_budget(workdir: Path) -> list[str]:
    """four loose dumpsys files of 50 MiB each: two are parsed, the other two named as over the budget"""
    folder = small_acquisition(workdir / "acq")
    for service in ("package", "appops", "notification", "batterystats"):
        (folder / f"dumpsys_{service}.txt").write_bytes(dumpsys_package_text(50 * 2**20))
    return detect(workdir, "--device", folder)


def case_dumpsys_of_blank_lines(workdir: Path) -> list[str]:
    """dumpsys.txt of 60 million newlines: over the line budget, not split"""
    folder = small_acquisition(workdir / "acq")
    (folder / "dumpsys.txt").write_bytes(b"\n" * (60 * 10**6))
    return detect(workdir, "--device", folder)


def case_stimuli_of_400mb(workdir: Path) -> list[str]:
    """stimuli.json of 400 MB (sparse): refused with one line before it is read"""
    folder = small_acquisition(workdir / "acq")
    return detect(workdir, "--device", folder, "--stimuli", sparse(workdir / "stimuli.json", 400 * 2**20))
