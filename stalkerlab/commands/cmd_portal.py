"""`stalkerlab portal`: set up and serve the classroom portal (learners' labs, the instructor's dashboard, the
course site), behind a production WSGI server (waitress)."""

from __future__ import annotations

import getpass
import ipaddress
import os
import secrets
from pathlib import Path

from stalkerlab.common.errors import UserError

DEFAULT_HOME = Path("stalkerlab-portal")


def register(sub) -> None:
    p = sub.add_parser("portal", help="set up and serve the classroom portal",
                       description="The classroom portal: learners join with a code and do their labs; instructors "
                                   "watch progress, mark, and export grades.")
    actions = p.add_subparsers(dest="portal_action", metavar="ACTION", required=True)
    init = actions.add_parser("init", help="create the portal's database, secret key and first instructor")
    init.add_argument("--home", type=Path, default=DEFAULT_HOME,
                      help="the portal's folder (default ./stalkerlab-portal)")
    init.add_argument("--db", help="a database URL (default: SQLite in the portal's folder); PostgreSQL: "
                                   "postgresql+psycopg://user:password@host/db")
    init.add_argument("--instructor", default="instructor", help="the first instructor's user name")
    init.add_argument("--password-file", type=Path, help="read the password from this file (default: ask)")
    serve = actions.add_parser("serve", help="serve the portal (waitress)")
    serve.add_argument("--home", type=Path, default=DEFAULT_HOME)
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1 only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument("--course-site", type=Path, help="a course built with `stalkerlab course build` to serve at "
                                                        "/course/ (default: <home>/course-site if it exists)")
    add = actions.add_parser("add-instructor", help="add an instructor account")
    add.add_argument("--home", type=Path, default=DEFAULT_HOME)
    add.add_argument("username")
    add.add_argument("--password-file", type=Path)


def _password(path: Path | None) -> str:
    if path:
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UserError(f"{path}: cannot read the password ({exc.strerror})") from None
    first = getpass.getpass("Password for the instructor (10 characters or more): ")
    if first != getpass.getpass("The same password again: "):
        raise UserError("the two passwords differ")
    return first


def _settings(home: Path) -> dict:
    import json

    path = home / "portal.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no portal here (run `stalkerlab portal init --home {home}` first)") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: cannot read the portal's settings ({exc})") from None


def _sessions(settings: dict):
    from stalkerlab.labs.store.database import open_engine, session_factory, upgrade

    engine = open_engine(settings["database_url"])
    upgrade(engine)
    return session_factory(engine)


def run(args) -> int:
    import json

    from stalkerlab.common.atomic_files import write_text_atomic
    from stalkerlab.labs.store.classrooms import create_instructor
    from stalkerlab.labs.store.database import sqlite_url

    home = Path(args.home)
    if args.portal_action == "init":
        if (home / "portal.json").exists():
            raise UserError(f"{home}: a portal is set up here already (add instructors with add-instructor)")
        if home.exists() and any(home.iterdir()):
            raise UserError(f"{home}: not empty and not a portal's folder (choose a new folder)")
        home.mkdir(parents=True, exist_ok=True)
        settings = {"database_url": args.db or sqlite_url(home / "portal.sqlite3"),
                    "secret_key": secrets.token_hex(32), "data_dir": str((home / "data").resolve())}
        password = _password(args.password_file)
        with _sessions(settings)() as db:
            create_instructor(db, args.instructor, password)
        write_text_atomic(home / "portal.json", json.dumps(settings, indent=2) + "\n")
        os.chmod(home / "portal.json", 0o600)   # it holds the key that signs sessions
        print(f"Portal ready in {home}/. Start it with: stalkerlab portal serve --home {home}")
        return 0
    settings = _settings(home)
    if args.portal_action == "add-instructor":
        with _sessions(settings)() as db:
            create_instructor(db, args.username, _password(args.password_file))
        print(f"Instructor {args.username} added.")
        return 0
    return _serve(args, home, settings)


def _serve(args, home: Path, settings: dict) -> int:
    from waitress import serve

    from stalkerlab.web import create_app

    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: not a TCP port")
    course_site = args.course_site or (home / "course-site")
    app = create_app({"DATABASE_URL": settings["database_url"], "SECRET_KEY": settings["secret_key"],
                      "DATA_DIR": settings["data_dir"], "ROLES": ("portal",),
                      "COURSE_SITE": str(course_site) if (course_site / "index.html").is_file() else None})
    try:
        loopback = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        loopback = args.host == "localhost"
    where = "this computer only" if loopback else "the network: everything but the join page needs a login"
    print(f"Serving the portal on http://{args.host}:{args.port}/ ({where}). Ctrl+C to stop.")
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="stalkerlab")
    return 0
