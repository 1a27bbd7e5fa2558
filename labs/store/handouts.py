"""Learners' files in the portal: generated in worker processes (ahead for a class, or on a learner's first
visit), kept on disk under the portal's data folder, and served only to their owner. A variant is written into
a staging folder and renamed into place when complete, so a half-made handout (a crash, a kill -9) is never
served; the next request makes it again."""

from __future__ import annotations

import json
import shutil
import tempfile
from concurrent.futures import Executor
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from stalkerlab.labs.definition import find_lab
from stalkerlab.labs.store.classrooms import now
from stalkerlab.labs.store.models import Classroom, Learner, Variant
from stalkerlab.labs.variants import learner_seed

from stalkerlab.common.atomic_files import folder_entries, write_zip_atomic

PENDING, READY, FAILED = "pending", "ready", "failed"


def variant_dir(data_dir: Path, variant: Variant) -> Path:
    return Path(data_dir) / "variants" / f"{variant.learner_id}-{variant.lab_id}"


def handout_zip(data_dir: Path, variant: Variant) -> Path:
    return variant_dir(data_dir, variant) / "handout.zip"


def build_variant(data_dir: str, folder_name: str, lab_id: str, seed: int) -> dict:
    """In a worker process: the variant's files, its handout zip and its answer key (returned)."""
    from stalkerlab.labs.expected import answer_key
    from stalkerlab.labs.handout import questions_markdown
    from stalkerlab.labs.variants import make_variant

    lab = find_lab(lab_id)
    final = Path(data_dir) / "variants" / folder_name
    final.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{folder_name}.partial-", dir=final.parent))
    try:
        variant = make_variant(lab, seed, stage / "variant")
        key = {task_id: (e.as_json() if e else None) for task_id, e in answer_key(variant).items()}
        names = sorted(p.name for p in variant.learner_dir.iterdir())
        (variant.learner_dir / "questions.md").write_text(questions_markdown(lab, seed, names), encoding="utf-8")
        write_zip_atomic(stage / "handout.zip", folder_entries(variant.learner_dir, f"{lab_id}/"))
        shutil.rmtree(variant.key_dir)   # the key lives in the database, not beside the learner's files
        (stage / "answer_key.json").write_text(json.dumps(key), encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        stage.rename(final)
        return key
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def ensure_variant(db: Session, classroom: Classroom, learner: Learner, lab_id: str) -> Variant:
    variant = db.scalar(select(Variant).where(Variant.learner_id == learner.id, Variant.lab_id == lab_id))
    if variant is None:
        seed = learner_seed(classroom.secret.encode(), f"{classroom.id}:{learner.id}", lab_id)
        variant = Variant(learner_id=learner.id, lab_id=lab_id, seed=seed, status=PENDING, created_at=now())
        db.add(variant)
        db.commit()
    return variant


def start(executor: Executor, sessions: sessionmaker, data_dir: Path, variant: Variant) -> None:
    """Generate in the background; the row becomes ready (with its key) or failed (with the reason)."""
    folder = f"{variant.learner_id}-{variant.lab_id}"
    future = executor.submit(build_variant, str(data_dir), folder, variant.lab_id, variant.seed)

    def record(done) -> None:
        with sessions() as db:
            row = db.get(Variant, variant.id)
            if done.exception() is not None:
                row.status, row.error = FAILED, f"{type(done.exception()).__name__}: {done.exception()}"[:500]
            else:
                row.status, row.answer_key, row.error = READY, done.result(), None
            db.commit()

    future.add_done_callback(record)


def needs_start(variant: Variant, data_dir: Path, in_flight: set[int]) -> bool:
    """A pending variant nobody is making (a restart lost its worker), or a ready one whose files are gone."""
    if variant.id in in_flight:
        return False
    if variant.status == FAILED:   # deterministic: the same seed fails again; the instructor sees why
        return False
    if variant.status == PENDING:
        return True
    return not handout_zip(data_dir, variant).is_file()
