"""The floors of the house (docs/architecture.md): an import only goes down.

    commands (the CLI) | web (Flask: the portal, later the appliance's pages)
    labs                               (definitions, variants, answers, checking)
    course | simulator | detector      (the engines: none imports another, nor Flask nor the docker SDK)
    common                             (errors, UTC time, atomic writes, the verdict vocabulary)

Checked on the source with `ast`, so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# installed package -> repository folder (as setup.py maps them)
WINGS = {"stalkerlab.common": "stalkerlab/common", "stalkerlab.simulator": "simulator",
         "stalkerlab.detector": "detector", "stalkerlab.course": "course",
         "stalkerlab.labs": "labs", "stalkerlab.web": "stalkerlab/web", "stalkerlab.commands": "stalkerlab/commands"}
# what each wing may import from the project, besides itself
ALLOWED = {
    "stalkerlab.common": set(),
    "stalkerlab.simulator": {"stalkerlab.common"},
    "stalkerlab.detector": {"stalkerlab.common"},
    "stalkerlab.course": {"stalkerlab.common"},
    # the middle floor: labs derive learners' files and answers with the engines
    "stalkerlab.labs": {"stalkerlab.common", "stalkerlab.simulator", "stalkerlab.detector"},
    # the top floor: the web pages and the CLI, thin over the floors below
    "stalkerlab.web": {"stalkerlab.common", "stalkerlab.labs", "stalkerlab.detector"},
    "stalkerlab.commands": set(WINGS),
}
WEB_AND_CONTAINERS = ("flask", "werkzeug", "docker")


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def wing_of(module: str) -> str | None:
    for wing in WINGS:
        if module == wing or module.startswith(wing + "."):
            return wing
    return None


def sources(folder: str):
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "node_modules" not in p.parts)


@pytest.mark.parametrize("wing", sorted(WINGS))
def test_each_wing_imports_only_the_floors_below_it(wing):
    wrong = []
    for path in sources(WINGS[wing]):
        for line, module in imported_modules(path):
            target = wing_of(module)
            if module.startswith("stalkerlab") and target != wing and target not in ALLOWED[wing] \
                    and module not in ("stalkerlab",):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
            if wing not in ("stalkerlab.commands", "stalkerlab.web") and module.split(".")[0] in WEB_AND_CONTAINERS:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module} (engines stay free of web and docker)")
    assert not wrong, "\n".join(wrong)


OLD_TOP_LEVEL = re.compile(r"^\s*(?:from|import)\s+(?:detector|simulator|course|labs)\b", re.MULTILINE)


def test_no_module_uses_the_old_top_level_names():
    """`detector` and `simulator` are not importable once installed: only stalkerlab.detector etc. are."""
    wrong = [f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
             for folder in ("stalkerlab", "simulator", "detector", "course", "tests", "benchmarks")
             for path in sources(folder)
             for match in OLD_TOP_LEVEL.finditer(path.read_text(encoding="utf-8"))]
    assert not wrong, "\n".join(wrong)


def test_no_python_package_is_named_docker():
    """A package called docker would shadow the docker SDK."""
    assert not [p for p in ROOT.rglob("docker/__init__.py") if "node_modules" not in p.parts]
