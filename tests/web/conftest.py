"""A portal for the tests: a fresh database (SQLite, or PostgreSQL when $STALKERLAB_TEST_POSTGRES_URL names one),
one instructor, and clients for the instructor and for learners."""

from __future__ import annotations

import os
import re
import time
import uuid

import pytest
from stalkerlab.labs.store.classrooms import create_instructor
from stalkerlab.labs.store.database import open_engine, session_factory, sqlite_url, upgrade

from stalkerlab.web import create_app

PASSWORD = "correct horse battery staple"


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


def log_in(client, username: str = "teacher", password: str = PASSWORD):
    return client.post("/instructor/login", data={"username": username, "password": password})


def new_classroom(client, labs=("c2-in-a-capture",), **extra) -> tuple[int, str]:
    response = client.post("/instructor/classrooms", data={"name": "Workshop", "track": "police", "labs": list(labs),
                                                          "language": "en", **extra})
    classroom_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/instructor/classrooms/{classroom_id}").get_data(as_text=True)
    return classroom_id, re.search(r'<code class="big">(\w+)</code>', page).group(1)


def wait_for_files(client, lab_id: str = "c2-in-a-capture", timeout: float = 90) -> str:
    client.get(f"/labs/{lab_id}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/labs/{lab_id}/status.json").json["status"]
        if status != "pending":
            return status
        time.sleep(0.5)
    raise AssertionError("the learner's files were not ready in time")
