"""What an instructor sees of a classroom: the progress grid (learners x tasks), how hard each task is
(share right at the first try), integrity signals, and the grades as CSV (Moodle's gradebook imports it,
mapping the Learner column to a user field) and JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stalkerlab.labs.checking import PARTLY, RIGHT, WRONG, is_right
from stalkerlab.labs.definition import Lab, find_lab
from stalkerlab.labs.expected import Expected
from stalkerlab.labs.store.answering import FAST_SOLVE_S, task_states
from stalkerlab.labs.store.handouts import READY
from stalkerlab.labs.store.models import Attempt, Classroom, Variant


@dataclass(frozen=True)
class Signal:
    learner: str
    lab_id: str
    task_id: str
    what: str          # "copied-variant" or "fast-solve"
    detail: str


def labs_of(classroom: Classroom) -> list[Lab]:
    return [find_lab(lab_id) for lab_id in classroom.lab_ids]


def grid(db: Session, classroom: Classroom) -> dict:
    """JSON for the live grid: one row per learner, one cell per task (state and points)."""
    labs = labs_of(classroom)
    rows = []
    for learner in classroom.learners:
        cells, total = {}, 0.0
        for lab in labs:
            for task_id, state in task_states(db, learner, lab).items():
                status = ("right" if state.solved else "to-mark" if state.awaiting_marking
                          else "tried" if state.attempts_used else "open")
                cells[f"{lab.id}/{task_id}"] = {"status": status, "points": round(state.points, 2),
                                                "attempts": state.attempts_used, "hints": state.hints_taken}
                total += state.points
        rows.append({"learner": learner.display_name, "learner_id": learner.id, "cells": cells,
                     "total": round(total, 2)})
    columns = [{"id": f"{lab.id}/{t.id}", "lab": lab.id, "task": t.id, "points": t.points}
               for lab in labs for t in lab.tasks]
    learner_ids = [learner.id for learner in classroom.learners]
    ready = db.scalar(select(func.count()).select_from(Variant).where(
        Variant.learner_id.in_(learner_ids), Variant.status == READY)) if learner_ids else 0
    return {"classroom": classroom.name, "columns": columns, "rows": rows,
            "max_total": sum(lab.points for lab in labs),
            "files": {"ready": ready, "wanted": len(learner_ids) * len(labs)}}


def difficulty(db: Session, classroom: Classroom) -> dict[str, float | None]:
    """Per task: the share of learners who tried it and were right at their first counted attempt."""
    first: dict[str, list[bool]] = {}
    learner_ids = [learner.id for learner in classroom.learners]
    attempts = db.scalars(select(Attempt).where(Attempt.learner_id.in_(learner_ids), Attempt.counted)
                          .order_by(Attempt.id)) if learner_ids else []
    seen = set()
    for attempt in attempts:
        key = (attempt.learner_id, attempt.lab_id, attempt.task_id)
        if key in seen:
            continue
        seen.add(key)
        first.setdefault(f"{attempt.lab_id}/{attempt.task_id}", []).append(attempt.status == RIGHT)
    return {column: (sum(rights) / len(rights) if rights else None) for column, rights in first.items()}


def integrity_signals(db: Session, classroom: Classroom) -> list[Signal]:
    """Answers that are wrong for their author but right for another learner's files (copied from a neighbour,
    whose variant differs), and right answers that came implausibly soon after the files were fetched."""
    names = {learner.id: learner.display_name for learner in classroom.learners}
    if not names:
        return []
    keys = {v.learner_id: (v.lab_id, v.answer_key) for v in db.scalars(
        select(Variant).where(Variant.learner_id.in_(list(names)), Variant.status == READY))}
    labs = {lab.id: lab for lab in labs_of(classroom)}
    signals = []
    for attempt in db.scalars(select(Attempt).where(Attempt.learner_id.in_(list(names))).order_by(Attempt.id)):
        if attempt.status in (WRONG, PARTLY) and attempt.lab_id in labs:
            task = labs[attempt.lab_id].task(attempt.task_id)
            for other, (lab_id, key) in keys.items():
                expected = key.get(attempt.task_id) if lab_id == attempt.lab_id and key else None
                if other != attempt.learner_id and expected and is_right(task, Expected.from_json(expected),
                                                                          attempt.answer):
                    signals.append(Signal(names[attempt.learner_id], attempt.lab_id, attempt.task_id,
                                          "copied-variant", f"right for {names[other]}'s files, not their own"))
                    break
        if attempt.status == RIGHT and attempt.seconds_since_files is not None \
                and attempt.seconds_since_files < FAST_SOLVE_S:
            signals.append(Signal(names[attempt.learner_id], attempt.lab_id, attempt.task_id, "fast-solve",
                                  f"right {attempt.seconds_since_files:.0f} s after fetching the files"))
    return signals


def grades_csv(db: Session, classroom: Classroom) -> str:
    data = grid(db, classroom)
    labs = labs_of(classroom)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Learner", *[f"{lab.title()} ({lab.points})" for lab in labs], f"Total ({data['max_total']})"])
    for row in data["rows"]:
        per_lab = [round(sum(cell["points"] for key, cell in row["cells"].items() if key.startswith(f"{lab.id}/")), 2)
                   for lab in labs]
        writer.writerow([row["learner"], *per_lab, row["total"]])
    return out.getvalue()


def grades_json(db: Session, classroom: Classroom) -> str:
    data = grid(db, classroom)
    data["difficulty"] = difficulty(db, classroom)
    data["signals"] = [signal.__dict__ for signal in integrity_signals(db, classroom)]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
