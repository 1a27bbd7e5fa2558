"""Who can reach what: instructor pages need a login, learners see only their own things, bad input is a page
in plain words, never a traceback."""

from __future__ import annotations

from portal_client import PASSWORD, log_in, new_classroom

from stalkerlab.web import create_app


def test_instructor_pages_need_a_login_and_a_learner_is_not_an_instructor(portal):
    instructor = portal.test_client()
    assert instructor.get("/instructor/").status_code == 302
    assert log_in(instructor, password="wrong password!").status_code == 401
    assert log_in(instructor).status_code == 302
    classroom_id, code = new_classroom(instructor)
    learner = portal.test_client()
    assert learner.post("/join", data={"code": code, "name": "Ana"}).status_code == 302
    room = f"/instructor/classrooms/{classroom_id}"
    for path in ("/instructor/", room, f"{room}/grid.json", f"{room}/grades.csv"):
        response = learner.get(path)
        assert response.status_code == 302 and "/instructor/login" in response.headers["Location"], path


def test_another_instructor_cannot_see_a_classroom(portal):
    from stalkerlab.labs.store.classrooms import create_instructor

    first = portal.test_client()
    log_in(first)
    classroom_id, _ = new_classroom(first)
    with portal.extensions["stalkerlab"]["sessions"]() as db:
        create_instructor(db, "other", PASSWORD)
    other = portal.test_client()
    log_in(other, "other")
    assert other.get(f"/instructor/classrooms/{classroom_id}").status_code == 404
    assert other.get(f"/instructor/classrooms/{classroom_id}/grades.csv").status_code == 404


def test_a_wrong_join_code_and_a_taken_name_are_plain_messages(portal):
    instructor = portal.test_client()
    log_in(instructor)
    _, code = new_classroom(instructor)
    learner = portal.test_client()
    wrong = learner.post("/join", data={"code": "NOPE1234", "name": "Ana"})
    assert wrong.status_code == 400 and "No classroom has this code" in wrong.get_data(as_text=True)
    assert learner.post("/join", data={"code": code.lower(), "name": "Ana"}).status_code == 302
    taken = portal.test_client().post("/join", data={"code": code, "name": " Ana "})
    assert taken.status_code == 400 and "this name is taken" in taken.get_data(as_text=True)


def test_a_learner_cannot_open_a_lab_outside_their_classroom(portal):
    instructor = portal.test_client()
    log_in(instructor)
    _, code = new_classroom(instructor)
    learner = portal.test_client()
    learner.post("/join", data={"code": code, "name": "Ana"})
    assert learner.get("/labs/some-other-lab").status_code == 404
    assert learner.get("/labs/some-other-lab/files.zip").status_code == 404


def test_oversized_and_unknown_requests_are_pages_not_tracebacks(portal):
    client = portal.test_client()
    big = client.post("/join", data={"code": "x" * 100_000, "name": "Ana"})
    assert big.status_code == 413 and "too large" in big.get_data(as_text=True)
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Traceback" not in missing.get_data(as_text=True)


def test_guessing_join_codes_is_rate_limited_but_a_whole_class_can_join(portal):
    instructor = portal.test_client()
    log_in(instructor)
    _, code = new_classroom(instructor)
    joined = [portal.test_client().post("/join", data={"code": code, "name": f"learner {i}"}).status_code
              for i in range(35)]   # one school NAT: every learner has the same address
    assert joined == [302] * 35
    client = portal.test_client()
    codes = [client.post("/join", data={"code": f"GUESS{i:03d}", "name": "x"}).status_code for i in range(25)]
    assert codes[:20] == [400] * 20 and 429 in codes[20:]
    assert portal.test_client().post("/join", data={"code": code, "name": "late"}).status_code == 429


def test_forms_without_the_csrf_token_are_refused(tmp_path):
    from stalkerlab.labs.store.database import sqlite_url

    app = create_app({"DATABASE_URL": sqlite_url(tmp_path / "p.sqlite3"), "DATA_DIR": str(tmp_path / "d"),
                      "WORKERS": 1})
    try:
        response = app.test_client().post("/instructor/login", data={"username": "a", "password": "b"})
        assert response.status_code == 400 and "This form has expired" in response.get_data(as_text=True)
    finally:
        app.extensions["stalkerlab"]["executor"].shutdown()


def test_pages_load_nothing_from_elsewhere(portal):
    response = portal.test_client().get("/join")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy
    assert "http://" not in response.get_data(as_text=True).replace("http://localhost", "")
