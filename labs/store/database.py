"""Opening the classroom database: an engine per URL, SQLite tuned for many small writes (WAL, a busy
timeout, foreign keys on), and the schema brought to the newest migration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from stalkerlab.common.errors import UserError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def open_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):   # SQLAlchemy 2.0 would pick psycopg2; the project uses psycopg 3
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except Exception as exc:   # a malformed URL or a missing driver: one line, never a traceback
        raise UserError(f"{url.split('@')[-1]}: cannot open the database ({exc})") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=5000", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic), on SQLite and PostgreSQL alike."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
