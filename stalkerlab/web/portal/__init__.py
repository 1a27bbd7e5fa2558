"""The classroom portal: learners join and do their labs; instructors run classrooms. Registered by
create_app() when the deployment serves the `portal` role."""

from __future__ import annotations

from flask import Flask, current_app, g


def register_portal(app: Flask) -> None:
    from stalkerlab.web.portal.course_site import course_site
    from stalkerlab.web.portal.instructor import instructor
    from stalkerlab.web.portal.learner import learner

    app.register_blueprint(learner)
    app.register_blueprint(instructor, url_prefix="/instructor")
    app.register_blueprint(course_site, url_prefix="/course")

    @app.teardown_appcontext
    def _close_db(_exc):
        db = g.pop("db", None)
        if db is not None:
            db.close()


def db():
    """The request's database session (opened on first use, closed when the request ends)."""
    if "db" not in g:
        g.db = current_app.extensions["stalkerlab"]["sessions"]()
    return g.db


def portal_state() -> dict:
    return current_app.extensions["stalkerlab"]
