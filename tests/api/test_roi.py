"""GET /campaigns/{id}/roi gives the dashboard's figures for the shared reference campaign."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tracker import formatting
from tracker.kpi import KPI_KEYS, METRIC_KEYS

from ..reference import EXPECTED, build_reference

END = "2026-04-01"


def _d(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def test_roi_of_the_reference_campaign_equals_the_dashboard_figures(factory, api_as):
    ref = build_reference(factory)
    api = api_as(factory.user(ref.workspace, role="viewer"))

    response = api.get(f"/campaigns/{ref.campaign.id}/roi?today={END}")

    assert response.status_code == 200, response.get_json()
    roi = response.get_json()
    assert roi["currency"] == "EUR" and roi["phase"] == "ended"
    assert roi["cost"]["total"] == "10810.0000"
    assert _d(roi["cost"]["total"]) == EXPECTED["cost_total"]
    assert _d(roi["cost"]["shared"]) == EXPECTED["cost_shared"]
    totals = roi["totals"]
    for key in ("views", "link_clicks", "conversions", "hashtag_uses"):
        assert totals[key] == EXPECTED[key], key
    assert _d(totals["revenue"]) == EXPECTED["revenue"]
    assert totals["saves"] == 620, "the TikTok export without saves keeps the manual value"
    k = roi["kpis"]
    assert k["engagements"] == EXPECTED["engagements"]
    # The API's exact-ish values, formatted as the dashboard formats them, read the same.
    assert formatting.percent(_d(k["engagement_rate"]), "en") == EXPECTED["engagement_rate_pct"]
    assert k["cpm"] == "23.0000"
    assert formatting.money(_d(k["cpm"]), "EUR", "en") == EXPECTED["cpm"]
    assert formatting.money4(_d(k["cpv"]), "EUR", "en") == EXPECTED["cpv"]
    assert formatting.money(_d(k["cpe"]), "EUR", "en") == EXPECTED["cpe"]
    assert formatting.money(_d(k["cpc"]), "EUR", "en") == EXPECTED["cpc"]
    assert formatting.percent(_d(k["ctr"]), "en") == EXPECTED["ctr_pct"]
    assert formatting.money(_d(k["cpa"]), "EUR", "en") == EXPECTED["cpa"]
    assert formatting.money(_d(k["aov"]), "EUR", "en") == EXPECTED["aov"]
    assert formatting.ratio(_d(k["roas"])) == EXPECTED["roas"]


def test_roi_against_goals_shows_value_generated_and_its_parts(factory, api_as):
    ref = build_reference(factory)
    api = api_as(factory.user(ref.workspace, role="manager"))

    roi = api.get(f"/campaigns/{ref.campaign.id}/roi?today={END}").get_json()["roi"]

    assert roi["value_generated"] == "10391.5000"
    assert _d(roi["value_generated"]) == EXPECTED["value_generated"]
    assert roi["value_parts"] == [
        {"metric": "revenue", "amount": "240.0000"},
        {"metric": "views", "amount": "9400.0000"},
        {"metric": "link_clicks", "amount": "751.5000"},
    ]
    assert formatting.ratio(_d(roi["ratio"])) == EXPECTED["roi_ratio"]
    assert formatting.percent_points(_d(roi["pct"]), "en") == EXPECTED["roi_pct"]
    assert roi["ratio"] == "0.961286"  # 10,391.50 / 10,810, rounded to 6 decimals
    assert roi["target_ratio"] == "5" and roi["meets_target"] is False


def test_goals_carry_attainment_and_no_pacing_once_the_campaign_ended(factory, api_as):
    ref = build_reference(factory)
    api = api_as(factory.user(ref.workspace))

    goals = api.get(f"/campaigns/{ref.campaign.id}/roi?today={END}").get_json()["goals"]

    got = {g["metric"]: formatting.percent(_d(g["attainment"]), "en") for g in goals}
    assert got == EXPECTED["attainment"]
    views = next(g for g in goals if g["metric"] == "views")
    assert views == {
        "metric": "views",
        "target": "500000",
        "unit_value": "0.0200",
        "actual": "470000",
        "attainment": "0.94",
        "projected": None,
        "pacing": None,
        "value": "9400.0000",
    }


def test_running_campaign_goals_show_pacing(factory, api_as):
    ref = build_reference(factory)
    api = api_as(factory.user(ref.workspace))

    goals = api.get(f"/campaigns/{ref.campaign.id}/roi?today=2026-03-16").get_json()["goals"]

    pacing = {g["metric"]: g["pacing"] for g in goals}
    assert pacing["views"] == "on_track" and pacing["conversions"] == "off_track"
    views = next(g for g in goals if g["metric"] == "views")
    assert views["projected"] == "910625"  # 470,000 × 31 / 16


def test_every_kpi_and_metric_key_is_present_and_undefined_ones_are_null(factory, api_as):
    ws = factory.workspace()
    campaign = factory.campaign(factory.brand(ws))
    api = api_as(factory.user(ws))

    roi = api.get(f"/campaigns/{campaign.id}/roi").get_json()

    assert set(roi["kpis"]) == set(KPI_KEYS)
    assert set(roi["totals"]) == set(METRIC_KEYS)
    assert all(value is None for value in roi["kpis"].values()), "no data: nothing is 0"
    assert roi["cost"]["total"] == "0.0000"
    assert roi["roi"]["ratio"] is None and roi["roi"]["value_generated"] is None


def test_as_of_gives_the_figures_known_on_that_day(factory, api_as):
    ref = build_reference(factory)
    api = api_as(factory.user(ref.workspace))

    roi = api.get(f"/campaigns/{ref.campaign.id}/roi?as_of=2026-03-07&today={END}").get_json()

    # Only Léa's manual snapshot of 03-05 existed on 03-07.
    assert roi["as_of"] == "2026-03-07"
    assert roi["totals"]["views"] == 10_000


def test_missing_exchange_rate_is_a_409_naming_the_pair(factory, api_as):
    ws = factory.workspace()
    campaign = factory.campaign(factory.brand(ws))
    factory.cost(
        campaign, "100", category="production", currency="USD", incurred_on=date(2026, 3, 2)
    )
    api = api_as(factory.user(ws))

    response = api.get(f"/campaigns/{campaign.id}/roi")

    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "missing_exchange_rate"
    assert "USD" in body["message"] and "EUR" in body["message"] and "2026-03-02" in body["message"]
