"""A small class through the portal: three learners join, fetch their own files, answer (one copies a
neighbour), and the instructor's grid, signals and grades show it. Nothing a learner is sent holds an
expected answer."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from portal_client import log_in, new_classroom, wait_for_files
from stalkerlab.labs.definition import find_lab
from stalkerlab.labs.solutions import load_solver

pytestmark = pytest.mark.slow
LAB = "c2-in-a-capture"


def unpack(client, into):
    response = client.get(f"/labs/{LAB}/files.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        archive.extractall(into)
    return names, into / LAB


def key_of(portal, learner_name):
    from sqlalchemy import select
    from stalkerlab.labs.store.models import Learner, Variant

    with portal.extensions["stalkerlab"]["sessions"]() as db:
        learner = db.scalar(select(Learner).where(Learner.display_name == learner_name))
        return db.scalar(select(Variant).where(Variant.learner_id == learner.id)).answer_key


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_small_class(portal, tmp_path):
    instructor = portal.test_client()
    log_in(instructor)
    classroom_id, code = new_classroom(instructor)
    learners = {name: portal.test_client() for name in ("Ana", "Ben", "Cleo")}
    for name, client in learners.items():
        assert client.post("/join", data={"code": code, "name": name}).status_code == 302
    assert instructor.post(f"/instructor/classrooms/{classroom_id}/prepare").status_code == 302
    for client in learners.values():
        assert wait_for_files(client) == "ready"

    # each learner's files: evidence and questions, never a key
    files = {}
    for name, client in learners.items():
        names, folder = unpack(client, tmp_path / name)
        assert sorted(n.split("/", 1)[1] for n in names) == ["capture.pcap", "questions.md", "stimuli.json"]
        files[name] = folder

    # nothing served to a learner holds their expected answers (before they type one)
    ana_key = key_of(portal, "Ana")
    served = "".join(learners["Ana"].get(path).get_data(as_text=True)
                     for path in ("/labs", f"/labs/{LAB}", f"/labs/{LAB}/status.json"))
    served += (files["Ana"] / "questions.md").read_text()
    for task_id in ("first-contact", "beacon-period", "first-query-packet"):
        assert str(ana_key[task_id]["value"]) not in served, task_id

    # Ana solves with the lab's reference method on her own files; Ben copies Ana's first contact; Cleo types nonsense
    answers = load_solver(find_lab(LAB))(files["Ana"])
    for task_id, answer in answers.items():
        learners["Ana"].post(f"/labs/{LAB}/tasks/{task_id}", data={"answer": answer})
    learners["Ben"].post(f"/labs/{LAB}/tasks/first-contact", data={"answer": answers["first-contact"]})
    learners["Cleo"].post(f"/labs/{LAB}/tasks/first-contact", data={"answer": "this morning"})
    learners["Cleo"].post(f"/labs/{LAB}/tasks/explain", data={"answer": "The phone talked to the app's servers."})

    grid = instructor.get(f"/instructor/classrooms/{classroom_id}/grid.json").json
    rows = {row["learner"]: row for row in grid["rows"]}
    assert rows["Ana"]["total"] == 40 and rows["Ana"]["cells"][f"{LAB}/c2-names"]["status"] == "right"
    assert rows["Ben"]["cells"][f"{LAB}/first-contact"] == {"status": "tried", "points": 0, "attempts": 1, "hints": 0}
    assert rows["Cleo"]["cells"][f"{LAB}/first-contact"]["attempts"] == 0   # unreadable: no attempt spent
    assert rows["Cleo"]["cells"][f"{LAB}/explain"]["status"] == "to-mark"

    page = instructor.get(f"/instructor/classrooms/{classroom_id}").get_data(as_text=True)
    assert "Ben" in page and "an answer that fits another learner" in page and "fits Ana" not in page
    assert "right for Ana&#39;s files" in page or "right for Ana's files" in page

    grades = list(csv.reader(io.StringIO(instructor.get(f"/instructor/classrooms/{classroom_id}/grades.csv")
                                         .get_data(as_text=True))))
    assert grades[0][0] == "Learner" and grades[0][-1] == "Total (50)"
    assert {row[0]: float(row[-1]) for row in grades[1:]} == {"Ana": 40.0, "Ben": 0.0, "Cleo": 0.0}
    exported = json.loads(instructor.get(f"/instructor/classrooms/{classroom_id}/grades.json").data)
    assert exported["difficulty"][f"{LAB}/first-contact"] == 0.5   # Ana right, Ben wrong at the first try

    # the instructor marks Cleo's written answer; her grade follows
    from sqlalchemy import select
    from stalkerlab.labs.store.models import Attempt

    with portal.extensions["stalkerlab"]["sessions"]() as db:
        attempt_id = db.scalar(select(Attempt.id).where(Attempt.task_id == "explain"))
    instructor.post(f"/instructor/classrooms/{classroom_id}/attempts/{attempt_id}/mark", data={"share": "0.5"})
    grid = instructor.get(f"/instructor/classrooms/{classroom_id}/grid.json").json
    assert {row["learner"]: row["total"] for row in grid["rows"]}["Cleo"] == 5


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_closed_classroom_keeps_answers_and_takes_no_more(portal):
    instructor = portal.test_client()
    log_in(instructor)
    classroom_id, code = new_classroom(instructor)
    learner = portal.test_client()
    learner.post("/join", data={"code": code, "name": "Ana"})
    wait_for_files(learner)
    learner.post(f"/labs/{LAB}/tasks/beacon-period", data={"answer": "1"})
    instructor.post(f"/instructor/classrooms/{classroom_id}/close")
    learner.post(f"/labs/{LAB}/tasks/beacon-period", data={"answer": "2"})
    page = learner.get(f"/labs/{LAB}").get_data(as_text=True)
    assert "this classroom is closed" in page
    grid = instructor.get(f"/instructor/classrooms/{classroom_id}/grid.json").json
    assert grid["rows"][0]["cells"][f"{LAB}/beacon-period"]["attempts"] == 1
