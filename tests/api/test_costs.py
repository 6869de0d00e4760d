"""Cost lines and exchange rates through the API, each write in the audit log."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlmodel import select

from tracker.models import AuditEntry, CostLine


def _audit(session, entity: str) -> list[AuditEntry]:
    return list(
        session.exec(select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id))
    )


def test_staff_time_amount_is_hours_times_rate(api, factory, workspace, session):
    campaign = factory.campaign(factory.brand(workspace))

    response = api.post(
        f"/campaigns/{campaign.id}/cost-lines",
        json={
            "category": "staff_time",
            "currency": "EUR",
            "incurred_on": "2026-03-02",
            "hours": "10.5",
            "hourly_rate": 45,
        },
    )

    assert response.status_code == 201, response.get_json()
    line = response.get_json()
    assert (line["amount"], line["hours"], line["hourly_rate"]) == ("472.5000", "10.5", "45.0000")
    assert line["participation_id"] is None, "no participation: a shared cost"
    (entry,) = _audit(session, "cost_line")
    assert entry.action == "create" and entry.entity_id == line["id"]
    assert Decimal(json.loads(entry.detail)["after"]["amount"]) == Decimal("472.5")


def test_cost_line_fields_are_checked(api, factory, workspace):
    campaign = factory.campaign(factory.brand(workspace))

    response = api.post(
        f"/campaigns/{campaign.id}/cost-lines",
        json={"category": "staff_time", "currency": "EUR", "incurred_on": "2026-03-02"},
    )
    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        "hours": "is required for staff_time",
        "hourly_rate": "is required for staff_time",
    }

    response = api.post(
        f"/campaigns/{campaign.id}/cost-lines",
        json={
            "category": "production",
            "currency": "EUR",
            "incurred_on": "2026-03-02",
            "amount": "-5",
        },
    )
    assert response.status_code == 422 and "amount" in response.get_json()["fields"]

    response = api.post(
        f"/campaigns/{campaign.id}/cost-lines",
        json={
            "category": "production",
            "currency": "EUR",
            "incurred_on": "2026-03-02",
            "amount": "1.23456",
        },
    )
    assert "4 decimal places" in response.get_json()["fields"]["amount"]


def test_money_is_read_exactly_from_json_numbers(api, factory, workspace, session):
    campaign = factory.campaign(factory.brand(workspace))

    response = api.post(
        f"/campaigns/{campaign.id}/cost-lines",
        data='{"category": "tools", "currency": "EUR", "incurred_on": "2026-03-02", "amount": 0.1}',
        content_type="application/json",
    )

    assert response.get_json()["amount"] == "0.1000"
    assert str(session.get(CostLine, response.get_json()["id"]).amount) == "0.1000"


def test_a_direct_cost_must_name_a_participation_of_the_same_campaign(api, factory, workspace):
    campaign, other = (
        factory.campaign(factory.brand(workspace)),
        factory.campaign(factory.brand(workspace)),
    )
    foreign = factory.participation(other)

    response = api.post(
        f"/campaigns/{campaign.id}/cost-lines",
        json={
            "category": "shipping",
            "currency": "EUR",
            "incurred_on": "2026-03-02",
            "amount": "12",
            "participation_id": foreign.id,
        },
    )

    assert response.status_code == 404
    assert response.get_json()["fields"] == {
        "participation_id": "no such participation in this campaign"
    }


def test_update_and_delete_are_audited_with_before_and_after(api, factory, workspace, session):
    campaign = factory.campaign(factory.brand(workspace))
    line = factory.cost(campaign, "100", category="production")

    response = api.patch(f"/cost-lines/{line.id}", json={"amount": "150", "currency": "usd"})
    assert response.status_code == 200
    assert (response.get_json()["amount"], response.get_json()["currency"]) == ("150.0000", "USD")
    assert api.delete(f"/cost-lines/{line.id}").status_code == 204
    assert api.get(f"/cost-lines/{line.id}").status_code == 404

    update, delete = _audit(session, "cost_line")
    assert Decimal(json.loads(update.detail)["before"]["amount"]) == 100
    assert Decimal(json.loads(update.detail)["after"]["amount"]) == 150
    assert delete.action == "delete" and json.loads(delete.detail)["before"]["currency"] == "USD"


def test_list_cost_lines_filters_and_paginates(api, factory, workspace):
    campaign = factory.campaign(factory.brand(workspace))
    for amount in ("1", "2", "3"):
        factory.cost(campaign, amount, category="tools")
    factory.cost(campaign, "9", category="shipping")

    page = api.get(
        f"/campaigns/{campaign.id}/cost-lines?category=tools&limit=2&offset=1"
    ).get_json()

    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [item["amount"] for item in page["items"]] == ["2.0000", "3.0000"]


def test_exchange_rates_are_set_then_corrected_for_the_same_day(api, session):
    first = api.post(
        "/exchange-rates",
        json={"on_date": "2026-03-09", "base": "USD", "quote": "EUR", "rate": "0.92"},
    )
    again = api.post(
        "/exchange-rates",
        json={"on_date": "2026-03-09", "base": "usd", "quote": "eur", "rate": 0.93},
    )

    assert first.status_code == again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"] and again.get_json()["rate"] == "0.93"
    listed = api.get("/exchange-rates?base=USD").get_json()
    assert listed["total"] == 1 and listed["items"][0]["on_date"] == "2026-03-09"
    refused = api.post(
        "/exchange-rates",
        json={"on_date": "2026-03-09", "base": "EUR", "quote": "EUR", "rate": "1"},
    )
    assert refused.get_json()["fields"] == {"quote": "must differ from base"}
    assert len(_audit(session, "exchange_rate")) == 2


def test_a_set_rate_makes_a_foreign_cost_count_in_the_roi(api, factory, workspace):
    campaign = factory.campaign(factory.brand(workspace))
    factory.cost(
        campaign,
        "500",
        category="paid_amplification",
        currency="USD",
        incurred_on=date(2026, 3, 10),
    )
    assert api.get(f"/campaigns/{campaign.id}/roi").status_code == 409

    api.post(
        "/exchange-rates",
        json={"on_date": "2026-03-09", "base": "USD", "quote": "EUR", "rate": "0.92"},
    )

    assert api.get(f"/campaigns/{campaign.id}/roi").get_json()["cost"]["total"] == "460.0000"
