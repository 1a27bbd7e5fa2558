"""A portal for the tests: a fresh database (SQLite, or PostgreSQL when $STALKERLAB_TEST_POSTGRES_URL names one),
one instructor, and clients for the instructor and for learners."""

from __future__ import annotations

import os
import uuid

import pytest
from portal_client import PASSWORD
from stalkerlab.labs.store.classrooms import create_instructor
from stalkerlab.labs.store.database import open_engine, session_factory, sqlite_url, upgrade

from stalkerlab.web import create_app


def postgres_url() -> str | None:
    return os.environ.get("STALKERLAB_TEST_POSTGRES_URL")


def fresh_database_url(tmp_path, backend: str) -> str:
    if backend == "sqlite":
        return sqlite_url(tmp_path / "portal.sqlite3")
    base = postgres_url()
    if not base:
        if os.environ.get("CI"):
            pytest.fail("CI must provide PostgreSQL ($STALKERLAB_TEST_POSTGRES_URL): .ci/run starts it")
        pytest.skip("no PostgreSQL here: set STALKERLAB_TEST_POSTGRES_URL (.ci/run does)")
    from sqlalchemy import create_engine, text

    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    return fresh_database_url(tmp_path, request.param)


@pytest.fixture
def portal(tmp_path, database_url):
    """(app, instructor client) with CSRF switched off for the test client; the CSRF test builds its own app."""
    engine = open_engine(database_url)
    upgrade(engine)
    with session_factory(engine)() as db:
        create_instructor(db, "teacher", PASSWORD)
    engine.dispose()
    app = create_app({"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "data"), "WTF_CSRF_ENABLED": False,
                      "WORKERS": 2, "TESTING": True})
    yield app
    app.extensions["stalkerlab"]["executor"].shutdown(cancel_futures=True)
