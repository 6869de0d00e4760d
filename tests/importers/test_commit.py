"""Committing a previewed import: one transaction, once, against the database as it is then."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from tracker.importers import commit as commit_module
from tracker.importers.commit import AlreadyCommitted, commit_import, mark_failed, prepare
from tracker.importers.matching import Options
from tracker.models import Conversion, ImportBatch, ImportFile, Post, Snapshot

from .conftest import DATA
from .test_service import build_story

AS_OF = date(2026, 3, 20)


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def stored(session, campaign, name: str, **options) -> ImportBatch:
    batch = prepare(
        session,
        campaign=campaign,
        filename=name,
        data=(DATA / name).read_bytes(),
        options=Options(**options),
    )
    session.commit()
    return batch


@pytest.fixture
def story(factory):
    return build_story(factory)


def test_an_error_mid_commit_rolls_back_every_write_and_keeps_the_file(session, story, monkeypatch):
    batch = stored(session, story.campaign, "tiktok_studio_content.csv", as_of=AS_OF)
    real = commit_module.write_snapshots
    calls = []

    def write_then_fail(db, inputs, import_id=None, **options):
        calls.append(real(db, inputs, import_id=import_id, **options))
        assert db.exec(select(func.count()).select_from(Post)).one() == 8  # written, not committed
        raise RuntimeError("the connection dropped")

    monkeypatch.setattr(commit_module, "write_snapshots", write_then_fail)
    with pytest.raises(RuntimeError):
        commit_import(session, batch.id)
    session.rollback()
    mark_failed(session, batch.id, "the connection dropped")
    session.commit()

    assert calls and calls[0].created == 8
    assert count(session, Post) == 0 and count(session, Snapshot) == 0
    session.refresh(batch)
    assert (batch.status, batch.error) == ("failed", "the connection dropped")
    assert count(session, ImportFile) == 1

    monkeypatch.setattr(commit_module, "write_snapshots", real)
    counts = commit_import(session, batch.id)
    session.commit()
    assert counts["posts_created"] == 8 and count(session, Snapshot) == 8


def test_a_batch_is_committed_once_even_if_asked_twice(session, story):
    batch = stored(session, story.campaign, "shopify_orders.csv")
    commit_import(session, batch.id)
    session.commit()
    with pytest.raises(AlreadyCommitted):
        commit_import(session, batch.id)
    session.rollback()
    assert count(session, Conversion) == 7


def test_the_commit_matches_against_the_database_as_it_is_at_commit_time(session, story, factory):
    batch = stored(session, story.campaign, "shopify_orders.csv")
    assert json.loads(batch.summary)["counts"]["conversions_created"] == 7
    # Between the preview and the commit, the shop reports order #1285 to the endpoint.
    factory.conversion(story.campaign, "#1285", "66.30", participation=story.lea)

    counts = commit_import(session, batch.id)
    session.commit()

    assert (counts["conversions_created"], counts["conversions_duplicate"]) == (6, 1)
    assert count(session, Conversion) == 7
    summary = json.loads(session.get(ImportBatch, batch.id).summary)
    assert summary["committed"]["conversions_created"] == 6


def test_progress_is_reported_in_rows_from_zero_to_the_file_length(session, story):
    batch = stored(session, story.campaign, "tiktok_studio_content.csv", as_of=AS_OF)
    seen: list[tuple[int, int | None]] = []
    commit_import(session, batch.id, progress=lambda done, total=None: seen.append((done, total)))
    session.rollback()
    assert seen[0] == (0, 13) and seen[-1] == (13, 13)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


def test_a_file_whose_format_was_not_chosen_cannot_be_committed(session, story, make_csv):
    link = "https://www.tiktok.com/@lea.glow/video/7616431466279434653"
    data = make_csv(
        [["post_url", "captured_on", "Video link", "Total views"], [link, "2026-03-20", link, "5"]]
    )
    batch = prepare(
        session, campaign=story.campaign, filename="both.csv", data=data, options=Options()
    )
    session.commit()
    assert json.loads(batch.summary)["state"] == "choose_format"
    with pytest.raises(commit_module.ImportRefused, match="Choose the file's format"):
        commit_import(session, batch.id)
    session.rollback()
    assert count(session, Post) == 0
