"""Answers in a classroom: attempts within the lab's limit (plus any an instructor gave), hints at their cost,
and each task's score. Each answer is checked against the learner's own variant, and stored with how soon after
fetching the files it came (for the instructor's integrity signals)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from stalkerlab.labs.checking import RIGHT, TO_MARK, Check, check
from stalkerlab.labs.definition import Lab, Task
from stalkerlab.labs.expected import Expected
from stalkerlab.labs.store.classrooms import is_open, now
from stalkerlab.labs.store.handouts import READY
from stalkerlab.labs.store.models import Attempt, Classroom, ExtraAttempts, HintTaken, Learner, Variant

from stalkerlab.common.errors import UserError
from stalkerlab.common.translatable import N_

FAST_SOLVE_S = 20.0   # a right answer this soon after the files were fetched is worth a look


@dataclass(frozen=True)
class TaskState:
    task: Task
    attempts_used: int
    attempts_allowed: int
    best: float              # best share of the points, 0..1
    solved: bool
    awaiting_marking: bool
    hints_taken: int
    hint_cost: int
    last_answer: str | None

    @property
    def points(self) -> float:
        return max(0.0, self.best * self.task.points - self.hint_cost)

    @property
    def attempts_left(self) -> int:
        return max(0, self.attempts_allowed - self.attempts_used)


def _attempts(db: Session, learner: Learner, lab_id: str, task_id: str | None = None) -> list[Attempt]:
    query = select(Attempt).where(Attempt.learner_id == learner.id, Attempt.lab_id == lab_id)
    if task_id:
        query = query.where(Attempt.task_id == task_id)
    return list(db.scalars(query.order_by(Attempt.id)))


def task_states(db: Session, learner: Learner, lab: Lab) -> dict[str, TaskState]:
    attempts = _attempts(db, learner, lab.id)
    hints = list(db.scalars(select(HintTaken).where(HintTaken.learner_id == learner.id,
                                                    HintTaken.lab_id == lab.id)))
    extras = {e.task_id: e.extra for e in db.scalars(select(ExtraAttempts).where(
        ExtraAttempts.learner_id == learner.id, ExtraAttempts.lab_id == lab.id))}
    states = {}
    for task in lab.tasks:
        mine = [a for a in attempts if a.task_id == task.id]
        taken = [h for h in hints if h.task_id == task.id]
        states[task.id] = TaskState(
            task=task, attempts_used=sum(a.counted for a in mine),
            attempts_allowed=task.attempts + extras.get(task.id, 0),
            best=max((a.score for a in mine), default=0.0), solved=any(a.status == RIGHT for a in mine),
            awaiting_marking=any(a.status == TO_MARK for a in mine), hints_taken=len(taken),
            hint_cost=sum(h.cost for h in taken), last_answer=mine[-1].answer if mine else None)
    return states


def submit(db: Session, classroom: Classroom, learner: Learner, lab: Lab, task_id: str, answer: str,
           language: str = "en", files_fetched_at: float | None = None) -> Check:
    """Check and store one answer. Unreadable answers and answers for the instructor cost no attempt; the row
    is committed before the learner is told the result, so an acknowledged answer survives a crash."""
    if not is_open(classroom):
        raise UserError(N_("this classroom is closed: answers are no longer accepted"))
    task = lab.task(task_id)
    variant = db.scalar(select(Variant).where(Variant.learner_id == learner.id, Variant.lab_id == lab.id))
    if variant is None or variant.status != READY:
        raise UserError(N_("your files for this lab are not ready yet"))
    state = task_states(db, learner, lab)[task_id]
    if state.solved:
        raise UserError(N_("you have already answered this question correctly"))
    if state.attempts_left <= 0 and not task.answer.marked_by_instructor:
        raise UserError(N_("no attempts left for this question: ask your instructor"))
    key = variant.answer_key.get(task_id)
    expected = Expected.from_json(key) if key else None
    result = check(task, expected, answer, language)
    # whether the answer fits a neighbour's files is worked out when the instructor looks (gradebook), so an
    # answer costs the same in a class of 5 or of 200
    seconds = (now().timestamp() - files_fetched_at) if files_fetched_at else None
    db.add(Attempt(learner_id=learner.id, lab_id=lab.id, task_id=task_id, answer=answer, status=result.status,
                   score=result.score, counted=result.counts_as_attempt, seconds_since_files=seconds,
                   created_at=now()))
    db.commit()
    return result


def take_hint(db: Session, learner: Learner, lab: Lab, task_id: str) -> str | None:
    """The next hint of a task (recorded with its cost), or None when there is none left."""
    task = lab.task(task_id)
    taken = db.scalars(select(HintTaken).where(HintTaken.learner_id == learner.id, HintTaken.lab_id == lab.id,
                                               HintTaken.task_id == task_id)).all()
    if len(taken) >= len(task.hints):
        return None
    hint = task.hints[len(taken)]
    db.add(HintTaken(learner_id=learner.id, lab_id=lab.id, task_id=task_id, hint_index=len(taken), cost=hint.cost,
                     created_at=now()))
    db.commit()
    return hint


def hints_shown(states: dict[str, TaskState]) -> dict[str, list]:
    """The hints each task has shown so far (their count is in the task's state)."""
    return {task_id: list(state.task.hints[:state.hints_taken]) for task_id, state in states.items()}


def give_extra_attempts(db: Session, learner: Learner, lab_id: str, task_id: str, extra: int = 1) -> None:
    row = db.scalar(select(ExtraAttempts).where(ExtraAttempts.learner_id == learner.id,
                                                ExtraAttempts.lab_id == lab_id, ExtraAttempts.task_id == task_id))
    if row is None:
        row = ExtraAttempts(learner_id=learner.id, lab_id=lab_id, task_id=task_id, extra=0)
        db.add(row)
    row.extra += extra
    db.commit()


def mark_rubric_answer(db: Session, attempt: Attempt, share: float, instructor_id: int) -> None:
    if not 0 <= share <= 1:
        raise UserError(N_("a mark is a share of the points between 0 and 1"))
    attempt.score, attempt.status, attempt.marked_by = share, RIGHT if share == 1 else "marked", instructor_id
    db.commit()


def reset_learner(db: Session, learner: Learner, lab_id: str) -> None:
    """Start the lab again from zero (same files): attempts, hints and extra attempts of that lab go."""
    for model in (Attempt, HintTaken, ExtraAttempts):
        for row in db.scalars(select(model).where(model.learner_id == learner.id, model.lab_id == lab_id)):
            db.delete(row)
    db.commit()
