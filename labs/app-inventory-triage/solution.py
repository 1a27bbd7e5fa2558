"""Reference solution: the device folder's own files (packages.json, dumpsys.txt), as a text editor shows them;
the detector's report only to cross-check the app list."""

from pathlib import Path

from stalkerlab.labs.learner_tools import detect, dumpsys_package, installed_packages

STORES = {"com.android.vending"}


def solve(files: Path) -> dict[str, str]:
    device = files / "device"
    third_party = [p for p in installed_packages(device) if not p["system"]]
    not_from_store = sorted(p["name"] for p in third_party if p["installer"] not in STORES)
    # the intruder: off-store, and its launcher activity disabled (the icon hidden)
    odd = next(name for name in not_from_store if "disabledComponents" in _block_text(device, name)
               and ".LauncherActivity" in _block_text(device, name))
    block = dumpsys_package(device, odd)
    listed = {f["subject"] for f in detect(files)["findings"] if f["rule_id"] == "dev.offstore_installer"}
    assert listed == set(not_from_store), (listed, not_from_store)
    return {"odd-app": odd, "installer": block["installerPackageName"],
            "downloaded-by": block["originatingPackageName"],
            "installed-at": block["firstInstallTime"].replace(" ", "T") + "Z",
            "not-from-store": "\n".join(not_from_store)}


def _block_text(device: Path, package: str) -> str:
    text = (device / "dumpsys.txt").read_text(encoding="utf-8")
    start = text.index(f"Package [{package}]")
    end = text.find("  Package [", start + 1)
    return text[start:end]
