"""The web layer: one Flask application factory; the configuration says which roles a deployment serves
(`portal`: the classroom server; `appliance` later: the detector's own pages). Shared here: templates and look,
translations (EN, FR), instructor login, CSRF, error pages, local assets only (no CDN, no outside fonts)."""

from __future__ import annotations

import os
import secrets
import signal
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from flask import Flask, g, render_template, request, session
from flask_babel import Babel, get_locale, gettext
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from stalkerlab.common.errors import UserError

LANGUAGES = ("en", "fr")
MAX_REQUEST_BYTES = 64 * 1024   # answers and forms only: files are never uploaded to the portal


def create_app(config: dict | None = None) -> Flask:
    """`config` keys: DATABASE_URL, DATA_DIR (variants, handouts), SECRET_KEY, ROLES (("portal",)),
    COURSE_SITE (a built course folder to serve at /course/, optional), WORKERS (processes making handouts),
    TESTING."""
    app = Flask(__name__)
    app.config.update(ROLES=("portal",), WORKERS=max(1, (os.cpu_count() or 2)), MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", WTF_CSRF_TIME_LIMIT=None,
                      BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).with_name("translations")))
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    CSRFProtect(app)
    Babel(app, locale_selector=_locale)
    _error_pages(app)
    app.jinja_env.globals.update(languages=LANGUAGES, get_locale=get_locale)

    if "portal" in app.config["ROLES"]:
        from stalkerlab.labs.store.database import open_engine, session_factory, upgrade
        from stalkerlab.web.portal import register_portal

        engine = open_engine(app.config["DATABASE_URL"])
        upgrade(engine)
        data_dir = Path(app.config["DATA_DIR"])
        data_dir.mkdir(parents=True, exist_ok=True)
        app.extensions["stalkerlab"] = {
            "sessions": session_factory(engine), "data_dir": data_dir, "in_flight": set(),
            # spawned, not forked: a worker must not inherit the server's listening socket, and it ends with the
            # server (a portal killed with -9 leaves no orphan holding the port)
            "executor": ProcessPoolExecutor(max_workers=app.config["WORKERS"], mp_context=get_context("spawn"),
                                            initializer=_end_with_parent),
        }
        register_portal(app)

    @app.before_request
    def _language_choice():
        chosen = request.args.get("lang")
        if chosen in LANGUAGES:
            session["lang"] = chosen

    @app.after_request
    def _headers(response):
        # everything is local: no page may load anything from elsewhere, nor be framed by another site
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                                    "frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app


def _end_with_parent() -> None:
    """In a handout worker: ask Linux to stop this process when the portal that started it dies."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):   # not Linux: the worker ends when its queue closes
        pass


def _locale() -> str:
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    classroom_language = getattr(g, "classroom_language", None)
    if classroom_language in LANGUAGES:
        return classroom_language
    return request.accept_languages.best_match(LANGUAGES) or "en"


def _error_pages(app: Flask) -> None:
    """Every error is a page in plain words, never a traceback (debug is never on)."""

    def page(status: int, message: str):
        try:
            return render_template("error.html", status=status, message=message), status
        except Exception:   # the page itself failed: still plain words, never a traceback
            app.logger.exception("error page failed")
            return "<!doctype html><title>Error</title><p>Something went wrong. Please go back.</p>", status

    @app.errorhandler(UserError)
    def _user_error(exc):
        return page(400, gettext(str(exc)))

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return page(400, gettext("This form has expired. Go back, reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http(exc):
        messages = {
            403: gettext("This page is not for you."),
            404: gettext("There is no such page."),
            413: gettext("What you sent is too large."),
            429: gettext("Too many tries in a short time. Wait a minute, then try again."),
        }
        return page(exc.code or 500, messages.get(exc.code, gettext("Something went wrong with this request.")))

    @app.errorhandler(Exception)
    def _unexpected(exc):
        app.logger.exception("unexpected error")
        return page(500, gettext("Something went wrong on the server. Your saved answers are safe; try again."))
