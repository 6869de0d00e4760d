"""The data version: moved by every committed write, by nothing else (tracker/data_version.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import Session, select

from tracker import data_version
from tracker.db import make_engine
from tracker.models import Workspace
from tracker.results.service import SnapshotInput, write_snapshots

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def _version(app) -> data_version.Version | None:
    # A session of its own: what the next request would see.
    with Session(app.extensions["tracker.engine"]) as s:
        return data_version.current(s)


def _writes(app) -> int:
    """The count of committed write transactions (the version's first part)."""
    return _version(app)[0]


def _raw_rename(app, workspace_id: int, name: str, *, marked: bool) -> None:
    """A write on the DBAPI cursor of a transaction, as the bulk snapshot insert makes it."""
    with app.extensions["tracker.engine"].connect() as conn, conn.begin():
        cursor = conn.connection.cursor()
        cursor.execute(f"UPDATE workspace SET name = '{name}' WHERE id = {workspace_id}")
        cursor.close()
        if marked:
            data_version.mark_written(conn)


def test_a_fresh_database_has_no_write_counted(app):
    assert _writes(app) == 0


def test_each_committed_write_moves_the_version_by_one(app, factory):
    factory.workspace(name="Atelier")
    assert _writes(app) == 1

    factory.workspace(name="Rival")
    assert _writes(app) == 2


def test_a_transaction_that_only_reads_leaves_the_version(app, session, factory):
    factory.workspace(name="Atelier")
    session.exec(select(Workspace)).all()
    session.commit()

    assert _writes(app) == 1


def test_a_rolled_back_write_leaves_the_version_and_the_next_read_too(app, session):
    session.add(Workspace(name="Never", slug="never"))
    session.flush()
    session.rollback()
    session.exec(select(Workspace)).all()
    session.commit()

    assert _writes(app) == 0
    assert session.exec(select(Workspace)).all() == []


def test_a_write_on_the_raw_cursor_counts_once_marked(app, factory):
    ws = factory.workspace(name="Atelier")

    _raw_rename(app, ws.id, "Unseen", marked=False)
    assert _writes(app) == 1  # SQLAlchemy never saw that statement

    _raw_rename(app, ws.id, "Seen", marked=True)
    assert _writes(app) == 2


def test_snapshots_written_in_bulk_move_the_version(app, session, factory):
    campaign = factory.campaign()
    post = factory.post(factory.participation(campaign))
    before = _writes(app)

    write_snapshots(
        session,
        [
            SnapshotInput(
                campaign_id=campaign.id,
                participation_id=post.participation_id,
                post_id=post.id,
                captured_on=date(2026, 3, day),
                source="manual",
                values={"views": 100 * day},
            )
            for day in (6, 7, 8)
        ],
    )
    session.commit()

    assert _writes(app) == before + 1


def test_a_write_by_another_process_moves_the_version(app, database_url):
    engine = make_engine(database_url)
    with Session(engine) as other:
        other.add(Workspace(name="Elsewhere", slug="elsewhere"))
        other.commit()
    engine.dispose()

    assert _writes(app) == 1


def test_a_click_on_a_tracked_link_changes_the_version_without_a_write_transaction(
    app, client, factory
):
    participation = factory.participation(
        factory.campaign(destination_url="https://shop.example/eclat")
    )
    before = _version(app)

    response = client.get(f"/l/{participation.link_code}", headers={"User-Agent": BROWSER})

    assert response.status_code == 302
    after = _version(app)
    assert (
        after[0] == before[0]
    )  # the redirect's own connection bumps nothing: it must not serialise
    assert after != before


def test_without_its_row_the_version_is_unknown(app, factory):
    factory.workspace(name="Atelier")
    with app.extensions["tracker.engine"].begin() as conn:
        conn.execute(text("DELETE FROM data_version"))

    assert _version(app) is None
