"""Snapshot writes keep KPI.md's semantics, and the database enforces its rules on both engines."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from tracker.models import Snapshot
from tracker.results.service import SnapshotInput, write_snapshots

from .reference import build_reference


def _views(session, post_id):
    return sorted(
        (s.captured_on, s.source, s.views)
        for s in session.exec(select(Snapshot).where(Snapshot.post_id == post_id))
    )


def test_writing_the_same_snapshot_twice_changes_nothing(factory, session):
    ref = build_reference(factory)
    post = ref.posts["noah"]
    item = SnapshotInput(
        campaign_id=ref.campaign.id,
        participation_id=ref.noah.id,
        post_id=post.id,
        captured_on=date(2026, 3, 10),
        source="meta_posts",
        values={
            "views": 50_000,
            "reach": 40_000,
            "likes": 3_000,
            "comments": 200,
            "shares": 100,
            "saves": 400,
            "link_clicks": 600,
        },
    )
    counts = write_snapshots(session, [item])
    session.commit()
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 1)
    assert _views(session, post.id) == [(date(2026, 3, 10), "meta_posts", 50_000)]


def test_a_later_export_of_the_same_day_replaces_the_values(factory, session):
    ref = build_reference(factory)
    post = ref.posts["noah"]
    item = SnapshotInput(
        ref.campaign.id,
        date(2026, 3, 10),
        "meta_posts",
        {"views": 52_000},
        participation_id=ref.noah.id,
        post_id=post.id,
    )
    counts = write_snapshots(session, [item])
    session.commit()
    assert (counts.created, counts.updated) == (0, 1)
    assert _views(session, post.id) == [(date(2026, 3, 10), "meta_posts", 52_000)]


def test_another_source_the_same_day_adds_a_row_to_the_history(factory, session):
    ref = build_reference(factory)
    post = ref.posts["noah"]
    item = SnapshotInput(
        ref.campaign.id,
        date(2026, 3, 10),
        "manual",
        {"views": 51_000},
        participation_id=ref.noah.id,
        post_id=post.id,
    )
    assert write_snapshots(session, [item]).created == 1
    session.commit()
    assert _views(session, post.id) == [
        (date(2026, 3, 10), "manual", 51_000),
        (date(2026, 3, 10), "meta_posts", 50_000),
    ]


def test_database_refuses_a_duplicate_snapshot_key(factory, session):
    ref = build_reference(factory)
    session.add(
        Snapshot(
            campaign_id=ref.campaign.id,
            participation_id=ref.noah.id,
            post_id=ref.posts["noah"].id,
            captured_on=date(2026, 3, 10),
            source="meta_posts",
            views=1,
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_database_refuses_a_duplicate_campaign_level_snapshot(factory, session):
    ref = build_reference(factory)
    session.add(
        Snapshot(
            campaign_id=ref.campaign.id,
            captured_on=date(2026, 3, 20),
            source="manual",
            hashtag_uses=9,
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_database_refuses_negative_counts(factory, session):
    ref = build_reference(factory)
    session.add(
        Snapshot(
            campaign_id=ref.campaign.id, captured_on=date(2026, 3, 21), source="manual", views=-5
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_database_enforces_foreign_keys(factory, session):
    ref = build_reference(factory)
    session.add(
        Snapshot(
            campaign_id=ref.campaign.id + 999,
            captured_on=date(2026, 3, 21),
            source="manual",
            views=5,
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_database_refuses_an_invalid_currency_code(factory, session):
    brand = factory.brand()
    with pytest.raises(IntegrityError):
        factory.campaign(brand, currency="eu1")
    session.rollback()
