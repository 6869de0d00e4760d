"""Cost lines and exchange rates: forms, conversions, the missing-rate message, the audit log."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlmodel import select

from tracker.models import CostLine, ExchangeRate

from ..reference import EXPECTED, build_reference
from .conftest import audit_entries, field_errors, sign_in, text

COST = {
    "category": "production",
    "participation_id": "",
    "description": "Studio day",
    "amount": "1,250.50",
    "currency": "EUR",
    "incurred_on": "2026-03-03",
    "hours": "",
    "hourly_rate": "",
}


def _lines(session) -> list[CostLine]:
    session.expire_all()
    return list(session.exec(select(CostLine).order_by(CostLine.id)).all())


def test_costs_page_shows_the_reference_total_and_conversion(client, factory):
    ref = build_reference(factory)
    sign_in(client, factory.user(ref.workspace))
    page = text(client.get(f"/campaigns/{ref.campaign.id}/costs"))
    assert "€10,810.00" in page  # EXPECTED cost_total
    assert "€1,450.00" in page  # shared
    assert "$500.00" in page and "€460.00" in page and "0.92" in page
    assert "10 h × €45.00" in page
    assert EXPECTED["cost_total"] == Decimal("10810")


def test_add_a_shared_cost(as_manager, world, session):
    url = f"/campaigns/{world.campaign.id}/costs/new"
    assert as_manager.post(url, data=COST).status_code == 302
    (line,) = _lines(session)
    assert (line.amount, line.currency, line.participation_id) == (Decimal("1250.50"), "EUR", None)
    (entry,) = audit_entries(session, "cost_line")
    assert entry.action == "create" and entry.user_id == world.manager.id
    assert Decimal(json.loads(entry.detail)["after"]["amount"]) == Decimal("1250.50")


def test_add_a_direct_cost(as_manager, world, factory, session):
    part = factory.participation(world.campaign)
    data = {**COST, "category": "product_gifting", "participation_id": str(part.id)}
    assert (
        as_manager.post(f"/campaigns/{world.campaign.id}/costs/new", data=data).status_code == 302
    )
    assert _lines(session)[0].participation_id == part.id


def test_staff_time_is_hours_times_rate(as_manager, world, session):
    data = {**COST, "category": "staff_time", "amount": "", "hours": "7,5", "hourly_rate": "40"}
    assert (
        as_manager.post(f"/campaigns/{world.campaign.id}/costs/new", data=data).status_code == 302
    )
    (line,) = _lines(session)
    assert (line.hours, line.hourly_rate, line.amount) == (
        Decimal("7.5"),
        Decimal("40"),
        Decimal("300"),
    )


def test_cost_form_errors_are_shown_and_nothing_is_written(as_manager, world, factory, session):
    other_part = factory.participation(world.other_campaign)
    cases = [
        ({"amount": "-10"}, "Enter zero or more."),
        ({"amount": ""}, "Enter the amount."),
        ({"amount": "12.345"}, "Use at most 2 decimals."),
        ({"currency": "EURO"}, "Unknown currency code: use ISO 4217, such as EUR or USD."),
        ({"currency": ""}, "Enter a currency code."),
        ({"incurred_on": "31/02/2026"}, "Not a valid date value."),
        (
            {"category": "staff_time", "hours": "", "hourly_rate": "40"},
            "Staff time needs the number of hours.",
        ),
        (
            {"category": "staff_time", "hours": "2", "hourly_rate": ""},
            "Staff time needs an hourly rate.",
        ),
        ({"category": "bribes"}, "Not a valid choice."),
        ({"participation_id": str(other_part.id)}, "Not a valid choice."),
    ]
    for change, message in cases:
        response = as_manager.post(
            f"/campaigns/{world.campaign.id}/costs/new", data={**COST, **change}
        )
        assert response.status_code == 422, change
        assert message in field_errors(response), (change, field_errors(response))
    assert _lines(session) == []


def test_edit_and_delete_a_cost_line_are_audited(as_manager, world, factory, session):
    line_id = factory.cost(world.campaign, "100", category="tools").id
    url = f"/campaigns/{world.campaign.id}/costs/{line_id}"
    data = {**COST, "category": "tools", "amount": "120"}
    assert as_manager.post(url + "/edit", data=data).status_code == 302
    assert _lines(session)[0].amount == Decimal("120")
    assert as_manager.post(url + "/delete").status_code == 302
    assert _lines(session) == []
    update, delete = audit_entries(session, "cost_line")
    assert update.action == "update"
    assert Decimal(json.loads(update.detail)["before"]["amount"]) == Decimal("100")
    assert delete.action == "delete" and delete.entity_id == line_id


def test_missing_rate_is_explained_with_a_link_to_the_rates_page(as_manager, world, factory):
    factory.cost(world.campaign, "500", currency="USD", incurred_on=date(2026, 3, 10))
    response = as_manager.get(f"/campaigns/{world.campaign.id}/costs")
    assert response.status_code == 200
    page = text(response)
    assert "No exchange rate from USD to EUR on or before 2026-03-10" in page
    assert "/rates?base=USD&amp;quote=EUR&amp;on=2026-03-10" in response.get_data(as_text=True)
    # The campaign list still shows the other campaigns and flags this one.
    assert "Exchange rate missing" in text(as_manager.get("/campaigns"))


def test_adding_a_cost_without_a_rate_warns_at_once(as_manager, world, session):
    data = {**COST, "currency": "GBP"}
    response = as_manager.post(
        f"/campaigns/{world.campaign.id}/costs/new", data=data, follow_redirects=True
    )
    assert "No exchange rate from GBP to EUR on or before 2026-03-03" in text(response)
    assert len(_lines(session)) == 1  # the line itself is valid and kept


def test_add_then_correct_a_rate(as_manager, world, session):
    data = {"on_date": "2026-03-09", "base": "usd", "quote": "EUR", "rate": "0,92"}
    assert as_manager.post("/rates", data=data).status_code == 302
    assert as_manager.post("/rates", data={**data, "rate": "0.925"}).status_code == 302
    session.expire_all()
    (rate,) = session.exec(select(ExchangeRate)).all()
    assert (rate.base, rate.quote, rate.rate) == ("USD", "EUR", Decimal("0.925"))
    entries = audit_entries(session, "exchange_rate")
    assert [e.action for e in entries] == ["create", "update"]
    edit = as_manager.post(
        f"/rates/{rate.id}/edit", data={**data, "rate": "0.93"}, follow_redirects=True
    )
    assert "Rate corrected." in text(edit)
    assert "0.93" in text(as_manager.get("/rates"))


def test_rate_form_errors(as_manager, session):
    base = {"on_date": "2026-03-09", "base": "USD", "quote": "EUR", "rate": "0.92"}
    cases = [
        ({"quote": "USD"}, "Choose two different currencies."),
        ({"rate": "0"}, "Enter a number above zero."),
        ({"rate": "-1"}, "Enter a number above zero."),
        (
            {"rate": ""},
            "Enter the rate: how much 1 unit of the first currency is worth in the second.",
        ),
        ({"base": "ABC"}, "Unknown currency code: use ISO 4217, such as EUR or USD."),
    ]
    for change, message in cases:
        response = as_manager.post("/rates", data={**base, **change})
        assert response.status_code == 422, change
        assert message in field_errors(response), (change, field_errors(response))
    session.expire_all()
    assert session.exec(select(ExchangeRate)).all() == []


def test_rates_page_is_prefilled_from_the_missing_rate_link(as_manager):
    page = as_manager.get("/rates?base=USD&quote=EUR&on=2026-03-10").get_data(as_text=True)
    assert 'value="USD"' in page and 'value="2026-03-10"' in page


def test_viewer_reads_costs_and_rates_but_cannot_write(as_viewer, world, factory, session):
    line = factory.cost(world.campaign, "100")
    rate = factory.rate(world.workspace.id, date(2026, 3, 1), "USD", "EUR", "0.9")
    cid = world.campaign.id
    assert as_viewer.get(f"/campaigns/{cid}/costs").status_code == 200
    assert as_viewer.get("/rates").status_code == 200
    assert "Add or correct a rate" not in text(as_viewer.get("/rates"))
    assert as_viewer.post(f"/campaigns/{cid}/costs/new", data=COST).status_code == 403
    assert as_viewer.post(f"/campaigns/{cid}/costs/{line.id}/edit", data=COST).status_code == 403
    assert as_viewer.post(f"/campaigns/{cid}/costs/{line.id}/delete").status_code == 403
    data = {"on_date": "2026-03-09", "base": "USD", "quote": "EUR", "rate": "0.92"}
    assert as_viewer.post("/rates", data=data).status_code == 403
    assert as_viewer.post(f"/rates/{rate.id}/edit", data=data).status_code == 403
    assert as_viewer.post(f"/rates/{rate.id}/delete").status_code == 403
    assert len(_lines(session)) == 1
    session.expire_all()
    assert session.get(ExchangeRate, rate.id).rate == Decimal("0.9")


def test_another_workspace_costs_and_rates_are_not_found(as_manager, world, factory):
    theirs = factory.cost(world.other_campaign, "100")
    their_rate = factory.rate(world.other_workspace.id, date(2026, 3, 1), "USD", "EUR", "0.9")
    cid = world.other_campaign.id
    assert as_manager.get(f"/campaigns/{cid}/costs").status_code == 404
    assert as_manager.post(f"/campaigns/{cid}/costs/{theirs.id}/delete").status_code == 404
    assert (
        as_manager.get(f"/campaigns/{world.campaign.id}/costs/{theirs.id}/edit").status_code == 404
    )
    assert as_manager.get(f"/rates/{their_rate.id}/edit").status_code == 404
    assert as_manager.post(f"/rates/{their_rate.id}/delete").status_code == 404
    assert "0.9" not in text(as_manager.get("/rates"))


def test_csrf_token_is_required(csrf_manager, world, session):
    assert (
        csrf_manager.post(f"/campaigns/{world.campaign.id}/costs/new", data=COST).status_code == 400
    )
    data = {"on_date": "2026-03-09", "base": "USD", "quote": "EUR", "rate": "0.92"}
    assert csrf_manager.post("/rates", data=data).status_code == 400
    assert _lines(session) == []
