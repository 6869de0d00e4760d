"""Models and migrations must agree, and migrations must go both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import tracker.models  # noqa: F401
from tracker import migrate


def test_models_and_migrations_have_no_difference(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == [], (
        f"models and migrations disagree; run alembic revision --autogenerate: {diff}"
    )


def test_upgrade_downgrade_upgrade_on_an_empty_database(tmp_path, db_kind, database_url):
    if db_kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    else:
        url = database_url
        migrate.downgrade(url, "base")
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(url)
    engine = create_engine(url)
    assert {"campaign", "snapshot", "participation", "cost_line"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()
