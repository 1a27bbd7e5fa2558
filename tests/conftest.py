"""Shared fixtures: the path of ../shared (skipping cleanly without it) and the CLI runner."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from stalkerlab.cli import main

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
CHROMIUM = Path(os.environ.get("STALKERLAB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project (it is developer material, not part of the product)")
    return SHARED


@pytest.fixture
def run_cli(capsys):
    """Run `stalkerlab ARGS...` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def simulated(tmp_path_factory):
    """Simulated phones shared by the whole session, each built once: `simulated(scenario, seed, minutes)`
    gives (case folder, answer key). Tests only read a case; they write reports into their own tmp_path."""
    from stalkerlab.simulator.simulate import prepare_scenario, simulate

    made: dict[tuple[str, int, int], tuple[Path, dict]] = {}

    def case(scenario: str, seed: int, duration_min: int) -> tuple[Path, dict]:
        key = (scenario, seed, duration_min)
        if key not in made:
            folder = tmp_path_factory.mktemp(f"{scenario}-{seed}") / "case"
            made[key] = folder, simulate(prepare_scenario(scenario), seed, folder, duration_min=duration_min).truth
        return made[key]

    return case


@pytest.fixture(scope="session")
def stalkerware_phone(simulated) -> tuple[Path, dict]:
    """The phone most detector tests read: a known family over HTTPS, 20 minutes, with device and stimuli."""
    return simulated("stalkerware-https-sni", 4, 20)


@pytest.fixture
def detect_case(run_cli):
    """`detect_case(folder, out, *options)`: `stalkerlab detect` on a simulated case's capture, device and
    stimuli; returns (exit code, stdout, stderr)."""

    def detect(folder: Path, out: Path, *extra: str):
        return run_cli("detect", "--pcap", folder / "capture.pcap", "--device", folder / "device",
                       "--stimuli", folder / "stimuli.json", "--out", out, *extra)

    return detect


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (which never downloads a browser here). One for the whole
    session: Playwright's sync API cannot run two at once."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (apt-get install -y chromium)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright is not installed (pip install playwright; no browser download needed)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def axe_script() -> str:
    """axe-core, the accessibility checker, from the npm registry (`npm ci --prefix course`)."""
    candidates = [os.environ.get("AXE_CORE_JS", ""), PROJECT_ROOT / "course/node_modules/axe-core/axe.min.js"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    pytest.skip("axe-core not found: run `npm ci --prefix course` (or set AXE_CORE_JS to axe.min.js)")


@pytest.fixture(scope="session")
def axe_problems(axe_script):
    """`axe_problems(page)`: axe-core's serious and critical violations on the page, one line each."""

    def problems(page) -> list[str]:
        page.add_script_tag(content=axe_script)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
                for v in result["violations"] if v["impact"] in ("serious", "critical")]

    return problems
