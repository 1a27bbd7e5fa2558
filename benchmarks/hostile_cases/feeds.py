"""Hostile indicator feeds (issue 8): YAML aliases that expand exponentially, nesting tens of thousands of
levels deep, STIX patterns no parser should recurse into, and the largest files the limits let through.

The writers are shared with tests/hostile/test_feeds_*.py, which assert what each case must give; the cases
here run them through `stalkerlab detect --feed` on an empty capture (the feed is what is being tried).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

MALWARE_ID = "malware--00000000-0000-4000-8000-000000000001"


def write_billion_laughs(path: Path) -> Path:
    """An app whose packages are nine levels of nine aliases: 9**9 (387 million) values when walked."""
    lines = ["- name: Laughs", "  x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  x{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    path.write_text("\n".join(lines + ["  packages: *a8", ""]), encoding="utf-8")
    return path


def write_deep_yaml(path: Path, levels: int = 50_000) -> Path:
    """An Echap-shaped app whose c2 domains nest `levels` flow sequences deep."""
    path.write_text("- name: Deep\n  c2:\n    domains: " + "[" * levels + "a.example" + "]" * levels + "\n",
                    encoding="utf-8")
    return path


def write_deep_json(path: Path, levels: int = 50_000) -> Path:
    """A TinyCheck-shaped feed whose first entry nests `levels` arrays deep."""
    path.write_text('{"iocs": [' + "[" * levels + "]" * levels + "]}", encoding="utf-8")
    return path


def stix_object(kind: str, n: int, **properties) -> dict:
    ident = MALWARE_ID if kind == "malware" else f"{kind}--00000000-0000-4000-8000-{n:012d}"
    return {"type": kind, "spec_version": "2.1", "id": ident, "created": "2024-01-01T00:00:00Z",
            "modified": "2024-01-01T00:00:00Z", **properties}


def stix_indicator(n: int, pattern: str) -> list[dict]:
    """An indicator and the relationship that ties it to the bundle's malware."""
    indicator = stix_object("indicator", n, pattern=pattern, pattern_type="stix", valid_from="2024-01-01T00:00:00Z")
    link = stix_object("relationship", n, relationship_type="indicates", source_ref=indicator["id"],
                       target_ref=MALWARE_ID)
    return [indicator, link]


def write_stix_with_one_bad_pattern(path: Path, pattern: str, good: int = 3) -> Path:
    """A bundle of one family with `good` domain indicators (c1.evil.example...) and one that has `pattern`."""
    objects = [stix_object("malware", 0, name="EvilSpy", is_family=True)]
    for n in range(good):
        objects += stix_indicator(n + 1, f"[domain-name:value='c{n + 1}.evil.example']")
    objects += stix_indicator(good + 1, pattern)
    path.write_text(json.dumps({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000",
                                "objects": objects}), encoding="utf-8")
    return path


def nested_parentheses(levels: int = 3000) -> str:
    return "(" * levels + "[domain-name:value='x.evil.example']" + ")" * levels


def many_ors(count: int = 20_000) -> str:
    return "[" + " OR ".join(f"domain-name:value='d{n}.evil.example'" for n in range(count)) + "]"


def write_host_list(path: Path, names: int) -> Path:
    """`names` distinct host names, one a line."""
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(f"h{n}.evil.example\n" for n in range(names))
    return path


def write_largest_yaml(path: Path, values: int = 99_000) -> Path:
    """One app of `values` packages, each a YAML value: 99,000 is just under the limit."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("- name: Many\n  packages:\n")
        f.writelines(f"  - com.many.p{n}\n" for n in range(values))
    return path


def write_folder_of_big_files(folder: Path, files: int = 40) -> Path:
    """`files` STIX bundles of 1 MiB each (a malware object and a long description), each fine alone and
    together over the 32 MiB a load may read."""
    folder.mkdir(exist_ok=True)
    for n in range(files):
        malware = stix_object("malware", 0, name=f"Part{n}", is_family=True, description="x" * (1 << 20))
        (folder / f"part{n:02d}.json").write_text(json.dumps({"type": "bundle", "objects": [malware]}),
                                                   encoding="utf-8")
    return folder


def write_folder_of_small_files(folder: Path, files: int = 10_000) -> Path:
    """`files` host lists of one name each: a folder whose cost is in its number of files."""
    folder.mkdir(exist_ok=True)
    for n in range(files):
        (folder / f"list{n:05d}.txt").write_text(f"h{n}.evil.example\n", encoding="utf-8")
    return folder


def write_empty_capture(path: Path) -> Path:
    """A classic pcap header and no packet: detect runs, the feed is the only input that matters."""
    path.write_bytes(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    return path


def detect_with_feed(workdir: Path, feed: Path) -> list[str]:
    capture = write_empty_capture(workdir / "empty.pcap")
    return ["detect", "--pcap", str(capture), "--feed", str(feed), "--out", str(workdir / "report"), "--no-pdf"]


def case_billion_laughs_yaml(workdir: Path) -> list[str]:
    """ioc.yaml of nested aliases (466 bytes, 387 million values expanded): refused"""
    return detect_with_feed(workdir, write_billion_laughs(workdir / "ioc.yaml"))


def case_deep_yaml(workdir: Path) -> list[str]:
    """ioc.yaml nesting 50,000 levels: refused"""
    return detect_with_feed(workdir, write_deep_yaml(workdir / "ioc.yaml"))


def case_deep_json(workdir: Path) -> list[str]:
    """TinyCheck JSON nesting 50,000 levels: refused"""
    return detect_with_feed(workdir, write_deep_json(workdir / "iocs.json"))


def case_stix_nested_parentheses(workdir: Path) -> list[str]:
    """STIX indicator with 3,000 nested parentheses among good ones: skipped"""
    return detect_with_feed(workdir, write_stix_with_one_bad_pattern(workdir / "b.stix2", nested_parentheses()))


def case_stix_20000_ors(workdir: Path) -> list[str]:
    """STIX indicator of 20,000 ORs among good ones: skipped"""
    return detect_with_feed(workdir, write_stix_with_one_bad_pattern(workdir / "b.stix2", many_ors()))


def case_largest_host_list(workdir: Path) -> list[str]:
    """host list of 99,000 distinct names (just under the limit of values): loaded"""
    return detect_with_feed(workdir, write_host_list(workdir / "hosts.txt", 99_000))


def case_host_list_over_the_limit(workdir: Path) -> list[str]:
    """host list of 1.5 million names (30 MB): refused by size"""
    return detect_with_feed(workdir, write_host_list(workdir / "hosts.txt", 1_500_000))


def case_folder_over_the_byte_budget(workdir: Path) -> list[str]:
    """folder of 40 feed files of 1 MiB each (each fine, 40 MiB together): refused at 32 MiB"""
    return detect_with_feed(workdir, write_folder_of_big_files(workdir / "feeds"))


def case_folder_of_10000_files(workdir: Path) -> list[str]:
    """folder of 10,000 one-line host lists: refused past 256 files"""
    return detect_with_feed(workdir, write_folder_of_small_files(workdir / "feeds"))


def case_largest_yaml(workdir: Path) -> list[str]:
    """ioc.yaml of 99,000 packages (just under the limit of values): loaded"""
    return detect_with_feed(workdir, write_largest_yaml(workdir / "ioc.yaml"))


def case_largest_stix_bundle(workdir: Path) -> list[str]:
    """STIX bundle of 22,000 indicators and their relationships (15 MB, 800,000 JSON values): loaded"""
    path = write_stix_with_one_bad_pattern(workdir / "b.stix2", "[domain-name:value='last.evil.example']", 21_999)
    return detect_with_feed(workdir, path)


def case_largest_tinycheck_feed(workdir: Path) -> list[str]:
    """TinyCheck feed of 99,000 domains (just under the limit of values): loaded"""
    path = workdir / "iocs.json"
    iocs = [{"type": "domain", "value": f"h{n}.evil.example"} for n in range(99_000)]
    path.write_text(json.dumps({"iocs": iocs}), encoding="utf-8")
    return detect_with_feed(workdir, path)
