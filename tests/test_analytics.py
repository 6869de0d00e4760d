"""The campaign figures from the database, checked against the hand-computed reference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tracker import analytics, formatting
from tracker.analytics import campaign_summary, daily_series, participation_rows, tier_comparison

from .reference import EXPECTED, build_reference

END = date(2026, 4, 1)


def test_reference_campaign_totals_and_kpis(factory, session):
    ref = build_reference(factory)
    s = campaign_summary(session, ref.campaign, today=END)
    assert s.cost.total == EXPECTED["cost_total"]
    assert s.cost.shared == EXPECTED["cost_shared"]
    for key in ("views", "link_clicks", "conversions", "revenue", "hashtag_uses"):
        assert s.totals[key] == EXPECTED[key], key
    assert s.kpis["engagements"] == EXPECTED["engagements"]
    assert formatting.percent(s.kpis["engagement_rate"], "en") == EXPECTED["engagement_rate_pct"]
    assert formatting.money(s.kpis["cpm"], "EUR", "en") == EXPECTED["cpm"]
    assert formatting.money4(s.kpis["cpv"], "EUR", "en") == EXPECTED["cpv"]
    assert formatting.money(s.kpis["cpe"], "EUR", "en") == EXPECTED["cpe"]
    assert formatting.money(s.kpis["cpc"], "EUR", "en") == EXPECTED["cpc"]
    assert formatting.percent(s.kpis["ctr"], "en") == EXPECTED["ctr_pct"]
    assert formatting.money(s.kpis["cpa"], "EUR", "en") == EXPECTED["cpa"]
    assert formatting.money(s.kpis["aov"], "EUR", "en") == EXPECTED["aov"]
    assert formatting.ratio(s.kpis["roas"]) == EXPECTED["roas"]


def test_reference_campaign_roi_against_goals(factory, session):
    ref = build_reference(factory)
    s = campaign_summary(session, ref.campaign, today=END)
    assert s.value_generated == EXPECTED["value_generated"]
    assert s.value_parts == [
        ("revenue", Decimal("240")),
        ("views", Decimal("9400")),
        ("link_clicks", Decimal("751.5")),
    ]
    assert formatting.ratio(s.roi_ratio) == EXPECTED["roi_ratio"]
    assert formatting.percent_points(s.roi_pct, "en") == EXPECTED["roi_pct"]
    assert s.meets_target is False
    got = {g.metric: formatting.percent(g.attainment, "en") for g in s.goals}
    assert got == EXPECTED["attainment"]
    assert all(g.pacing is None for g in s.goals), "an ended campaign shows attainment only"


def test_running_campaign_paces_each_goal(factory, session):
    ref = build_reference(factory)
    # On 03-16, 16 of 31 days have elapsed; views 470,000 projects to 470,000 × 31/16 = 910,625 ≥ 500,000.
    s = campaign_summary(session, ref.campaign, today=date(2026, 3, 16))
    pacing = {g.metric: g.pacing for g in s.goals}
    assert pacing["views"] == "on_track"
    # link clicks 1,503 × 31/16 = 2,912 ≥ 2,000 → on track; conversions 4 × 31/16 = 7.75 < 80 → off track
    assert pacing["link_clicks"] == "on_track"
    assert pacing["conversions"] == "off_track"


def test_per_influencer_rows_use_direct_costs_only(factory, session):
    ref = build_reference(factory)
    rows = {r.influencer: r for r in participation_rows(session, ref.campaign)}
    lea, noah, mx = rows["Léa Glow"], rows["Noah Martin"], rows["Max Viral"]
    assert (lea.tier, noah.tier, mx.tier) == ("nano", "mid", "mega")
    assert lea.direct_cost == EXPECTED["lea"]["direct_cost"]
    assert mx.direct_cost == EXPECTED["max"]["direct_cost"]
    assert lea.totals["views"] == 20_000 and lea.kpis["engagements"] == 1_670
    assert lea.totals["saves"] == 20, (
        "a TikTok export without saves leaves the manual value in place"
    )
    assert lea.totals["link_clicks"] == 3 and lea.unique_clicks == 3
    assert lea.totals["conversions"] == 2 and lea.totals["revenue"] == Decimal("150")
    assert formatting.percent(lea.kpis["engagement_rate"], "en") == "8.35%"
    assert formatting.money(lea.kpis["cpe"], "EUR", "en") == "€0.24"
    assert formatting.ratio(lea.kpis["roas"]) == "0.4:1"
    assert formatting.money(noah.kpis["cpc"], "EUR", "en") == "€4.17"
    assert noah.kpis["cpa"] is None
    assert formatting.money(mx.kpis["cpm"], "EUR", "en") == "€16.15"
    assert formatting.money(mx.kpis["cpa"], "EUR", "en") == "€6,460.00"


def test_organic_and_paid_split(factory, session):
    ref = build_reference(factory)
    s = campaign_summary(session, ref.campaign, today=END)
    assert s.split.organic["totals"]["views"] == 70_000
    assert s.split.paid["totals"]["views"] == 400_000


def test_daily_series_is_the_as_of_total_each_day(factory, session):
    ref = build_reference(factory)
    series = dict(daily_series(session, ref.campaign, metrics=["views"])["views"])
    assert series[date(2026, 3, 4)] is None
    assert series[date(2026, 3, 5)] == 10_000
    assert series[date(2026, 3, 8)] == 410_000
    assert series[date(2026, 3, 10)] == 460_000
    assert series[date(2026, 3, 12)] == 470_000
    assert series[date(2026, 3, 31)] == 470_000


def test_as_of_a_past_day_ignores_later_snapshots(factory, session):
    ref = build_reference(factory)
    s = campaign_summary(session, ref.campaign, today=END, as_of=date(2026, 3, 9))
    assert s.totals["views"] == 410_000


def test_tier_comparison_pools_each_tier(factory, session):
    ref = build_reference(factory)
    table = tier_comparison(session, ref.workspace)
    rows = {r.tier: r for r in table.rows}
    assert rows["nano"].influencers == 1 and rows["nano"].direct_cost == Decimal("400")
    assert rows["mega"].totals["views"] == 400_000
    assert rows["micro"].influencers == 0 and rows["micro"].kpis["cpm"] is None
    assert table.currency == "EUR"
    assert table.bands[0] == ("nano", 0, 9_999)


def test_missing_exchange_rate_is_an_error_not_one_to_one(factory, session):
    import pytest

    from tracker.currency import MissingRateError

    ref = build_reference(factory)
    factory.cost(ref.campaign, "100", category="tools", currency="GBP")
    with pytest.raises(MissingRateError, match="GBP"):
        analytics.campaign_summary(session, ref.campaign, today=END)
