"""KPI formulas of KPI.md, checked against hand-computed values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from tracker import kpi
from tracker.kpi import Goal, Snapshot

# A campaign whose figures divide exactly, so every expected value below can be
# checked by hand:
#   E = 10,000 + 1,200 + 800 + 500 = 12,500
#   cost 1,500; views 250,000; clicks 3,000; conversions 150; revenue 7,500
TOTALS: dict[str, int | Decimal | None] = {
    "views": 250_000,
    "likes": 10_000,
    "comments": 1_200,
    "shares": 800,
    "saves": 500,
    "completed_views": 100_000,
    "link_clicks": 3_000,
    "conversions": 150,
    "revenue": Decimal("7500"),
    "sentiment_pos": 300,
    "sentiment_neu": 150,
    "sentiment_neg": 50,
}
COST = Decimal("1500")


# --- keys --------------------------------------------------------------------


def test_metric_keys_follow_kpi_md_order():
    assert kpi.METRIC_KEYS == (
        "views",
        "reach",
        "impressions",
        "likes",
        "comments",
        "shares",
        "saves",
        "watch_time_s",
        "completed_views",
        "profile_views",
        "followers_gained",
        "hashtag_uses",
        "link_clicks",
        "sessions",
        "conversions",
        "revenue",
        "sentiment_pos",
        "sentiment_neu",
        "sentiment_neg",
    )


def test_count_keys_are_all_metric_keys_but_revenue():
    assert "revenue" not in kpi.COUNT_KEYS
    assert len(kpi.COUNT_KEYS) == 18
    assert kpi.MONEY_KEYS == ("revenue",)


def test_goal_metrics_add_engagement_rate():
    assert kpi.GOAL_METRICS[:-1] == kpi.METRIC_KEYS
    assert kpi.GOAL_METRICS[-1] == "engagement_rate"


# --- ratio and engagements ---------------------------------------------------


def test_ratio_divides_exactly():
    assert kpi.ratio(1, 8) == Decimal("0.125")
    assert isinstance(kpi.ratio(1, 8), Decimal)


def test_ratio_keeps_28_significant_digits():
    assert kpi.ratio(1, 3) == Decimal("0.3333333333333333333333333333")


@pytest.mark.parametrize(("num", "den"), [(5, 0), (5, None), (None, 5), (None, None)])
def test_ratio_is_undefined_with_zero_or_unknown_side(num, den):
    assert kpi.ratio(num, den) is None


def test_ratio_refuses_floats():
    with pytest.raises(TypeError, match="float"):
        kpi.ratio(0.1, 3)


def test_engagements_sum_the_four_interactions():
    assert kpi.engagements(TOTALS) == 12_500


def test_engagements_count_a_missing_component_as_zero():
    tiktok = {"likes": 900, "comments": 60, "shares": 40}
    assert kpi.engagements(tiktok) == 1_000
    assert kpi.engagements({**tiktok, "saves": None}) == 1_000


def test_engagements_are_unknown_when_all_components_are_missing():
    assert kpi.engagements({"views": 1_000}) is None
    assert kpi.engagements(dict.fromkeys(kpi.ENGAGEMENT_KEYS)) is None


def test_engagements_of_zero_interactions_are_zero_not_unknown():
    assert kpi.engagements({"likes": 0}) == 0


# --- one test per formula ----------------------------------------------------


def test_engagement_rate_is_engagements_over_views_as_a_fraction():
    assert kpi.engagement_rate(12_500, 250_000) == Decimal("0.05")


def test_er_by_followers_divides_by_followers_at_join():
    assert kpi.er_by_followers(12_500, 50_000) == Decimal("0.25")


def test_cpm_is_cost_per_thousand_views():
    assert kpi.cpm(COST, 250_000) == Decimal("6")


def test_cpv_is_cost_per_view():
    assert kpi.cpv(COST, 250_000) == Decimal("0.006")


def test_cpe_is_cost_per_engagement():
    assert kpi.cpe(COST, 12_500) == Decimal("0.12")


def test_cpc_is_cost_per_link_click():
    assert kpi.cpc(COST, 3_000) == Decimal("0.5")


def test_ctr_is_clicks_over_views():
    assert kpi.ctr(3_000, 250_000) == Decimal("0.012")


def test_conversion_rate_is_conversions_over_clicks():
    assert kpi.conversion_rate(150, 3_000) == Decimal("0.05")


def test_cpa_is_cost_per_conversion():
    assert kpi.cpa(COST, 150) == Decimal("10")


def test_completion_rate_is_completed_over_views():
    assert kpi.completion_rate(100_000, 250_000) == Decimal("0.4")


def test_aov_is_revenue_per_conversion():
    assert kpi.aov(Decimal("7500"), 150) == Decimal("50")


def test_roas_is_revenue_over_cost():
    assert kpi.roas(Decimal("7500"), COST) == Decimal("5")


def test_roi_pct_is_a_percentage_number():
    assert kpi.roi_pct(Decimal("7500"), COST) == Decimal("400")


def test_roi_pct_is_negative_on_a_loss():
    assert kpi.roi_pct(Decimal("750"), COST) == Decimal("-50")


def test_sentiment_score_is_net_positive_share():
    assert kpi.sentiment_score(300, 150, 50) == Decimal("0.5")


def test_sentiment_score_is_minus_one_when_all_negative():
    assert kpi.sentiment_score(0, 0, 12) == Decimal("-1")


def test_sentiment_score_counts_a_missing_bucket_as_zero():
    assert kpi.sentiment_score(30, None, 10) == Decimal("0.5")


# --- undefined cases ---------------------------------------------------------


def test_cpm_is_undefined_without_views():
    assert kpi.cpm(COST, 0) is None
    assert kpi.cpm(COST, None) is None


def test_cpm_is_undefined_without_cost():
    assert kpi.cpm(None, 250_000) is None


@pytest.mark.parametrize(
    ("fn", "num"),
    [
        (kpi.engagement_rate, 10),
        (kpi.er_by_followers, 10),
        (kpi.cpv, Decimal("10")),
        (kpi.cpe, Decimal("10")),
        (kpi.cpc, Decimal("10")),
        (kpi.ctr, 10),
        (kpi.conversion_rate, 10),
        (kpi.cpa, Decimal("10")),
        (kpi.completion_rate, 10),
        (kpi.aov, Decimal("10")),
        (kpi.roas, Decimal("10")),
        (kpi.roi_pct, Decimal("10")),
    ],
)
@pytest.mark.parametrize("den", [0, None])
def test_every_kpi_is_undefined_with_zero_or_unknown_denominator(fn, num, den):
    assert fn(num, den) is None


@pytest.mark.parametrize(
    "fn", [kpi.engagement_rate, kpi.cpv, kpi.ctr, kpi.roas, kpi.roi_pct, kpi.aov]
)
def test_every_kpi_is_undefined_with_unknown_numerator(fn):
    assert fn(None, 100) is None


def test_roi_pct_is_undefined_with_zero_cost_even_with_revenue():
    assert kpi.roi_pct(Decimal("100"), Decimal("0")) is None


def test_sentiment_score_is_undefined_without_classified_comments():
    assert kpi.sentiment_score(0, 0, 0) is None
    assert kpi.sentiment_score(None, None, None) is None


# --- kpis() ------------------------------------------------------------------


def test_kpis_compute_the_whole_table_from_totals():
    assert kpi.kpis(TOTALS, COST) == {
        "engagements": 12_500,
        "engagement_rate": Decimal("0.05"),
        "cpm": Decimal("6"),
        "cpv": Decimal("0.006"),
        "cpe": Decimal("0.12"),
        "cpc": Decimal("0.5"),
        "ctr": Decimal("0.012"),
        "conversion_rate": Decimal("0.05"),
        "cpa": Decimal("10"),
        "completion_rate": Decimal("0.4"),
        "aov": Decimal("50"),
        "roas": Decimal("5"),
        "roi_pct": Decimal("400"),
        "sentiment_score": Decimal("0.5"),
    }


def test_kpis_keys_match_kpi_keys():
    assert tuple(kpi.kpis({}, None)) == kpi.KPI_KEYS


def test_kpis_of_empty_totals_are_all_undefined():
    assert set(kpi.kpis({}, COST).values()) == {None}


def test_kpis_without_clicks_leave_click_kpis_undefined_but_others_defined():
    tiktok = {k: v for k, v in TOTALS.items() if k not in ("link_clicks", "saves")}
    result = kpi.kpis(tiktok, COST)
    assert result["cpc"] is None
    assert result["ctr"] is None
    assert result["conversion_rate"] is None
    assert result["engagements"] == 12_000
    assert result["cpm"] == Decimal("6")


# --- pooled totals -----------------------------------------------------------


def test_sum_totals_adds_each_key():
    rows = [{"views": 100, "revenue": Decimal("1.50")}, {"views": 50, "revenue": Decimal("2")}]
    assert kpi.sum_totals(rows) == {"views": 150, "revenue": Decimal("3.50")}


def test_sum_totals_keeps_unknown_plus_unknown_unknown():
    assert kpi.sum_totals([{"saves": None}, {"saves": None}]) == {"saves": None}


def test_sum_totals_treats_unknown_plus_value_as_the_value():
    assert kpi.sum_totals([{"saves": None}, {"saves": 7}, {}]) == {"saves": 7}


def test_sum_totals_of_nothing_is_empty():
    assert kpi.sum_totals([]) == {}


def test_pooled_engagement_rate_differs_from_mean_of_ratios():
    post_a = {"views": 1_000, "likes": 100}  # ER 10 %
    post_b = {"views": 9_000, "likes": 90}  # ER 1 %
    mean_of_ratios = (kpi.engagement_rate(100, 1_000) + kpi.engagement_rate(90, 9_000)) / 2  # 5.5 %
    pooled = kpi.kpis(kpi.sum_totals([post_a, post_b]), None)["engagement_rate"]
    assert pooled == Decimal("0.019")  # 190 / 10,000
    assert mean_of_ratios == Decimal("0.055")
    assert pooled != mean_of_ratios


def test_split_totals_pools_organic_paid_and_all():
    rows = [
        (False, {"views": 100, "likes": 10}),
        (True, {"views": 1_000, "likes": 20}),
        (False, {"views": 50, "likes": None}),
    ]
    split = kpi.split_totals(rows)
    assert split["organic"] == {"views": 150, "likes": 10}
    assert split["paid"] == {"views": 1_000, "likes": 20}
    assert split["all"] == {"views": 1_150, "likes": 30}


def test_fill_from_events_uses_events_only_where_nothing_was_imported():
    imported = {"link_clicks": 40, "conversions": None}
    events = {"link_clicks": 45, "conversions": 3}
    assert kpi.fill_from_events(imported, events) == {"link_clicks": 40, "conversions": 3}


def test_deliverables_rate_of_two_of_three_posts():
    assert kpi.deliverables_rate(2, 3) == Decimal("0.6666666666666666666666666667")
    assert kpi.deliverables_rate(2, 0) is None


# --- goals -------------------------------------------------------------------


def test_goal_refuses_unknown_metric():
    with pytest.raises(ValueError, match="Unknown goal metric 'clicks'"):
        Goal("clicks", Decimal("10"))


def test_goal_refuses_negative_target():
    with pytest.raises(ValueError, match="negative"):
        Goal("views", Decimal("-1"))


def test_goal_actual_reads_the_metric_from_totals():
    assert kpi.goal_actual("views", TOTALS) == 250_000
    assert kpi.goal_actual("reach", TOTALS) is None


def test_goal_actual_computes_engagement_rate_from_totals():
    assert kpi.goal_actual("engagement_rate", TOTALS) == Decimal("0.05")


def test_attainment_may_exceed_one():
    assert kpi.attainment(250_000, Decimal("200000")) == Decimal("1.25")


def test_attainment_is_undefined_with_unknown_actual_or_zero_target():
    assert kpi.attainment(None, Decimal("10")) is None
    assert kpi.attainment(5, Decimal("0")) is None


def test_value_generated_adds_valued_goals_to_revenue():
    goals = [
        Goal("views", Decimal("200000"), unit_value=Decimal("0.02")),  # 250,000 × 0.02 = 5,000
        Goal("link_clicks", Decimal("2000"), unit_value=Decimal("0.50")),  # 3,000 × 0.5 = 1,500
        Goal("conversions", Decimal("100")),  # no unit value: carries nothing
    ]
    breakdown = kpi.value_generated(Decimal("7500"), goals, TOTALS)
    assert breakdown.total == Decimal("14000")
    assert breakdown.parts == [
        ("revenue", Decimal("7500")),
        ("views", Decimal("5000")),
        ("link_clicks", Decimal("1500")),
    ]


def test_value_generated_ignores_a_revenue_goal_unit_value():
    goals = [Goal("revenue", Decimal("5000"), unit_value=Decimal("1"))]
    breakdown = kpi.value_generated(Decimal("7500"), goals, TOTALS)
    assert breakdown.total == Decimal("7500")
    assert breakdown.parts == [("revenue", Decimal("7500"))]


def test_value_generated_skips_goals_with_unknown_actual():
    goals = [Goal("reach", Decimal("1000"), unit_value=Decimal("0.01"))]
    breakdown = kpi.value_generated(Decimal("7500"), goals, TOTALS)
    assert breakdown.parts == [("revenue", Decimal("7500"))]


def test_value_generated_without_revenue_starts_with_the_goals():
    goals = [Goal("views", Decimal("1"), unit_value=Decimal("0.02"))]
    breakdown = kpi.value_generated(None, goals, TOTALS)
    assert breakdown.parts == [("views", Decimal("5000"))]
    assert breakdown.total == Decimal("5000")


def test_value_generated_is_unknown_when_nothing_carries_value():
    breakdown = kpi.value_generated(None, [Goal("views", Decimal("1"))], TOTALS)
    assert breakdown.total is None
    assert breakdown.parts == []


def test_roi_ratio_equals_roas_without_valued_goals():
    value = kpi.value_generated(Decimal("7500"), [Goal("views", Decimal("1"))], TOTALS).total
    assert kpi.roi_ratio(value, COST) == kpi.roas(Decimal("7500"), COST) == Decimal("5")


def test_roi_ratio_counts_valued_goals():
    goals = [Goal("views", Decimal("1"), unit_value=Decimal("0.02"))]
    value = kpi.value_generated(Decimal("7500"), goals, TOTALS).total
    assert kpi.roi_ratio(value, COST) == Decimal("8.333333333333333333333333333")
    assert kpi.roi_pct(value, COST) == Decimal("733.3333333333333333333333333")


def test_roi_ratio_is_undefined_without_cost():
    assert kpi.roi_ratio(Decimal("100"), Decimal("0")) is None


def test_meets_target_at_exactly_the_target_ratio():
    assert kpi.meets_target(Decimal("5"), Decimal("5.0")) is True
    assert kpi.meets_target(Decimal("4.99"), Decimal("5.0")) is False


def test_meets_target_defaults_to_five_to_one():
    assert kpi.meets_target(Decimal("5")) is True
    assert kpi.meets_target(Decimal("4.9")) is False


def test_meets_target_is_unknown_without_a_ratio():
    assert kpi.meets_target(None, Decimal("5")) is None


# --- pacing ------------------------------------------------------------------

START = date(2026, 3, 1)
END = date(2026, 3, 10)  # ten days, inclusive
MID = date(2026, 3, 5)  # fifth day: e = 0.5


def test_elapsed_fraction_counts_days_inclusively():
    assert kpi.elapsed_fraction(START, END, START) == Decimal("0.1")
    assert kpi.elapsed_fraction(START, END, MID) == Decimal("0.5")
    assert kpi.elapsed_fraction(START, END, END) == Decimal("1")


def test_elapsed_fraction_of_a_one_day_campaign_is_one():
    assert kpi.elapsed_fraction(START, START, START) == Decimal("1")


def test_elapsed_fraction_is_undefined_outside_the_campaign():
    assert kpi.elapsed_fraction(START, END, date(2026, 2, 28)) is None
    assert kpi.elapsed_fraction(START, END, date(2026, 3, 11)) is None


def test_projected_divides_actual_by_elapsed_fraction():
    assert kpi.projected(400, START, END, MID) == Decimal("800")
    assert kpi.projected(None, START, END, MID) is None
    assert kpi.projected(400, START, END, date(2026, 3, 11)) is None


def test_pacing_exactly_at_target_is_on_track():
    assert kpi.pacing_status(500, Decimal("1000"), START, END, MID) == kpi.ON_TRACK


def test_pacing_just_below_target_is_at_risk():
    assert kpi.pacing_status(499, Decimal("1000"), START, END, MID) == kpi.AT_RISK


def test_pacing_exactly_at_80_percent_is_at_risk():
    assert kpi.pacing_status(400, Decimal("1000"), START, END, MID) == kpi.AT_RISK


def test_pacing_below_80_percent_is_off_track():
    assert kpi.pacing_status(399, Decimal("1000"), START, END, MID) == kpi.OFF_TRACK


def test_pacing_status_values_are_stable_strings():
    assert (kpi.ON_TRACK, kpi.AT_RISK, kpi.OFF_TRACK) == ("on_track", "at_risk", "off_track")


def test_pacing_is_undefined_the_day_before_start():
    assert kpi.pacing_status(500, Decimal("1000"), START, END, date(2026, 2, 28)) is None


def test_pacing_is_undefined_after_the_end():
    assert kpi.pacing_status(5000, Decimal("1000"), START, END, date(2026, 3, 11)) is None


def test_pacing_on_the_last_day_compares_actual_with_target():
    assert kpi.pacing_status(1000, Decimal("1000"), START, END, END) == kpi.ON_TRACK
    assert kpi.pacing_status(999, Decimal("1000"), START, END, END) == kpi.AT_RISK


def test_pacing_is_undefined_with_unknown_actual():
    assert kpi.pacing_status(None, Decimal("1000"), START, END, MID) is None


def test_pacing_exact_target_is_on_track_when_elapsed_fraction_does_not_terminate():
    # Day 2 of 3: e = 2/3 rounds up to 0.666…67, and 200 / e would fall just short of 300.
    start, end, day = date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 2)
    assert kpi.projected(200, start, end, day) == Decimal("300")
    assert kpi.pacing_status(200, Decimal("300"), start, end, day) == kpi.ON_TRACK


def test_pacing_of_a_rate_compares_it_without_projection():
    # ER 4.5 % on day 5 of 10 against 5 %: projecting would claim 9 %.
    assert not kpi.is_cumulative("engagement_rate")
    assert kpi.is_cumulative("views")
    status = kpi.pacing_status(Decimal("0.045"), Decimal("0.05"), START, END, MID, cumulative=False)
    assert status == kpi.AT_RISK


# --- as-of snapshots ---------------------------------------------------------


def snap(day: int, hour: int, source: str = "manual", **values: int | None) -> Snapshot:
    return Snapshot(date(2026, 3, day), datetime(2026, 3, 20, hour), values, source)


def test_as_of_returns_every_canonical_key():
    result = kpi.as_of([snap(1, 9, views=10)], date(2026, 3, 1))
    assert tuple(result) == kpi.METRIC_KEYS
    assert result["views"] == 10
    assert result["likes"] is None


def test_as_of_ignores_snapshots_after_the_day():
    snaps = [snap(1, 9, views=10), snap(3, 9, views=30)]
    assert kpi.as_of(snaps, date(2026, 3, 2))["views"] == 10


def test_as_of_before_any_snapshot_is_unknown():
    assert kpi.as_of([snap(3, 9, views=30)], date(2026, 3, 2))["views"] is None


def test_a_later_export_replaces_never_adds_to_the_earlier_one():
    snaps = [snap(1, 9, "tiktok", views=100, likes=10), snap(2, 9, "tiktok", views=150, likes=12)]
    result = kpi.as_of(snaps, date(2026, 3, 2))
    assert (result["views"], result["likes"]) == (150, 12)


def test_importing_the_same_export_twice_changes_nothing():
    once = [snap(1, 9, "tiktok", views=100, likes=10)]
    twice = once + [snap(1, 10, "tiktok", views=100, likes=10)]
    assert kpi.as_of(twice, date(2026, 3, 5)) == kpi.as_of(once, date(2026, 3, 5))


def test_an_export_without_a_column_leaves_the_other_sources_value():
    manual = snap(1, 9, "manual", views=90, saves=7, link_clicks=12)
    tiktok = snap(2, 9, "tiktok", views=100, likes=10, saves=None)  # no saves, no clicks
    result = kpi.as_of([manual, tiktok], date(2026, 3, 2))
    assert result["views"] == 100
    assert result["saves"] == 7
    assert result["link_clicks"] == 12


def test_same_day_two_sources_the_one_recorded_last_wins():
    early = snap(2, 9, "tiktok", views=100)
    late = snap(2, 17, "manual", views=120)
    assert kpi.as_of([late, early], date(2026, 3, 2))["views"] == 120
    assert kpi.as_of([early, late], date(2026, 3, 2))["views"] == 120


def test_a_later_capture_wins_even_if_recorded_earlier():
    captured_later = Snapshot(date(2026, 3, 2), datetime(2026, 3, 2, 9), {"views": 200})
    backfilled = Snapshot(date(2026, 3, 1), datetime(2026, 3, 5, 9), {"views": 100})
    assert kpi.as_of([captured_later, backfilled], date(2026, 3, 5))["views"] == 200


def test_a_platform_correction_lowers_the_value():
    snaps = [snap(1, 9, views=100), snap(2, 9, views=95)]
    assert kpi.as_of(snaps, date(2026, 3, 2))["views"] == 95


def test_totals_as_of_sum_posts_and_campaign_level_snapshots():
    post_a = [snap(1, 9, views=100), snap(3, 9, views=300)]
    post_b = [snap(2, 9, views=50)]
    campaign = [snap(2, 9, hashtag_uses=12)]
    totals = kpi.totals_as_of([post_a, post_b, campaign], date(2026, 3, 2))
    assert totals["views"] == 150
    assert totals["hashtag_uses"] == 12
    assert totals["likes"] is None
