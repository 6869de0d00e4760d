"""A large batch of snapshots (COPY on PostgreSQL) is written exactly like a small one."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import select

from tracker.models import Snapshot
from tracker.results.service import BULK_FROM_ROWS as COPY_FROM_ROWS
from tracker.results.service import SnapshotInput, write_snapshots


def test_a_large_batch_writes_every_row_with_its_values_and_nulls(factory, session):
    campaign = factory.campaign()
    part = factory.participation(campaign)
    posts = [factory.post(part) for _ in range(20)]
    days = COPY_FROM_ROWS // len(posts) + 5  # past the COPY threshold
    inputs = [
        SnapshotInput(
            campaign_id=campaign.id,
            participation_id=part.id,
            post_id=post.id,
            captured_on=date(2026, 3, 1) + timedelta(days=d),
            source="bulk_test",
            values={
                "views": 1000 * (d + 1) + n,
                "likes": None if n % 2 else d,
                "revenue": Decimal("12.34565") if n == 0 else None,
            },
            revenue_currency="EUR",
        )
        for d in range(days)
        for n, post in enumerate(posts)
    ]
    counts = write_snapshots(session, inputs, import_id=None)
    session.commit()
    assert (counts.created, counts.updated, counts.unchanged) == (len(inputs), 0, 0)
    total = session.exec(
        select(func.count(), func.sum(Snapshot.views)).where(Snapshot.campaign_id == campaign.id)
    ).one()
    assert total == (len(inputs), sum(i.values["views"] for i in inputs))
    first = session.exec(
        select(Snapshot).where(
            Snapshot.post_id == posts[0].id, Snapshot.captured_on == date(2026, 3, 3)
        )
    ).one()
    assert (first.views, first.likes, first.saves) == (3000, 2, None)
    # 12.34565 kept to 4 places, half to even, as every write of money rounds it
    assert first.revenue == Decimal("12.3456") and first.revenue_currency == "EUR"
    odd = session.exec(
        select(Snapshot).where(
            Snapshot.post_id == posts[1].id, Snapshot.captured_on == date(2026, 3, 1)
        )
    ).one()
    assert (odd.likes, odd.revenue, odd.revenue_currency) == (None, None, None)

    # The same batch again changes nothing (KPI.md), through the same path.
    again = write_snapshots(session, inputs)
    session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(inputs))


def test_a_large_batch_that_fails_leaves_nothing(factory, session):
    import pytest
    from sqlalchemy.exc import IntegrityError

    campaign = factory.campaign()
    part = factory.participation(campaign)
    post = factory.post(part)
    inputs = [
        SnapshotInput(
            campaign_id=campaign.id,
            participation_id=part.id,
            post_id=post.id,
            captured_on=date(2026, 1, 1) + timedelta(days=d),
            source="bulk_test",
            values={"views": -1 if d == COPY_FROM_ROWS - 1 else d},  # the last row breaks a rule
        )
        for d in range(COPY_FROM_ROWS)
    ]
    with pytest.raises(IntegrityError):
        write_snapshots(session, inputs)
        session.commit()
    session.rollback()
    count = session.exec(
        select(func.count()).select_from(Snapshot).where(Snapshot.campaign_id == campaign.id)
    ).one()
    assert count == 0


def test_an_unknown_metric_key_is_refused_naming_it_and_nothing_is_written(factory, session):
    import pytest

    campaign = factory.campaign()
    part = factory.participation(campaign)
    post = factory.post(part)
    inputs = [
        SnapshotInput(
            campaign_id=campaign.id,
            participation_id=part.id,
            post_id=post.id,
            captured_on=date(2026, 3, 1),
            source="bulk_test",
            values={"views": 10, "viewz": 3},
        )
    ]
    with pytest.raises(ValueError, match="unknown metric keys: viewz"):
        write_snapshots(session, inputs)
    session.rollback()
    count = session.exec(
        select(func.count()).select_from(Snapshot).where(Snapshot.campaign_id == campaign.id)
    ).one()
    assert count == 0
