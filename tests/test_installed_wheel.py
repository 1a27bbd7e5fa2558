"""The package as a user installs it: the built wheel (not an editable checkout) in a fresh virtual environment,
used from a folder that has nothing to do with the source tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the venv's bin folder, the wheel). The venv sees the machine's site-packages for the dependencies, so
    the test needs no network; the wheel itself is installed into the venv, which comes first."""
    work = tmp_path_factory.mktemp("wheel")
    # a clean copy: setuptools' build/ folder in a checkout can hold modules that no longer exist
    source = work / "source"
    skipped = shutil.ignore_patterns(".git", "node_modules", "*.egg-info", "__pycache__", ".pytest_cache")

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = {"build", "site"} & set(names) if Path(folder) == ROOT else set()   # not simulator/network/build
        return set(skipped(folder, names)) | top

    shutil.copytree(ROOT, source, ignore=ignore)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(work / "dist"), str(source)], check=True, capture_output=True)
    wheel = next((work / "dist").glob("stalkerware_lab-*.whl"))
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(work / "venv")
    bin_dir = work / "venv" / "bin"
    # the machine's site-packages may hold an editable install of this checkout, whose import hook would find
    # modules the wheel lacks: the venv switches that hook off, so only the wheel answers for stalkerlab
    site = next((work / "venv" / "lib").glob("python3*/site-packages"))
    (site / "sitecustomize.py").write_text(
        "import sys\n"
        "sys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in type(f).__module__]\n")
    subprocess.run([bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
                    str(wheel)], check=True, capture_output=True)
    return bin_dir, wheel


def run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(bin_dir / "stalkerlab"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def test_the_wheel_holds_one_namespace_and_the_data_it_needs(installed):
    _bin, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"stalkerlab"}, f"top-level names besides stalkerlab: {top}"
    for needed in ("stalkerlab/detector/iocs/training-feed.yaml", "stalkerlab/detector/reports/report.schema.json",
                   "stalkerlab/course/mkdocs.yml", "stalkerlab/course/tracks.yml", "stalkerlab/course/docs/index.md",
                   "stalkerlab/course/hooks/print_page_per_track.py", "stalkerlab/course/sco/sco.js",
                   "stalkerlab/simulator/world/scenarios/stalkerware-https-sni.yml"):
        assert needed in names, f"{needed} is not in the wheel"
    assert not [n for n in names if "node_modules" in n or "__pycache__" in n]
    # every module of every wing is in the wheel (a folder without __init__.py would silently be left out)
    wings = {"stalkerlab": "stalkerlab", "stalkerlab/simulator": "simulator", "stalkerlab/detector": "detector",
             "stalkerlab/course": "course", "stalkerlab/labs": "labs"}
    for installed, folder in wings.items():
        for source in (ROOT / folder).rglob("*.py"):
            relative = source.relative_to(ROOT / folder)
            if "node_modules" in relative.parts or (folder == "stalkerlab" and relative.parts[0] in ("simulator",)):
                continue
            assert f"{installed}/{relative.as_posix()}" in names, f"{source} is not in the wheel"


def test_demo_detect_and_course_build_run_from_an_unrelated_folder(installed, tmp_path):
    bin_dir, _wheel = installed
    where = run(bin_dir, tmp_path, "--version")
    assert where.returncode == 0, where.stderr
    probe = subprocess.run([str(bin_dir / "python"), "-c", "import stalkerlab.detector as d; print(d.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    assert str(bin_dir.parent) in probe.stdout, f"not the installed wheel: {probe.stdout}"

    demo = run(bin_dir, tmp_path, "demo", "--out", "demo")
    assert demo.returncode == 0, demo.stderr
    detect = run(bin_dir, tmp_path, "detect", "--pcap", "demo/capture.pcap", "--device", "demo/device",
                 "--out", "again", "--no-pdf")
    assert detect.returncode == 0, detect.stderr
    report = json.loads((tmp_path / "again" / "report.json").read_text())
    assert report["verdict"] == "stalkerware"
    assert any(f["name"] == "stalkerlab-training" for f in report["manifest"]["feeds"])

    course = run(bin_dir, tmp_path, "course", "build", "--out", "site")
    assert course.returncode == 0, course.stderr
    assert (tmp_path / "site" / "index.html").is_file() and (tmp_path / "site" / "fr" / "index.html").is_file()
