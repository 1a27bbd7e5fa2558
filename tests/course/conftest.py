"""Fixtures for the course tests: the course layout, a built site, a loopback web server and a browser.

Browser tests use Debian's chromium driven by Playwright; Playwright never downloads a browser here.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import shutil
import threading
from pathlib import Path

import pytest
from stalkerlab.course.layout import CourseLayout


def _have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@pytest.fixture(scope="session")
def layout() -> CourseLayout:
    return CourseLayout.find()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, layout) -> Path:
    if not (_have("mkdocs") and _have("material") and _have("mkdocs_quiz") and _have("mkdocs_static_i18n")):
        pytest.skip("the course build needs mkdocs, mkdocs-material, mkdocs-quiz and mkdocs-static-i18n")
    from stalkerlab.course.site_build import build_site

    return build_site(layout, tmp_path_factory.mktemp("course") / "site")


class LoopbackServer:
    """A static web server on 127.0.0.1 for one folder, like a classroom server or an LMS would serve it."""

    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    servers = []

    def start(root: Path) -> LoopbackServer:
        server = LoopbackServer(root).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def page(browser):
    """A fresh page that refuses, and records, every request that leaves 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "file://", "data:", "blob:", "about:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.outside_requests = outside
    yield page
    context.close()


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """Where browser tests save screenshots: $COURSE_SCREENSHOTS if set (CI artefacts), else a temp folder."""
    target = Path(os.environ["COURSE_SCREENSHOTS"]) if os.environ.get("COURSE_SCREENSHOTS") else tmp_path / "shots"
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def course_copy(tmp_path, layout) -> CourseLayout:
    """A private copy of course/ (with its mkdocs.yml) that a test may break."""
    shutil.copytree(layout.course_dir, tmp_path / "course",
                    ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
    return CourseLayout.find(tmp_path / "course" / "mkdocs.yml")
