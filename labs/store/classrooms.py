"""Instructors, classrooms and learners: accounts, join codes, opening times."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from stalkerlab.labs.definition import find_lab
from stalkerlab.labs.store.models import Classroom, Instructor, Learner

from stalkerlab.common.errors import UserError
from stalkerlab.common.translatable import N_

JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I: read out loud in a classroom
MIN_PASSWORD = 10


def now() -> datetime:
    return datetime.now(UTC)


def _code(length: int) -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(length))


def create_instructor(db: Session, username: str, password: str) -> Instructor:
    username = username.strip()
    if not username or len(username) > 80:
        raise UserError(N_("an instructor needs a user name of 1 to 80 characters"))
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    if db.scalar(select(Instructor).where(Instructor.username == username)):
        raise UserError(f"the instructor {username!r} exists already")
    instructor = Instructor(username=username, password_hash=PasswordHasher().hash(password), created_at=now())
    db.add(instructor)
    db.commit()
    return instructor


def authenticate(db: Session, username: str, password: str) -> Instructor | None:
    instructor = db.scalar(select(Instructor).where(Instructor.username == username.strip()))
    if instructor is None:
        PasswordHasher().hash(password)   # the same work as for a real account: no timing tells names apart
        return None
    try:
        PasswordHasher().verify(instructor.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return instructor


def create_classroom(db: Session, instructor: Instructor, name: str, track: str, lab_ids: list[str],
                     language: str = "en", opens_at: datetime | None = None,
                     closes_at: datetime | None = None) -> Classroom:
    name = name.strip()
    if not name or len(name) > 120:
        raise UserError(N_("a classroom needs a name of 1 to 120 characters"))
    if not lab_ids:
        raise UserError(N_("choose at least one lab for the classroom"))
    for lab_id in lab_ids:
        find_lab(lab_id)
    if opens_at and closes_at and closes_at <= opens_at:
        raise UserError(N_("the classroom must close after it opens"))
    while True:
        code = _code(8)
        if not db.scalar(select(Classroom).where(Classroom.join_code == code)):
            break
    classroom = Classroom(name=name, join_code=code, secret=secrets.token_hex(32), language=language, track=track,
                          lab_ids=list(lab_ids), opens_at=opens_at, closes_at=closes_at, created_by=instructor.id,
                          created_at=now())
    db.add(classroom)
    db.commit()
    return classroom


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every time here is UTC."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def is_open(classroom: Classroom, at: datetime | None = None) -> bool:
    at = at or now()
    opens, closes = _aware(classroom.opens_at), _aware(classroom.closes_at)
    return (opens is None or at >= opens) and (closes is None or at < closes)


def is_closed(classroom: Classroom, at: datetime | None = None) -> bool:
    closes = _aware(classroom.closes_at)
    return closes is not None and (at or now()) >= closes


def find_by_join_code(db: Session, code: str) -> Classroom | None:
    return db.scalar(select(Classroom).where(Classroom.join_code == code.strip().upper().replace(" ", "")))


def join(db: Session, classroom: Classroom, display_name: str) -> Learner:
    """A learner joins with a name or pseudonym only (no e-mail). The same name twice is refused: the person
    continues with their rejoin code instead, so nobody can take over someone else's work by typing their name."""
    display_name = " ".join(display_name.split())
    if not 1 <= len(display_name) <= 60:
        raise UserError(N_("choose a name or pseudonym of 1 to 60 characters"))
    if not is_open(classroom):
        raise UserError(N_("this classroom is not open"))
    if db.scalar(select(Learner).where(Learner.classroom_id == classroom.id, Learner.display_name == display_name)):
        raise UserError(N_("this name is taken in this classroom: choose another, or continue with your rejoin code"))
    learner = Learner(classroom_id=classroom.id, display_name=display_name, rejoin_code=_code(10), joined_at=now())
    db.add(learner)
    db.commit()
    return learner


def rejoin(db: Session, classroom: Classroom, rejoin_code: str) -> Learner | None:
    code = rejoin_code.strip().upper().replace(" ", "")
    return db.scalar(select(Learner).where(Learner.classroom_id == classroom.id, Learner.rejoin_code == code))
