"""The classroom portal under a class's load, on loopback, behind its production server (waitress):

1. handouts: a 30-learner class, the instructor presses "prepare every learner's files"; time until every
   learner's files are ready (bar: under 60 s on the project's 2-core machine);
2. answers: 200 learners submit answers (CSRF token and all, as a browser does; each one about every 10 s,
   a brisk class: nobody works out a C2 name in less) and reload the page to read the feedback, while an
   instructor fetches the live grid every second, for a bounded time; errors and the p95 answer latency, from
   the POST to the server's acknowledgement (bar: no error, p95 < 200 ms on SQLite).

    python benchmarks/bench_portal.py [--learners 200] [--seconds 30] [--class-size 30] [--skip-handouts]

For the answer load every learner needs a ready variant; generating 200 sets of files would measure the
simulator, not the portal, so the load phase gives the 200 learners variants whose answer key is copied from
one real variant (their files are never fetched in that phase).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

PASSWORD = "benchmark-password-123"
LAB = "c2-in-a-capture"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class KeepRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None   # hand the 302 back: it is the acknowledgement being timed


class Browser:
    """One person's cookies and the CSRF token of the last page, over plain urllib."""

    def __init__(self, base: str):
        self.base = base
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)
        self.no_redirects = urllib.request.build_opener(cookies, KeepRedirect)
        self.token = ""

    def _read(self, response) -> tuple[int, str]:
        body = response.read().decode("utf-8", "replace")
        found = re.search(r'name="csrf_token" value="([^"]+)"', body)   # the newest page's token, as a browser
        self.token = found.group(1) if found else self.token
        return response.status, body

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return self._read(response)

    def post(self, path: str, fields: dict | list, follow: bool = True) -> tuple[int, str]:
        """POST a form; with follow=False the answer is the server's own response (a 303/302 acknowledges)."""
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        data = urllib.parse.urlencode([("csrf_token", self.token), *items]).encode()
        opener = self.opener if follow else self.no_redirects
        try:
            with opener.open(self.base + path, data=data, timeout=30) as response:
                return self._read(response)
        except urllib.error.HTTPError as exc:
            return exc.code, ""


def init_portal(home: Path) -> None:
    (home.parent / "pw").write_text(PASSWORD)
    subprocess.run([sys.executable, "-m", "stalkerlab.cli", "portal", "init", "--home", str(home),
                    "--password-file", str(home.parent / "pw")], check=True, capture_output=True)


def serve_portal(home: Path, port: int, log, *extra: str) -> subprocess.Popen:
    """`stalkerlab portal serve` in its own session, once it accepts connections. Its log goes to `log` (a
    file: a pipe nobody reads would fill up and stop the server)."""
    server = subprocess.Popen([sys.executable, "-m", "stalkerlab.cli", "portal", "serve", "--home", str(home),
                               "--port", str(port), *extra], stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the portal did not start")


def start_portal(home: Path, port: int) -> subprocess.Popen:
    init_portal(home)
    log = open(home.parent / "portal.log", "wb")   # noqa: SIM115 - lives as long as the server
    return serve_portal(home, port, log, "--threads", "16")


def instructor_with_classroom(base: str) -> tuple[Browser, int, str]:
    teacher = Browser(base)
    teacher.get("/instructor/login")
    teacher.post("/instructor/login", {"username": "instructor", "password": PASSWORD})
    teacher.get("/instructor/")
    teacher.post("/instructor/classrooms", {"name": "Benchmark class", "track": "police", "labs": LAB,
                                            "language": "en"})
    status, page = teacher.get("/instructor/")
    classroom_id = int(re.findall(r"/instructor/classrooms/(\d+)", page)[0])
    _, page = teacher.get(f"/instructor/classrooms/{classroom_id}")
    return teacher, classroom_id, re.search(r'<code class="big">(\w+)</code>', page).group(1)


def join(base: str, code: str, name: str) -> Browser:
    learner = Browser(base)
    learner.get("/join")
    learner.post("/join", {"code": code, "name": name})
    return learner


def bench_handouts(base: str, class_size: int) -> float:
    teacher, classroom_id, code = instructor_with_classroom(base)
    for i in range(class_size):
        join(base, code, f"learner {i:02d}")
    teacher.get(f"/instructor/classrooms/{classroom_id}")
    started = time.perf_counter()
    teacher.post(f"/instructor/classrooms/{classroom_id}/prepare", {})
    while True:
        time.sleep(0.5)
        _, body = teacher.get(f"/instructor/classrooms/{classroom_id}/grid.json")
        ready = json.loads(body)["files"]["ready"]
        if ready >= class_size:
            return time.perf_counter() - started
        print(f"  {ready}/{class_size} ready after {time.perf_counter() - started:.0f} s", end="\r", file=sys.stderr)
        if time.perf_counter() - started > 600:
            raise SystemExit("handouts not ready after 10 minutes")


def copy_keys(home: Path, classroom_id: int) -> None:
    """Give every learner of the class a ready variant with the answer key and files of the first real one."""
    import shutil

    from sqlalchemy import select
    from stalkerlab.labs.store.database import open_engine, session_factory
    from stalkerlab.labs.store.handouts import variant_dir
    from stalkerlab.labs.store.models import Learner, Variant

    settings = json.loads((home / "portal.json").read_text())
    with session_factory(open_engine(settings["database_url"]))() as db:
        template = db.scalar(select(Variant).where(Variant.status == "ready"))
        files = variant_dir(settings["data_dir"], template)
        for learner in db.scalars(select(Learner).where(Learner.classroom_id == classroom_id)):
            if db.scalar(select(Variant).where(Variant.learner_id == learner.id)) is None:
                copy = Variant(learner_id=learner.id, lab_id=LAB, seed=template.seed, status="ready",
                               answer_key=template.answer_key, created_at=template.created_at)
                db.add(copy)
                db.flush()
                shutil.copytree(files, variant_dir(settings["data_dir"], copy))
        db.commit()


def bench_answers(base: str, home: Path, learners: int, seconds: float, think_s: float) -> dict:
    teacher, classroom_id, code = instructor_with_classroom(base)
    people = [join(base, code, f"learner {i:03d}") for i in range(learners)]
    people[0].get(f"/labs/{LAB}")   # one real variant, whose key the others borrow
    while '"ready"' not in people[0].get(f"/labs/{LAB}/status.json")[1]:
        time.sleep(0.5)
    copy_keys(home, classroom_id)
    latencies, errors, stop = [], [], time.monotonic() + seconds
    lock = threading.Lock()

    def learner_loop(person: Browser, index: int) -> None:
        rng = random.Random(index)
        time.sleep(rng.uniform(0, think_s))   # a class does not press the button in the same second
        person.get(f"/labs/{LAB}")
        n = 0
        while time.monotonic() < stop:
            answer = ["2026-01-01T00:00:00Z", "300", "12", "a.example"][n % 4]
            task = ["first-contact", "beacon-period", "first-query-packet", "c2-names"][n % 4]
            started = time.perf_counter()
            status, _ = person.post(f"/labs/{LAB}/tasks/{task}", {"answer": answer}, follow=False)
            elapsed = time.perf_counter() - started
            page, _ = person.get(f"/labs/{LAB}")   # the browser then shows the feedback (not timed)
            with lock:
                if status == 302 and page == 200:
                    latencies.append(elapsed)
                else:
                    errors.append((status, page))
            n += 1
            time.sleep(rng.uniform(0.5, 1.5) * think_s)   # reading the feedback, looking at the files

    def grid_loop() -> None:
        while time.monotonic() < stop:
            status, _ = teacher.get(f"/instructor/classrooms/{classroom_id}/grid.json")
            if status != 200:
                errors.append(status)
            time.sleep(1.0)

    threads = [threading.Thread(target=learner_loop, args=(p, i)) for i, p in enumerate(people)]
    threads.append(threading.Thread(target=grid_loop))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {"answers": len(latencies), "errors": len(errors),
            "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--class-size", type=int, default=30)
    parser.add_argument("--skip-handouts", action="store_true")
    parser.add_argument("--think", type=float, default=10.0,
                        help="seconds a learner spends between answers, on average (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as tmp:
        port = free_port()
        home = Path(tmp) / "portal"
        server = start_portal(home, port)
        base = f"http://127.0.0.1:{port}"
        try:
            if not args.skip_handouts:
                took = bench_handouts(base, args.class_size)
                print(f"handouts: {args.class_size} learners ready in {took:.1f} s "
                      f"(bar 60 s: ratio {took / 60:.2f})")
            result = bench_answers(base, home, args.learners, args.seconds, args.think)
            print(f"answers: {args.learners} learners (one answer every ~{args.think:.0f} s each), "
                  f"{result['answers']} answers in {args.seconds:.0f} s, "
                  f"{result['errors']} errors; p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms "
                  f"(bar 200 ms: ratio {result['p95_ms'] / 200:.2f})")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
