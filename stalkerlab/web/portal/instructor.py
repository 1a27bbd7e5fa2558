"""Instructor pages: login, classrooms (labs, track, language, opening and closing), the live progress grid,
task difficulty, integrity signals, marking free-text answers, extra attempts, resets, handouts ahead of
time, and grades as CSV (Moodle) and JSON."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from stalkerlab.common.errors import UserError
from stalkerlab.labs.checking import TO_MARK
from stalkerlab.labs.definition import find_lab, load_all
from stalkerlab.labs.store import answering, classrooms, gradebook, handouts
from stalkerlab.labs.store.models import Attempt, Classroom, Instructor, Learner
from stalkerlab.web.portal import db, portal_state
from stalkerlab.web.rate_limit import count_failure, refuse_after_failures

instructor = Blueprint("instructor", __name__)
TRACKS = ("police", "support-workers", "instructors")


def current_instructor() -> Instructor | None:
    instructor_id = session.get("instructor_id")
    return db().get(Instructor, instructor_id) if instructor_id else None


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_instructor() is None:
            return redirect(url_for("instructor.login_page", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def _classroom(classroom_id: int) -> Classroom:
    classroom = db().get(Classroom, classroom_id)
    if classroom is None or classroom.created_by != session["instructor_id"]:
        abort(404)
    return classroom


def _learner(classroom: Classroom, learner_id: int) -> Learner:
    row = db().get(Learner, learner_id)
    if row is None or row.classroom_id != classroom.id:
        abort(404)
    return row


@instructor.get("/login")
def login_page():
    return render_template("instructor/login.html")


@instructor.post("/login")
def login():
    refuse_after_failures("login", request.remote_addr)
    found = classrooms.authenticate(db(), request.form.get("username", ""), request.form.get("password", ""))
    if found is None:
        count_failure("login", request.remote_addr)
        flash(_("Wrong user name or password."), "error")
        return render_template("instructor/login.html"), 401
    session.clear()
    session["instructor_id"] = found.id
    target = request.args.get("next", "")
    return redirect(target if target.startswith("/instructor") else url_for("instructor.dashboard"))


@instructor.post("/logout")
def logout():
    session.pop("instructor_id", None)
    return redirect(url_for("instructor.login_page"))


@instructor.get("/")
@login_required
def dashboard():
    mine = db().scalars(select(Classroom).where(Classroom.created_by == session["instructor_id"])
                        .order_by(Classroom.id.desc())).all()
    return render_template("instructor/dashboard.html", classrooms=mine, labs=load_all(), tracks=TRACKS)


def _when(field: str) -> datetime | None:
    text = request.form.get(field, "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(_("%(field)s: not a date and time", field=field)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@instructor.post("/classrooms")
@login_required
def create():
    try:
        created = classrooms.create_classroom(
            db(), current_instructor(), request.form.get("name", ""), request.form.get("track", "police"),
            request.form.getlist("labs"), language=request.form.get("language", "en"),
            opens_at=_when("opens_at"), closes_at=_when("closes_at"))
    except UserError as exc:
        flash(_(str(exc)), "error")
        return redirect(url_for("instructor.dashboard"))
    return redirect(url_for("instructor.classroom_page", classroom_id=created.id))


def _join_qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


@instructor.get("/classrooms/<int:classroom_id>")
@login_required
def classroom_page(classroom_id: int):
    classroom = _classroom(classroom_id)
    join_url = url_for("learner.join_page", code=classroom.join_code, _external=True)
    to_mark = db().scalars(select(Attempt).join(Learner, Learner.id == Attempt.learner_id).where(
        Learner.classroom_id == classroom.id, Attempt.status == TO_MARK).order_by(Attempt.id)).all()
    names = {learner.id: learner.display_name for learner in classroom.learners}
    return render_template("instructor/classroom.html", classroom=classroom, join_url=join_url,
                           qr_svg=_join_qr_svg(join_url), labs=gradebook.labs_of(classroom),
                           signals=gradebook.integrity_signals(db(), classroom),
                           difficulty=gradebook.difficulty(db(), classroom), to_mark=to_mark, names=names,
                           open=classrooms.is_open(classroom))


@instructor.get("/classrooms/<int:classroom_id>/grid.json")
@login_required
def grid(classroom_id: int):
    return gradebook.grid(db(), _classroom(classroom_id))


@instructor.post("/classrooms/<int:classroom_id>/prepare")
@login_required
def prepare(classroom_id: int):
    """Make every learner's files for every lab ahead of time (progress shows in the grid)."""
    classroom = _classroom(classroom_id)
    state = portal_state()
    started = 0
    for row in classroom.learners:
        for lab_id in classroom.lab_ids:
            variant = handouts.ensure_variant(db(), classroom, row, lab_id)
            if handouts.needs_start(variant, state["data_dir"], state["in_flight"]):
                state["in_flight"].add(variant.id)
                handouts.start(state["executor"], state["sessions"], state["data_dir"], variant)
                started += 1
    flash(_("Preparing %(count)d sets of files.", count=started), "info")
    return redirect(url_for("instructor.classroom_page", classroom_id=classroom_id))


@instructor.post("/classrooms/<int:classroom_id>/close")
@login_required
def close(classroom_id: int):
    classroom = _classroom(classroom_id)
    classroom.closes_at = classrooms.now()
    db().commit()
    return redirect(url_for("instructor.classroom_page", classroom_id=classroom_id))


@instructor.post("/classrooms/<int:classroom_id>/reveal")
@login_required
def reveal(classroom_id: int):
    classroom = _classroom(classroom_id)
    if not classrooms.is_closed(classroom):
        flash(_("Walkthroughs can be shown once the classroom is closed."), "error")
    else:
        classroom.walkthroughs_revealed = True
        db().commit()
    return redirect(url_for("instructor.classroom_page", classroom_id=classroom_id))


@instructor.post("/classrooms/<int:classroom_id>/learners/<int:learner_id>/extra")
@login_required
def extra(classroom_id: int, learner_id: int):
    classroom = _classroom(classroom_id)
    lab_id, task_id = request.form.get("lab", ""), request.form.get("task", "")
    find_lab(lab_id).task(task_id)
    answering.give_extra_attempts(db(), _learner(classroom, learner_id), lab_id, task_id)
    return redirect(url_for("instructor.classroom_page", classroom_id=classroom_id))


@instructor.post("/classrooms/<int:classroom_id>/learners/<int:learner_id>/reset")
@login_required
def reset(classroom_id: int, learner_id: int):
    classroom = _classroom(classroom_id)
    lab_id = request.form.get("lab", "")
    if lab_id not in classroom.lab_ids:
        abort(404)
    answering.reset_learner(db(), _learner(classroom, learner_id), lab_id)
    return redirect(url_for("instructor.classroom_page", classroom_id=classroom_id))


@instructor.post("/classrooms/<int:classroom_id>/attempts/<int:attempt_id>/mark")
@login_required
def mark(classroom_id: int, attempt_id: int):
    classroom = _classroom(classroom_id)
    attempt = db().get(Attempt, attempt_id)
    if attempt is None:
        abort(404)
    _learner(classroom, attempt.learner_id)
    try:
        share = float(request.form.get("share", ""))
    except ValueError:
        raise UserError(_("A mark is a number between 0 and 1.")) from None
    answering.mark_rubric_answer(db(), attempt, share, session["instructor_id"])
    return redirect(url_for("instructor.classroom_page", classroom_id=classroom_id))


@instructor.get("/classrooms/<int:classroom_id>/grades.csv")
@login_required
def grades_csv(classroom_id: int):
    classroom = _classroom(classroom_id)
    return Response(gradebook.grades_csv(db(), classroom), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="grades-{classroom.id}.csv"'})


@instructor.get("/classrooms/<int:classroom_id>/grades.json")
@login_required
def grades_json(classroom_id: int):
    classroom = _classroom(classroom_id)
    return Response(gradebook.grades_json(db(), classroom), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="grades-{classroom.id}.json"'})
