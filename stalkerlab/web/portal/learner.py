"""Learner pages: join a classroom (code + name or pseudonym, no e-mail), see the labs, fetch one's own files,
answer, take hints, see one's score. Expected answers never leave the server."""

from __future__ import annotations

import time

import markdown
from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, send_file, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from stalkerlab.common.errors import UserError
from stalkerlab.labs.definition import find_lab
from stalkerlab.labs.store import answering, classrooms, handouts
from stalkerlab.labs.store.models import Classroom, Learner
from stalkerlab.web.portal import db, portal_state
from stalkerlab.web.rate_limit import count_failure, limit, refuse_after_failures

learner = Blueprint("learner", __name__)


def current_learner() -> tuple[Classroom, Learner]:
    learner_id = session.get("learner_id")
    row = db().get(Learner, learner_id) if learner_id else None
    if row is None:
        abort(redirect(url_for("learner.join_page")))
    g.classroom_language = row.classroom.language
    return row.classroom, row


def _lab_of(classroom: Classroom, lab_id: str):
    if lab_id not in classroom.lab_ids:
        abort(404)
    return find_lab(lab_id)


@learner.get("/")
def home():
    if session.get("learner_id"):
        return redirect(url_for("learner.labs"))
    return redirect(url_for("learner.join_page"))


@learner.get("/join")
@learner.get("/join/<code>")
def join_page(code: str = ""):
    return render_template("portal/join.html", code=code or request.args.get("code", ""))


@learner.post("/join")
def join():
    refuse_after_failures("join", request.remote_addr)
    code, name = request.form.get("code", ""), request.form.get("name", "")
    rejoin_code = request.form.get("rejoin", "")
    classroom = classrooms.find_by_join_code(db(), code)
    if classroom is None:
        count_failure("join", request.remote_addr)
        flash(_("No classroom has this code. Check it with your instructor."), "error")
        return render_template("portal/join.html", code=code, name=name), 400
    try:
        if rejoin_code.strip():
            row = classrooms.rejoin(db(), classroom, rejoin_code)
            if row is None:
                count_failure("join", request.remote_addr)
                raise UserError(_("This rejoin code is not one of this classroom's."))
        else:
            row = classrooms.join(db(), classroom, name)
    except UserError as exc:
        flash(_(str(exc)), "error")   # the store's words, in the reader's language (N_ in the store)
        return render_template("portal/join.html", code=code, name=name), 400
    for key in [k for k in session if k != "instructor_id" and k != "lang"]:   # a shared browser: no leftovers
        session.pop(key)
    session["learner_id"] = row.id
    if not rejoin_code.strip():
        session["show_rejoin"] = True
    return redirect(url_for("learner.labs"))


@learner.post("/leave")
def leave():
    session.pop("learner_id", None)
    return redirect(url_for("learner.join_page"))


@learner.get("/labs")
def labs():
    classroom, me = current_learner()
    rows = []
    for lab_id in classroom.lab_ids:
        lab = find_lab(lab_id)
        states = answering.task_states(db(), me, lab)
        rows.append({"lab": lab, "points": sum(s.points for s in states.values()),
                     "done": sum(s.solved or s.awaiting_marking for s in states.values())})
    show_rejoin = session.pop("show_rejoin", False)
    return render_template("portal/labs.html", classroom=classroom, me=me, rows=rows, show_rejoin=show_rejoin,
                           open=classrooms.is_open(classroom))


def _variant(classroom: Classroom, me: Learner, lab_id: str):
    state = portal_state()
    variant = handouts.ensure_variant(db(), classroom, me, lab_id)
    if handouts.needs_start(variant, state["data_dir"], state["in_flight"]):
        state["in_flight"].add(variant.id)
        variant.status = handouts.PENDING
        db().commit()
        handouts.start(state["executor"], state["sessions"], state["data_dir"], variant)
    return variant


@learner.get("/labs/<lab_id>")
def lab_page(lab_id: str):
    classroom, me = current_learner()
    lab = _lab_of(classroom, lab_id)
    variant = _variant(classroom, me, lab_id)
    language = str(get_locale())
    states = answering.task_states(db(), me, lab)
    hints = answering.hints_shown(states)
    text = markdown.markdown(lab.text(language), extensions=["fenced_code"])
    return render_template("portal/lab.html", classroom=classroom, me=me, lab=lab, variant=variant, states=states,
                           hints=hints, text=text, language=language, open=classrooms.is_open(classroom),
                           feedback=session.pop(f"feedback:{lab_id}", None))


@learner.get("/labs/<lab_id>/status.json")
def lab_status(lab_id: str):
    classroom, me = current_learner()
    _lab_of(classroom, lab_id)
    variant = _variant(classroom, me, lab_id)
    return jsonify({"status": variant.status})


@learner.get("/labs/<lab_id>/files.zip")
def lab_files(lab_id: str):
    classroom, me = current_learner()
    _lab_of(classroom, lab_id)
    variant = _variant(classroom, me, lab_id)
    path = handouts.handout_zip(portal_state()["data_dir"], variant)
    if variant.status != handouts.READY or not path.is_file():
        flash(_("Your files are still being prepared. This page will update by itself."), "info")
        return redirect(url_for("learner.lab_page", lab_id=lab_id))
    session.setdefault("files_fetched", {})[lab_id] = time.time()
    session.modified = True
    return send_file(path, as_attachment=True, download_name=f"{lab_id}-files.zip", max_age=0)


@learner.post("/labs/<lab_id>/tasks/<task_id>")
def answer(lab_id: str, task_id: str):
    classroom, me = current_learner()
    lab = _lab_of(classroom, lab_id)
    limit("answer", me.id)
    fetched = session.get("files_fetched", {}).get(lab_id)
    try:
        result = answering.submit(db(), classroom, me, lab, task_id, request.form.get("answer", ""),
                                  str(get_locale()), files_fetched_at=fetched)
        session[f"feedback:{lab_id}"] = {"task": task_id, "status": result.status, "message": result.message}
    except UserError as exc:
        session[f"feedback:{lab_id}"] = {"task": task_id, "status": "refused", "message": _(str(exc))}
    return redirect(url_for("learner.lab_page", lab_id=lab_id) + f"#task-{task_id}")


@learner.post("/labs/<lab_id>/tasks/<task_id>/hint")
def hint(lab_id: str, task_id: str):
    classroom, me = current_learner()
    lab = _lab_of(classroom, lab_id)
    limit("hint", me.id)
    lab.task(task_id)
    answering.take_hint(db(), me, lab, task_id)
    return redirect(url_for("learner.lab_page", lab_id=lab_id) + f"#task-{task_id}")
