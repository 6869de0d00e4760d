"""Fixtures: a fresh database per test (SQLite or a real PostgreSQL), the app, clients, factories."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel

from tracker import create_app, migrate
from tracker.db import get_engine

from .factories import Factory

TEST_PASSWORD = "correct horse battery"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("TRACKER_TEST_DB", "sqlite"),
        help="database engine the suite runs against",
    )


@pytest.fixture(scope="session")
def database_server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """Migrate a template database once per run; tests get a fresh copy of it."""
    kind = request.config.getoption("--db")
    root = Path(tempfile.mkdtemp(prefix="tracker-test-"))
    if kind == "sqlite":
        template = root / "template.sqlite"
        migrate.upgrade(f"sqlite:///{template}")
        yield kind, str(template)
        shutil.rmtree(root, ignore_errors=True)
        return
    from .support.postgres import start_server

    server = start_server(root / "pg-root")
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE tracker_test"))
    admin.dispose()
    url = server.url("tracker_test")
    migrate.upgrade(url)
    try:
        yield kind, url
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database_url(database_server: tuple[str, str], tmp_path: Path) -> str:
    kind, location = database_server
    if kind == "sqlite":
        target = tmp_path / "test.sqlite"
        shutil.copyfile(location, target)
        return f"sqlite:///{target}"
    empty_postgresql(location)
    return location


def empty_postgresql(url: str) -> None:
    """Every table emptied, as a freshly migrated database has them."""
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # As migration 0012 leaves it: without its one row, no dashboard would be cached.
        conn.execute(text("INSERT INTO data_version (id, n) VALUES (1, 0)"))
    engine.dispose()


@pytest.fixture
def db_kind(database_server: tuple[str, str]) -> str:
    return database_server[0]


@pytest.fixture
def app(database_url: str, tmp_path: Path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "TRACKER_REPORTS_DIR": str(tmp_path / "reports"),
            "RATELIMIT_ENABLED": False,
        }
    )
    yield app
    app.extensions["tracker.engine"].dispose()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app) -> Iterator[Session]:
    """A session for arranging and checking data, outside any request."""
    with app.app_context():
        engine = get_engine()
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def factory(session: Session) -> Factory:
    return Factory(session, password=TEST_PASSWORD)


@pytest.fixture
def login(client):
    """Sign a user in through the real login form."""

    def _login(user, password: str = TEST_PASSWORD, target=None):
        response = (target or client).post(
            "/login", data={"email": user.email, "password": password}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return _login
