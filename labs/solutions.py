"""Reference solutions: each lab's `solution.py` has `solve(files: Path) -> dict[task_id, str]`, reaching every
auto-marked answer from the learner's files alone (the tools the course teaches: `stalkerlab detect`, tshark
fields, reading the device folder). Running it on several seeds and requiring full marks proves that no lab
asks something its files do not show."""

from __future__ import annotations

import importlib.util
import tempfile
from dataclasses import dataclass
from pathlib import Path

from stalkerlab.labs.checking import RIGHT, Check, check
from stalkerlab.labs.definition import Lab
from stalkerlab.labs.expected import answer_key
from stalkerlab.labs.variants import Variant, make_variant

from stalkerlab.common.errors import UserError


@dataclass(frozen=True)
class SolveResult:
    lab: Lab
    seed: int
    checks: dict[str, Check]

    @property
    def full_marks(self) -> bool:
        return all(c.status == RIGHT for task_id, c in self.checks.items()
                   if not self.lab.task(task_id).answer.marked_by_instructor)

    def failures(self) -> list[str]:
        return [f"{task_id}: {c.status} ({c.message})" for task_id, c in self.checks.items()
                if c.status != RIGHT and not self.lab.task(task_id).answer.marked_by_instructor]


def load_solver(lab: Lab):
    spec = importlib.util.spec_from_file_location(f"stalkerlab_lab_solution_{lab.id.replace('-', '_')}",
                                                  lab.solution_file)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:   # the solution is the lab author's code: name the file, keep one line
        raise UserError(f"{lab.solution_file}: cannot load ({type(exc).__name__}: {exc})") from None
    if not callable(getattr(module, "solve", None)):
        raise UserError(f"{lab.solution_file}: has no solve(files) function")
    return module.solve


def mark_variant(variant: Variant, answers: dict[str, str]) -> dict[str, Check]:
    key = answer_key(variant)
    return {task.id: check(task, key[task.id], answers.get(task.id, "")) for task in variant.lab.tasks}


def solve(lab: Lab, seed: int, work: Path | None = None) -> SolveResult:
    """Generate the seed's variant, run the lab's solution on the learner's files only, and mark it."""
    solver = load_solver(lab)
    with tempfile.TemporaryDirectory(prefix=f"lab-{lab.id}-") as tmp:
        variant = make_variant(lab, seed, Path(work or tmp) / f"seed-{seed}")
        try:
            answers = solver(variant.learner_dir)
        except Exception as exc:   # the lab author's code: report it as a failing solution, in one line
            raise UserError(f"{lab.solution_file}: solve() failed on seed {seed} "
                            f"({type(exc).__name__}: {exc})") from None
        if not isinstance(answers, dict):
            raise UserError(f"{lab.solution_file}: solve() must return a dict of task id -> answer")
        return SolveResult(lab, seed, mark_variant(variant, {k: str(v) for k, v in answers.items()}))
