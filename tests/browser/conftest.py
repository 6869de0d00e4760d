"""A live server and headless Chromium for end-to-end tests.

The app runs in a thread (werkzeug's make_server on 127.0.0.1, a free port) on its own
SQLite file migrated with tracker.migrate.upgrade, with CSRF on as in production. Chromium is
the Debian package at /usr/bin/chromium (`make test` installs it); Playwright's own browser
downloads are never used.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlmodel import Session
from werkzeug.serving import make_server

from tracker import create_app, migrate
from tracker.db import get_engine

from ..conftest import TEST_PASSWORD
from ..factories import Factory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1366, "height": 768}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass
class LiveServer:
    url: str
    app: Flask

    def session(self) -> Session:
        """A session on the server's database, to arrange data or check what the forms wrote."""
        with self.app.app_context():
            engine = get_engine()
        return Session(engine, expire_on_commit=False)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    database_url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    migrate.upgrade(database_url)
    app = create_app(
        {
            "SECRET_KEY": "browser-test-secret",
            "DATABASE_URL": database_url,
            "TRACKER_REPORTS_DIR": str(tmp_path / "reports"),
            "RATELIMIT_ENABLED": False,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["tracker.engine"].dispose()


@pytest.fixture
def live_factory(live_server: LiveServer) -> Iterator[Factory]:
    with live_server.session() as session:
        yield Factory(session, password=TEST_PASSWORD)


# Module scope: a Playwright instance still running makes the next one fail ("Sync API inside
# the asyncio loop"), and other test modules import these fixtures, so each module gets its own
# browser and closes it before the next module starts.
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (`make test` installs the chromium package)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is missing"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_factory(browser):
    """New pages at 1366×768 in a given language (the browser's Accept-Language)."""
    contexts = []

    def make(locale: str = "en-GB"):
        context = browser.new_context(viewport=VIEWPORT, locale=locale)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(page_factory):
    return page_factory()


def sign_in(page, base_url: str, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "/login" not in page.url, page.content()[:2000]


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (git-ignored) for people to look at."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
