"""Campaign list, creation and editing with goals, archiving; roles and workspaces."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import select

from tracker.models import Campaign, Goal

from ..reference import EXPECTED, build_reference
from .conftest import audit_entries, field_errors, sign_in, text

VALID = {
    "name": "Glow Week",
    "objective": "sales",
    "start_date": "2026-12-01",
    "end_date": "2026-12-20",
    "currency": "eur",
    "budget": "12 500,50",
    "hashtags": "#glowweek",
    "target_roi_ratio": "4",
    "destination_url": "https://shop.example/glow",
    "locale": "fr",
    "timezone": "Europe/Paris",
    "goals-0-metric": "views",
    "goals-0-target": "500000",
    "goals-0-unit_value": "0.02",
    "goals-1-metric": "engagement_rate",
    "goals-1-target": "5",
    "goals-1-unit_value": "",
    "goals-2-metric": "",
    "goals-2-target": "",
    "goals-2-unit_value": "",
}


def _campaigns(session, name: str) -> list[Campaign]:
    session.expire_all()
    return list(session.exec(select(Campaign).where(Campaign.name == name)).all())


def test_list_shows_roi_ratio_and_cpm_of_the_reference_campaign(client, factory):
    ref = build_reference(factory)
    sign_in(client, factory.user(ref.workspace))
    page = text(client.get("/campaigns"))
    assert "Printemps Éclat 2026" in page
    assert EXPECTED["cpm"] in page
    assert EXPECTED["roi_ratio"] in page
    assert "€10,810.00" in page
    assert "Ended" in page  # March 2026 is over on the test date


def test_list_badges_and_filters_by_status_and_brand(as_manager, world, factory):
    today = date.today()
    running = factory.campaign(
        world.brand, name="Now On", start_date=today - timedelta(days=2), end_date=today
    )
    upcoming = factory.campaign(
        factory.brand(world.workspace, name="Other brand"),
        name="Later On",
        start_date=today + timedelta(days=5),
        end_date=today + timedelta(days=9),
    )
    factory.campaign(world.brand, name="Shelved", status="archived")
    page = as_manager.get("/campaigns").get_data(as_text=True)
    assert 'badge phase-running">Running' in page and 'badge phase-upcoming">Upcoming' in page
    assert "Shelved" not in page  # archived campaigns only under their filter
    archived = text(as_manager.get("/campaigns?status=archived"))
    assert "Shelved" in archived and "Now On" not in archived
    running_only = text(as_manager.get("/campaigns?status=running"))
    assert "Now On" in running_only and "Later On" not in running_only
    by_brand = text(as_manager.get(f"/campaigns?brand={upcoming.brand_id}&status=all"))
    assert "Later On" in by_brand and running.name not in by_brand


def test_a_new_workspace_is_told_to_create_a_brand_first(client, factory):
    sign_in(client, factory.user(factory.workspace()))
    page = text(client.get("/campaigns"))
    assert "Create the brand you work for" in page
    assert "Create a brand" in page
    response = client.get("/campaigns/new")
    assert response.status_code == 302 and response.location.endswith("/brands/new")


def test_create_campaign_with_goals_in_one_submit(as_manager, world, session):
    response = as_manager.post("/campaigns/new", data={**VALID, "brand_id": world.brand.id})
    assert response.status_code == 302
    (campaign,) = _campaigns(session, "Glow Week")
    assert campaign.currency == "EUR"
    assert campaign.budget == Decimal("12500.50")  # typed the French way
    assert campaign.target_roi_ratio == Decimal("4")
    assert campaign.locale == "fr"
    goals = {g.metric: g for g in session.exec(select(Goal).where(Goal.campaign_id == campaign.id))}
    assert set(goals) == {"views", "engagement_rate"}
    assert goals["views"].unit_value == Decimal("0.02")
    assert goals["engagement_rate"].target == Decimal("0.05")  # 5 % stored as a fraction
    (entry,) = audit_entries(session, "goals")
    assert entry.user_id == world.manager.id and entry.action == "create"
    assert {g["metric"] for g in json.loads(entry.detail)["after"]} == {"views", "engagement_rate"}


def test_target_ratio_defaults_to_five(as_manager, world, session):
    data = {**VALID, "brand_id": world.brand.id, "target_roi_ratio": ""}
    assert as_manager.post("/campaigns/new", data=data).status_code == 302
    assert _campaigns(session, "Glow Week")[0].target_roi_ratio == Decimal("5")


def _invalid(as_manager, world, session, **changes) -> list[str]:
    data = {**VALID, "brand_id": world.brand.id, **changes}
    response = as_manager.post("/campaigns/new", data=data)
    assert response.status_code == 422
    assert _campaigns(session, "Glow Week") == []  # nothing written
    return field_errors(response)


def test_end_before_start_is_refused(as_manager, world, session):
    errors = _invalid(as_manager, world, session, end_date="2026-11-30")
    assert "The end date must be on or after the start date." in errors


def test_unknown_currency_is_refused(as_manager, world, session):
    errors = _invalid(as_manager, world, session, currency="EUX")
    assert "Unknown currency code: use ISO 4217, such as EUR or USD." in errors


def test_negative_budget_is_refused(as_manager, world, session):
    assert "Enter zero or more." in _invalid(as_manager, world, session, budget="-100")


def test_text_in_a_number_field_is_refused(as_manager, world, session):
    errors = _invalid(as_manager, world, session, budget="lots")
    assert "Enter a number, such as 1234.50." in errors


def test_duplicate_goal_metric_is_refused(as_manager, world, session):
    errors = _invalid(
        as_manager, world, session, **{"goals-1-metric": "views", "goals-1-target": "10"}
    )
    assert "This metric already has a goal." in errors


def test_goal_target_must_be_above_zero(as_manager, world, session):
    errors = _invalid(as_manager, world, session, **{"goals-0-target": "0"})
    assert "Enter a number above zero." in errors


def test_goal_without_target_or_metric_is_refused(as_manager, world, session):
    errors = _invalid(
        as_manager,
        world,
        session,
        **{"goals-0-target": "", "goals-2-target": "100", "goals-2-unit_value": ""},
    )
    assert "Enter a target above zero." in errors
    assert "Choose the metric of this goal." in errors


def test_revenue_goal_cannot_carry_a_unit_value(as_manager, world, session):
    errors = _invalid(
        as_manager,
        world,
        session,
        **{"goals-2-metric": "revenue", "goals-2-target": "1000", "goals-2-unit_value": "1"},
    )
    assert "Revenue already counts as value: leave the unit value empty." in errors


def test_another_goal_row_adds_a_row_without_saving(as_manager, world, session):
    response = as_manager.post(
        "/campaigns/new", data={**VALID, "brand_id": world.brand.id, "add_goal": "1"}
    )
    assert response.status_code == 200
    assert 'name="goals-3-metric"' in response.get_data(as_text=True)
    assert _campaigns(session, "Glow Week") == []


def test_edit_shows_goals_and_replaces_them(as_manager, world, factory, session):
    factory.goal(world.campaign, "engagement_rate", "0.045")
    factory.goal(world.campaign, "views", 100_000, "0.01")
    page = as_manager.get(f"/campaigns/{world.campaign.id}/edit").get_data(as_text=True)
    assert 'value="4.5"' in page  # the stored fraction shown as a percentage
    data = {
        **VALID,
        "name": "Printemps",
        "goals-0-metric": "link_clicks",
        "goals-0-target": "2000",
        "goals-0-unit_value": "0.5",
        "goals-1-metric": "",
        "goals-1-target": "",
    }
    response = as_manager.post(f"/campaigns/{world.campaign.id}/edit", data=data)
    assert response.status_code == 302
    session.expire_all()
    goals = session.exec(select(Goal).where(Goal.campaign_id == world.campaign.id)).all()
    assert [(g.metric, g.target, g.unit_value) for g in goals] == [
        ("link_clicks", Decimal("2000"), Decimal("0.5"))
    ]
    entry = audit_entries(session, "goals")[-1]
    detail = json.loads(entry.detail)
    assert entry.action == "update"
    assert {g["metric"] for g in detail["before"]} == {"engagement_rate", "views"}
    assert session.get(Campaign, world.campaign.id).end_date == date(2026, 12, 20)


def test_invalid_edit_changes_nothing(as_manager, world, session):
    data = {**VALID, "name": "Renamed", "end_date": "2026-01-01"}
    response = as_manager.post(f"/campaigns/{world.campaign.id}/edit", data=data)
    assert response.status_code == 422
    session.expire_all()
    assert session.get(Campaign, world.campaign.id).name == "Printemps"


def test_archive_and_restore(as_manager, world, session):
    url = f"/campaigns/{world.campaign.id}/archive"
    assert as_manager.post(url).status_code == 302
    session.expire_all()
    assert session.get(Campaign, world.campaign.id).status == "archived"
    as_manager.post(url, data={"restore": "1"})
    session.expire_all()
    assert session.get(Campaign, world.campaign.id).status == "active"


def test_viewer_reads_but_cannot_write(as_viewer, world, session):
    assert as_viewer.get("/campaigns").status_code == 200
    assert "New campaign" not in text(as_viewer.get("/campaigns"))
    assert as_viewer.get("/campaigns/new").status_code == 403
    assert (
        as_viewer.post("/campaigns/new", data={**VALID, "brand_id": world.brand.id}).status_code
        == 403
    )
    assert as_viewer.post(f"/campaigns/{world.campaign.id}/archive").status_code == 403
    assert _campaigns(session, "Glow Week") == []


def test_another_workspace_campaign_is_not_found(as_manager, world):
    other = world.other_campaign.id
    assert as_manager.get(f"/campaigns/{other}/edit").status_code == 404
    assert as_manager.post(f"/campaigns/{other}/edit", data=VALID).status_code == 404
    assert as_manager.post(f"/campaigns/{other}/archive").status_code == 404
    assert "Secret" not in text(as_manager.get("/campaigns?status=all"))


def test_brand_user_sees_only_their_brand(client, world, factory):
    mine = factory.campaign(world.brand, name="Mine")
    other_brand = factory.brand(world.workspace, name="Not mine")
    factory.campaign(other_brand, name="Theirs")
    sign_in(client, factory.user(world.workspace, role="brand", brand_id=world.brand.id))
    page = text(client.get("/campaigns?status=all"))
    assert "Mine" in page and "Theirs" not in page
    assert client.get(f"/campaigns/{mine.id}/influencers").status_code == 200
    assert client.get("/influencers").status_code == 403  # the workspace's directory
    assert client.get("/campaigns/new").status_code == 403


def test_csrf_token_is_required(csrf_manager, world, session):
    response = csrf_manager.post("/campaigns/new", data={**VALID, "brand_id": world.brand.id})
    assert response.status_code == 400
    assert "The form expired" in text(response)
    assert _campaigns(session, "Glow Week") == []
