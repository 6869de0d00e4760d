"""A recap job reads each campaign's snapshot history once, and never serves stale figures."""

from __future__ import annotations

from datetime import date

from tracker import analytics
from tracker.analytics import loading

from ..reference import EXPECTED, build_reference

END = date(2026, 4, 1)


def _count_reads(monkeypatch) -> list[tuple[int, ...]]:
    reads: list[tuple[int, ...]] = []
    real = loading._read_history

    def counting(session, key):
        reads.append(key)
        return real(session, key)

    # Patched where _snapshot_frame looks it up: the package does not re-export it.
    monkeypatch.setattr(loading, "_read_history", counting)
    return reads


def test_inside_a_job_the_history_is_read_once_for_every_figure(factory, session, monkeypatch):
    ref = build_reference(factory)
    reads = _count_reads(monkeypatch)
    with analytics.reading_history_once(session):
        summary = analytics.campaign_summary(session, ref.campaign, today=END)
        rows = analytics.participation_rows(session, ref.campaign)
        series = dict(analytics.daily_series(session, ref.campaign, metrics=["views"])["views"])
        past = analytics.campaign_summary(session, ref.campaign, today=END, as_of=date(2026, 3, 9))
    assert reads == [(ref.campaign.id,)]
    assert (
        summary.totals["views"] == EXPECTED["views"]
        and summary.cost.total == EXPECTED["cost_total"]
    )
    assert {r.influencer: r.totals["views"] for r in rows}["Léa Glow"] == 20_000
    assert series[date(2026, 3, 8)] == 410_000
    assert past.totals["views"] == 410_000, "a past as-of day filters the history read once"


def test_a_write_inside_the_job_makes_the_next_figure_read_again(factory, session, monkeypatch):
    ref = build_reference(factory)
    reads = _count_reads(monkeypatch)
    with analytics.reading_history_once(session):
        past = dict(campaign=ref.campaign, today=END, as_of=date(2026, 3, 9))
        before = analytics.campaign_summary(session, **past).totals["views"]
        # Noah's post had no figure before its 10 March export: 5,000 views on the 9th.
        factory.snapshot(
            campaign=ref.campaign,
            post=ref.posts["noah"],
            captured_on=date(2026, 3, 9),
            views=5_000,
        )
        after = analytics.campaign_summary(session, **past).totals["views"]
        today = analytics.campaign_summary(session, ref.campaign, today=END).totals["views"]
    assert (before, after) == (410_000, 415_000)
    assert today == EXPECTED["views"], "the later 10 March export stays Noah's latest"
    assert len(reads) == 2
    analytics.campaign_summary(session, **past)
    assert len(reads) == 3, "outside a job or a request every call reads the database"


def test_todays_figures_never_read_the_history(factory, session, monkeypatch):
    ref = build_reference(factory)
    reads = _count_reads(monkeypatch)
    summary = analytics.campaign_summary(session, ref.campaign, today=END)
    rows = analytics.participation_rows(session, ref.campaign)
    analytics.daily_series(session, ref.campaign, metrics=["views", "revenue"])
    assert summary.totals["views"] == EXPECTED["views"]
    assert len(rows) == 3
    assert reads == []
