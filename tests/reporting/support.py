"""Helpers for recap tests: a database per module, PDF text, and a fetch spy."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import Session

from tracker import create_app
from tracker.db import get_engine

from ..conftest import TEST_PASSWORD, empty_postgresql
from ..factories import Factory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "recaps"


@contextmanager
def module_app(database_server: tuple[str, str], directory: Path) -> Iterator:
    """An app on a fresh database of its own, for fixtures that render once per module.

    Mirrors the `database_url` fixture; on PostgreSQL the tables are emptied first, and the
    next function-scoped test empties them again, so nothing leaks between tests.
    """
    kind, location = database_server
    if kind == "sqlite":
        target = directory / "module.sqlite"
        shutil.copyfile(location, target)
        url = f"sqlite:///{target}"
    else:
        empty_postgresql(location)
        url = location
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": url,
            "WTF_CSRF_ENABLED": False,
            "TRACKER_REPORTS_DIR": str(directory / "reports"),
            "RATELIMIT_ENABLED": False,
        }
    )
    try:
        yield app
    finally:
        app.extensions["tracker.engine"].dispose()


@contextmanager
def module_session(app) -> Iterator[tuple[Session, Factory]]:
    with app.app_context():
        engine = get_engine()
    with Session(engine, expire_on_commit=False) as session:
        yield session, Factory(session, password=TEST_PASSWORD)


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, as pypdf extracts it, with babel's narrow and no-break spaces
    (U+202F, U+00A0) made plain so expected figures can be written legibly."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [plain(page.extract_text()) for page in reader.pages]


def plain(value: str) -> str:
    return value.replace("\u202f", " ").replace("\u00a0", " ")


def save_artifact(name: str, pdf: bytes) -> None:
    """Keep the PDF for a human to look at (test-artifacts/ is ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_bytes(pdf)
