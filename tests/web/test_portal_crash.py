"""kill -9 of the portal while a class is answering: every answer the server acknowledged is there after a
restart, and a learner is never served a half-made handout."""

from __future__ import annotations

import json
import signal
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_portal import LAB, Browser, init_portal, instructor_with_classroom, join, serve_portal  # noqa: E402


def test_acknowledged_answers_survive_kill_9_and_handouts_are_whole(tmp_path):
    home = tmp_path / "portal"
    init_portal(home)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "portal.log").open("ab")
    server = serve_portal(home, port, log)
    _, classroom_id, code = instructor_with_classroom(base)
    people = [join(base, code, f"learner {i}") for i in range(8)]
    for person in people:
        person.get(f"/labs/{LAB}")
    while not all('"ready"' in p.get(f"/labs/{LAB}/status.json")[1] for p in people):
        time.sleep(0.5)

    acknowledged: list[tuple[str, str]] = []
    stop = threading.Event()

    def answering(person: Browser, name: str) -> None:
        person.get(f"/labs/{LAB}")
        n = 0
        while not stop.is_set() and n < 500:
            answer = f"{name}: written answer number {n}"   # free text: no attempt limit
            try:
                status, _ = person.post(f"/labs/{LAB}/tasks/explain", {"answer": answer}, follow=False)
            except OSError:
                return   # the server is gone: this answer was never acknowledged
            if status == 302:
                acknowledged.append((name, answer))
            n += 1

    threads = [threading.Thread(target=answering, args=(p, f"learner {i}")) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    time.sleep(3)
    server.send_signal(signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join()
    server.wait()
    assert acknowledged, "no answer was acknowledged before the kill"

    from sqlalchemy import select
    from stalkerlab.labs.store.database import open_engine, session_factory
    from stalkerlab.labs.store.models import Attempt, Learner

    settings = json.loads((home / "portal.json").read_text())
    with session_factory(open_engine(settings["database_url"]))() as db:
        stored = {(name, answer) for name, answer in db.execute(
            select(Learner.display_name, Attempt.answer).join(Attempt, Attempt.learner_id == Learner.id))}
    lost = [a for a in acknowledged if a not in stored]
    assert not lost, f"{len(lost)} acknowledged answers lost, e.g. {lost[:3]}"

    # kill -9 while a new learner's files are being made: after the restart they are made again, whole
    server = serve_portal(home, port, log)
    late = join(base, code, "late learner")
    late.get(f"/labs/{LAB}")   # starts making the files
    time.sleep(0.3)
    server.send_signal(signal.SIGKILL)
    server.wait()
    server = serve_portal(home, port, log)
    try:
        variants = Path(settings["data_dir"]) / "variants"
        deadline = time.monotonic() + 120
        while '"ready"' not in late.get(f"/labs/{LAB}/status.json")[1]:   # same browser, same session cookie
            assert time.monotonic() < deadline, "the files never became ready after the restart"
            time.sleep(0.5)
        assert late.get(f"/labs/{LAB}/files.zip")[0] == 200
        for folder in variants.iterdir():
            if ".partial-" not in folder.name:
                assert (folder / "handout.zip").is_file(), f"{folder} is in place without its handout"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
