"""The course site served by the portal (one address for the class), from a folder built by `stalkerlab course
build`. Only for people who joined a classroom or logged in as instructors."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, send_from_directory, session, url_for

course_site = Blueprint("course_site", __name__)


@course_site.get("/")
@course_site.get("/<path:page>")
def page(page: str = "index.html"):
    if not session.get("learner_id") and not session.get("instructor_id"):
        return redirect(url_for("learner.join_page"))
    folder = current_app.config.get("COURSE_SITE")
    if not folder or not Path(folder, "index.html").is_file():
        abort(404)
    return send_from_directory(folder, page)
