"""The rollups the pages read agree with the snapshot history, whatever order it is written in."""

from __future__ import annotations

import random
import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import insert
from sqlmodel import Session, select

from tracker import analytics
from tracker.cli import cli
from tracker.models import Snapshot, SnapshotCurrent, SnapshotDay, SnapshotDayRevenue
from tracker.results import rollups
from tracker.results.service import SnapshotInput, write_snapshots

D = date(2026, 3, 1)


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Snapshot rows as the history reader gives them (oldest first), none of them stored."""
    full = []
    for row in rows:
        values = {m: None for m in (*rollups.COUNTS, "revenue", "revenue_currency")}
        values.update({"participation_id": None, "post_id": None, "base": False, **row})
        values["captured_on"] = pd.Timestamp(values["captured_on"])
        full.append(values)
    frame = pd.DataFrame(full)
    for m in rollups.COUNTS:
        frame[m] = frame[m].astype("Int64")
    return frame


# ---------------------------------------------------------------------------- roll, on plain data


def test_roll_keeps_each_metrics_latest_carried_value_and_its_day_changes():
    frame = _frame(
        [
            {
                "campaign_id": 1,
                "participation_id": 7,
                "post_id": 70,
                "captured_on": D,
                "views": 100,
            },
            {
                "campaign_id": 1,
                "participation_id": 7,
                "post_id": 70,
                "captured_on": date(2026, 3, 3),
                "views": 250,
                "likes": 10,
            },
            # Same day, another source that does not carry views: likes move, views stay.
            {
                "campaign_id": 1,
                "participation_id": 7,
                "post_id": 70,
                "captured_on": date(2026, 3, 3),
                "likes": 12,
            },
            {"campaign_id": 1, "participation_id": 8, "post_id": 80, "captured_on": D, "views": 40},
        ]
    )
    rolled = rollups.roll(frame)
    by_post = {row["post_id"]: row for row in rolled.current}
    assert (by_post[70]["views"], by_post[70]["likes"]) == (250, 12)
    assert by_post[70]["last_captured_on"] == date(2026, 3, 3)
    assert (by_post[80]["views"], by_post[80]["likes"]) == (40, None)
    # Mar 1: 100 + 40 views; Mar 3: views 100 -> 250 (+150), likes none -> 10 -> 12 (+12).
    assert rolled.days == {
        (1, D): {"views": 140},
        (1, date(2026, 3, 3)): {"views": 150, "likes": 12},
    }


def test_roll_records_revenue_changes_at_the_rate_day_of_each_value():
    frame = _frame(
        [
            {
                "campaign_id": 1,
                "captured_on": date(2026, 3, 3),
                "revenue": Decimal("100.0000"),
                "revenue_currency": "USD",
            },
            {
                "campaign_id": 1,
                "captured_on": date(2026, 3, 9),
                "revenue": Decimal("150.0000"),
                "revenue_currency": "EUR",
            },
        ]
    )
    rolled = rollups.roll(frame)
    assert rolled.revenue == {
        (1, date(2026, 3, 3), "USD", date(2026, 3, 3)): Decimal("100"),
        (1, date(2026, 3, 9), "EUR", date(2026, 3, 9)): Decimal("150"),
        (1, date(2026, 3, 9), "USD", date(2026, 3, 3)): Decimal("-100"),
    }
    (scope,) = rolled.current
    assert (scope["revenue"], scope["revenue_currency"], scope["revenue_on"]) == (
        Decimal("150"),
        "EUR",
        date(2026, 3, 9),
    )
    assert scope["revenue_since"] == date(2026, 3, 3)


def test_a_stored_scope_is_the_starting_point_of_new_rows_and_adds_no_change():
    frame = _frame(
        [
            {
                "campaign_id": 1,
                "participation_id": 7,
                "post_id": 70,
                "captured_on": date(2026, 3, 3),
                "views": 250,
                "base": True,
                "link_clicks_since": date(2026, 3, 2),
            },
            {
                "campaign_id": 1,
                "participation_id": 7,
                "post_id": 70,
                "captured_on": date(2026, 3, 5),
                "views": 300,
                "link_clicks": 9,
            },
        ]
    )
    rolled = rollups.roll(frame)
    assert rolled.days == {(1, date(2026, 3, 5)): {"views": 50, "link_clicks": 9}}
    (scope,) = rolled.current
    assert (scope["views"], scope["link_clicks"]) == (300, 9)
    assert scope["link_clicks_since"] == date(2026, 3, 2)  # the stored, earlier day stays


# ---------------------------------------------------------------------------- kept on write


def _rollup_state(session, campaign_id: int):
    current = sorted(
        (r.participation_id or 0, r.post_id or 0, r.views, r.likes, r.revenue, r.last_captured_on)
        for r in session.exec(
            select(SnapshotCurrent).where(SnapshotCurrent.campaign_id == campaign_id)
        )
    )
    days = sorted(
        (r.day, r.views, r.likes)
        for r in session.exec(select(SnapshotDay).where(SnapshotDay.campaign_id == campaign_id))
    )
    revenue = sorted(
        (r.day, r.currency, r.rate_on, r.amount)
        for r in session.exec(
            select(SnapshotDayRevenue).where(SnapshotDayRevenue.campaign_id == campaign_id)
        )
    )
    return current, days, revenue


@pytest.fixture
def campaign_with_two_posts(factory):
    campaign = factory.campaign()
    first = factory.participation(campaign)
    second = factory.participation(campaign)
    return campaign, factory.post(first), factory.post(second)


def _write_batch(session, campaign, *rows, source="tiktok_studio") -> None:
    """One write_snapshots call of (post, day, values) rows, not committed."""
    write_snapshots(
        session,
        [
            SnapshotInput(
                campaign_id=campaign.id,
                participation_id=post.participation_id,
                post_id=post.id,
                captured_on=day,
                source=source,
                values=values,
                revenue_currency="EUR" if "revenue" in values else None,
            )
            for post, day, values in rows
        ],
    )


def _write(session, campaign, post, day, source="tiktok_studio", **values):
    _write_batch(session, campaign, (post, day, values), source=source)
    session.commit()


def test_rollups_written_in_any_order_equal_a_rebuild_from_the_history(
    session, campaign_with_two_posts
):
    campaign, a, b = campaign_with_two_posts
    _write(session, campaign, a, date(2026, 3, 5), views=500, likes=50)
    _write(session, campaign, b, date(2026, 3, 5), views=80)
    _write(session, campaign, a, date(2026, 3, 9), views=900, revenue=Decimal("30"))
    _write(session, campaign, a, date(2026, 3, 7), views=700)  # an older day, written late
    _write(session, campaign, b, date(2026, 3, 5), views=90)  # the same day replaced
    _write(session, campaign, b, date(2026, 3, 6), "manual", likes=4)
    kept = _rollup_state(session, campaign.id)

    rollups.rebuild(session.connection(), [campaign.id])
    session.commit()
    assert _rollup_state(session, campaign.id) == kept
    current, days, revenue = kept
    assert [(row[2], row[3]) for row in current] == [(900, 50), (90, 4)]
    # Mar 5: 500 + 90 views; Mar 7: 500 -> 700; Mar 9: 700 -> 900; likes 50 then +4 on Mar 6.
    assert days == [
        (date(2026, 3, 5), 590, 50),
        (date(2026, 3, 6), None, 4),
        (date(2026, 3, 7), 200, None),
        (date(2026, 3, 9), 200, None),
    ]
    assert revenue == [(date(2026, 3, 9), "EUR", date(2026, 3, 9), Decimal("30"))]


def test_appending_a_later_day_moves_the_rollups_forward_without_reading_the_history(
    session, campaign_with_two_posts, monkeypatch
):
    campaign, a, b = campaign_with_two_posts
    _write(session, campaign, a, date(2026, 3, 5), views=500)

    def no_rebuild(*_args, **_kwargs):
        raise AssertionError("appending a later day rebuilt the campaign")

    monkeypatch.setattr(rollups, "rebuild", no_rebuild)
    _write(session, campaign, a, date(2026, 3, 6), views=650)
    _write(session, campaign, b, date(2026, 3, 6), views=20)
    current, days, _revenue = _rollup_state(session, campaign.id)
    assert [row[2] for row in current] == [650, 20]
    assert days == [(date(2026, 3, 5), 500, None), (date(2026, 3, 6), 170, None)]


def test_deleting_a_snapshot_through_the_orm_recomputes_its_campaign(
    session, factory, campaign_with_two_posts
):
    campaign, a, _b = campaign_with_two_posts
    _write(session, campaign, a, date(2026, 3, 5), views=500)
    _write(session, campaign, a, date(2026, 3, 8), views=800)
    latest = session.exec(
        select(Snapshot).where(Snapshot.post_id == a.id, Snapshot.captured_on == date(2026, 3, 8))
    ).one()
    session.delete(latest)
    session.commit()
    current, days, _revenue = _rollup_state(session, campaign.id)
    assert [row[2] for row in current] == [500]
    assert days == [(date(2026, 3, 5), 500, None)]


def test_a_factory_snapshot_reaches_the_dashboard_figures(session, factory):
    campaign = factory.campaign()
    post = factory.post(factory.participation(campaign))
    factory.snapshot(campaign=campaign, post=post, captured_on=date(2026, 3, 4), views=1_200)
    summary = analytics.campaign_summary(session, campaign, today=date(2026, 3, 10))
    assert summary.totals["views"] == 1_200


def test_a_past_day_is_still_read_from_the_history(session, campaign_with_two_posts):
    campaign, a, b = campaign_with_two_posts
    _write(session, campaign, a, date(2026, 3, 5), views=500)
    _write(session, campaign, a, date(2026, 3, 9), views=900)
    _write(session, campaign, b, date(2026, 3, 7), views=70)
    on_6th = analytics.campaign_summary(
        session, campaign, today=date(2026, 3, 20), as_of=date(2026, 3, 6)
    )
    on_9th = analytics.campaign_summary(
        session, campaign, today=date(2026, 3, 20), as_of=date(2026, 3, 9)
    )
    assert on_6th.totals["views"] == 500
    assert on_9th.totals["views"] == 970


def test_the_daily_series_runs_the_day_changes_up_to_each_day(session, campaign_with_two_posts):
    campaign, a, b = campaign_with_two_posts
    _write(session, campaign, a, date(2026, 3, 2), views=100)
    _write(session, campaign, b, date(2026, 3, 3), views=30)
    _write(session, campaign, a, date(2026, 3, 4), views=160)
    series = analytics.daily_series(
        session, campaign, metrics=["views"], until=date(2026, 3, 5), events=False
    )
    assert series["views"] == [
        (date(2026, 3, 1), None),
        (date(2026, 3, 2), 100),
        (date(2026, 3, 3), 130),
        (date(2026, 3, 4), 190),
        (date(2026, 3, 5), 190),
    ]


def test_rebuild_rollups_folds_in_snapshots_written_by_raw_sql(
    session, runner, campaign_with_two_posts
):
    campaign, a, _b = campaign_with_two_posts
    _write(session, campaign, a, date(2026, 3, 5), views=500)
    session.execute(
        insert(Snapshot.__table__).values(
            campaign_id=campaign.id,
            participation_id=a.participation_id,
            post_id=a.id,
            captured_on=date(2026, 3, 6),
            source="warehouse",
            recorded_at=datetime(2026, 3, 6, tzinfo=UTC),
            views=640,
        )
    )
    session.commit()
    assert analytics.campaign_summary(session, campaign, today=D).totals["views"] == 500

    result = runner.invoke(cli, ["db", "rebuild-rollups"])
    assert result.exit_code == 0, result.output
    assert "Rollups rebuilt for" in result.output
    session.expire_all()
    assert analytics.campaign_summary(session, campaign, today=D).totals["views"] == 640


def test_many_writes_in_random_order_keep_the_rollups_equal_to_the_history(
    session, campaign_with_two_posts
):
    """Seeded: appends, older days, same-day replacements and several sources, in batches."""
    campaign, a, b = campaign_with_two_posts
    rng = random.Random(7)
    for _batch in range(12):
        items = []
        for _ in range(rng.randint(1, 4)):
            post = rng.choice([a, b])
            values = {m: rng.randint(0, 900) for m in rng.sample(["views", "likes", "saves"], 2)}
            if rng.random() < 0.3:
                values["revenue"] = Decimal(rng.randint(1, 500))
            items.append(
                SnapshotInput(
                    campaign_id=campaign.id,
                    participation_id=post.participation_id,
                    post_id=post.id,
                    captured_on=date(2026, 3, rng.randint(1, 12)),
                    source=rng.choice(["tiktok_studio", "manual"]),
                    values=values,
                    revenue_currency=rng.choice(["EUR", "USD"]) if "revenue" in values else None,
                )
            )
        write_snapshots(session, items)
        session.commit()
    kept = _rollup_state(session, campaign.id)
    rollups.rebuild(session.connection(), [campaign.id])
    session.commit()
    assert _rollup_state(session, campaign.id) == kept

    # The stored current values are what the history says for each post, metric by metric.
    history = rollups.read_history(session.connection(), [campaign.id])
    for post in (a, b):
        rows = history[history["post_id"] == post.id]
        stored = session.exec(
            select(SnapshotCurrent).where(SnapshotCurrent.post_id == post.id)
        ).one()
        for metric in ("views", "likes", "saves"):
            carried = rows[metric].dropna()
            expected = int(carried.iloc[-1]) if len(carried) else None
            assert getattr(stored, metric) == expected, (post.id, metric)


@pytest.mark.parametrize("merge_rows", [1, 3, 1_000_000])
def test_writes_waiting_in_one_transaction_merge_to_what_the_history_says(
    session, campaign_with_two_posts, monkeypatch, merge_rows
):
    """An import writes many batches in one transaction; their rows are merged in bulk (every
    `merge_rows` rows, and at the commit): appends, a day older than a waiting row, and a
    replaced row (which rebuilds the campaign) must end as a rebuild from the history."""
    monkeypatch.setattr(rollups, "MERGE_ROWS", merge_rows)
    campaign, a, b = campaign_with_two_posts
    _write(session, campaign, a, date(2026, 3, 1), views=100)  # stored before the import

    _write_batch(
        session,
        campaign,
        (a, date(2026, 3, 5), {"views": 500}),
        (b, date(2026, 3, 5), {"views": 80}),
    )
    _write_batch(session, campaign, (a, date(2026, 3, 9), {"views": 900, "likes": 9}))
    _write_batch(
        session,
        campaign,
        (a, date(2026, 3, 7), {"views": 700}),
        (b, date(2026, 3, 6), {"likes": 4}),
    )
    session.commit()
    kept = _rollup_state(session, campaign.id)

    rollups.rebuild(session.connection(), [campaign.id])
    session.commit()
    assert _rollup_state(session, campaign.id) == kept
    current, days, _revenue = kept
    assert [(row[2], row[3]) for row in current] == [(900, 9), (80, 4)]
    # views: Mar 1 100; Mar 5 +400 (a) +80 (b); Mar 7 +200; Mar 9 +200. likes: Mar 6 4, Mar 9 9.
    assert days == [
        (date(2026, 3, 1), 100, None),
        (date(2026, 3, 5), 480, None),
        (date(2026, 3, 6), None, 4),
        (date(2026, 3, 7), 200, None),
        (date(2026, 3, 9), 200, 9),
    ]


def test_a_read_in_the_writing_transaction_sees_the_waiting_rows(session, campaign_with_two_posts):
    campaign, a, _b = campaign_with_two_posts
    write_snapshots(
        session,
        [
            SnapshotInput(
                campaign_id=campaign.id,
                participation_id=a.participation_id,
                post_id=a.id,
                captured_on=date(2026, 3, 5),
                source="tiktok_studio",
                values={"views": 321},
            )
        ],
    )
    rollups.settle(session)  # what analytics does before reading
    stored = session.exec(select(SnapshotCurrent).where(SnapshotCurrent.post_id == a.id)).one()
    assert stored.views == 321


def test_one_batch_listing_a_posts_days_newest_first_keeps_the_newest_values(
    session, campaign_with_two_posts
):
    campaign, a, _b = campaign_with_two_posts
    items = [
        SnapshotInput(
            campaign_id=campaign.id,
            participation_id=a.participation_id,
            post_id=a.id,
            captured_on=day,
            source="tiktok_studio",
            values={"views": views},
        )
        for day, views in ((date(2026, 3, 9), 900), (date(2026, 3, 5), 500))
    ]
    write_snapshots(session, items)
    session.commit()
    current, days, _revenue = _rollup_state(session, campaign.id)
    assert [row[2] for row in current] == [900]
    assert days == [(date(2026, 3, 5), 500, None), (date(2026, 3, 9), 400, None)]


def test_two_writers_of_one_campaign_day_on_postgresql_both_count(
    session, db_kind, campaign_with_two_posts
):
    """The second writer waits for the first (advisory lock) instead of failing on the day row."""
    if db_kind != "postgresql":
        pytest.skip("SQLite has a single writer")
    campaign, a, b = campaign_with_two_posts
    day = date(2026, 3, 4)
    first = Session(session.get_bind(), expire_on_commit=False)
    second = Session(session.get_bind(), expire_on_commit=False)

    def item(post, views):
        return SnapshotInput(
            campaign_id=campaign.id,
            participation_id=post.participation_id,
            post_id=post.id,
            captured_on=day,
            source="tiktok_studio",
            values={"views": views},
        )

    write_snapshots(first, [item(a, 300)])
    rollups.settle(first)  # merged: first holds the campaign's rollups until it commits
    errors: list[BaseException] = []

    def write_second() -> None:
        try:
            write_snapshots(second, [item(b, 45)])
            second.commit()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=write_second)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive(), "the second writer should wait for the first"
    first.commit()
    thread.join(timeout=30)
    first.close()
    second.close()
    assert errors == []
    _current, days, _revenue = _rollup_state(session, campaign.id)
    assert days == [(day, 345, None)]


@pytest.mark.parametrize(
    ("metrics", "merged"),
    [(["views"], False), (["views", "likes", "comments", "shares", "saves"], True)],
)
def test_rows_carrying_many_metrics_are_merged_sooner(
    session, campaign_with_two_posts, monkeypatch, metrics, merged
):
    """A merge's memory grows with the cells it rolls (rows × the metrics they carry)."""
    monkeypatch.setattr(rollups, "_SMALL", 1)  # every write kept as a frame
    monkeypatch.setattr(rollups, "MERGE_ROWS", 1_000_000)
    monkeypatch.setattr(rollups, "MERGE_CELLS", 30)  # 3 rows × (8 + 5) = 39; 3 × (8 + 1) = 27
    campaign, a, b = campaign_with_two_posts
    values = dict.fromkeys(metrics, 10)
    _write_batch(
        session,
        campaign,
        (a, date(2026, 3, 1), values),
        (b, date(2026, 3, 1), values),
        (a, date(2026, 3, 2), values),
    )

    waiting = session.info[rollups._PENDING]
    assert (waiting.rows, len(waiting.merged.current)) == ((0, 2) if merged else (3, 0))
    session.commit()
    assert session.exec(select(SnapshotCurrent.views).order_by(SnapshotCurrent.post_id)).all() == [
        10,
        10,
    ]
