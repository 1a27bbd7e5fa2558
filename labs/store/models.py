"""The classroom's records. Expected answers live only in `Variant.answer_key` and never leave the server."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints, so that Alembic's batch migrations can alter them on SQLite.
NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Instructor(Base):
    __tablename__ = "instructor"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Classroom(Base):
    __tablename__ = "classroom"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    secret: Mapped[str] = mapped_column(String(128))   # the HMAC key of the learners' seeds; never shown
    language: Mapped[str] = mapped_column(String(8), default="en")
    track: Mapped[str] = mapped_column(String(32))
    lab_ids: Mapped[list] = mapped_column(JSON)
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    walkthroughs_revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int] = mapped_column(ForeignKey("instructor.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    learners: Mapped[list[Learner]] = relationship(back_populates="classroom", order_by="Learner.id")


class Learner(Base):
    __tablename__ = "learner"
    __table_args__ = (UniqueConstraint("classroom_id", "display_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(60))
    rejoin_code: Mapped[str] = mapped_column(String(16))   # to continue on another computer
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    classroom: Mapped[Classroom] = relationship(back_populates="learners")


class Variant(Base):
    """One learner's files for one lab, and the answers derived from them (server only)."""

    __tablename__ = "variant"
    __table_args__ = (UniqueConstraint("learner_id", "lab_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), index=True)
    lab_id: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")   # pending, ready, failed
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    answer_key: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Attempt(Base):
    """A submitted answer, checked when it arrived; a rubric answer is marked later by an instructor."""

    __tablename__ = "attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), index=True)
    lab_id: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[str] = mapped_column(String(48))
    answer: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    seconds_since_files: Mapped[float | None] = mapped_column(Float, nullable=True)
    marked_by: Mapped[int | None] = mapped_column(ForeignKey("instructor.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HintTaken(Base):
    __tablename__ = "hint_taken"
    __table_args__ = (UniqueConstraint("learner_id", "lab_id", "task_id", "hint_index"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), index=True)
    lab_id: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[str] = mapped_column(String(48))
    hint_index: Mapped[int] = mapped_column(Integer)
    cost: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExtraAttempts(Base):
    __tablename__ = "extra_attempts"
    __table_args__ = (UniqueConstraint("learner_id", "lab_id", "task_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), index=True)
    lab_id: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[str] = mapped_column(String(48))
    extra: Mapped[int] = mapped_column(Integer, default=0)
