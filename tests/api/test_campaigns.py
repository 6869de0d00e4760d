"""Brands, campaigns and goals through the API: create, read, change, with audit entries."""

from __future__ import annotations

import json

from sqlmodel import select

from tracker.models import AuditEntry, Campaign, Goal


def _campaign_body(brand_id: int, **overrides):
    body = {
        "brand_id": brand_id,
        "name": "Printemps 2026",
        "objective": "sales",
        "start_date": "2026-03-01",
        "end_date": "2026-03-31",
        "currency": "eur",
        "budget": "12000",
        "goals": [
            {"metric": "views", "target": 500000, "unit_value": "0.02"},
            {"metric": "revenue", "target": "10000"},
        ],
    }
    return {**body, **overrides}


def test_create_a_brand_then_a_campaign_with_goals(api, session):
    brand = api.post("/brands", json={"name": "Maison Lumière"})
    assert brand.status_code == 201
    assert brand.get_json()["slug"] == "maison-lumiere"

    response = api.post("/campaigns", json=_campaign_body(brand.get_json()["id"]))

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["currency"] == "EUR" and body["budget"] == "12000.0000"
    assert body["target_roi_ratio"] == "5"
    assert body["goals"] == [
        {"metric": "views", "target": "500000", "unit_value": "0.0200"},
        {"metric": "revenue", "target": "10000", "unit_value": None},
    ]
    assert "conversion_secret" not in body
    assert api.get(f"/campaigns/{body['id']}").get_json() == body
    goals = session.exec(select(Goal).where(Goal.campaign_id == body["id"])).all()
    assert {g.metric for g in goals} == {"views", "revenue"}


def test_bad_campaign_fields_are_named_with_their_reason_and_nothing_is_written(
    api, factory, workspace, session
):
    brand = factory.brand(workspace)
    body = _campaign_body(
        brand.id,
        end_date="2026-02-01",
        currency="EURO",
        budjet=5,
        goals=[{"metric": "views", "target": 1}, {"metric": "views", "target": 2}],
    )

    response = api.post("/campaigns", json=body)

    assert response.status_code == 422
    error = response.get_json()
    assert error["error"] == "validation_failed"
    assert error["fields"]["end_date"] == "is before start_date"
    assert error["fields"]["currency"] == "String should have at most 3 characters"
    assert error["fields"]["budjet"] == "is not a known field"
    assert error["fields"]["goals"] == "each metric can have only one goal"
    assert session.exec(select(Campaign)).all() == []


def test_unknown_currency_and_goal_metric_are_refused(api, factory, workspace):
    brand = factory.brand(workspace)
    body = _campaign_body(brand.id, currency="XYZ", goals=[{"metric": "vibes", "target": 1}])

    fields = api.post("/campaigns", json=body).get_json()["fields"]

    assert "ISO 4217" in fields["currency"]
    assert "goals.0.metric" in fields


def test_a_brand_of_another_workspace_is_not_found(api, factory):
    other_brand = factory.brand(factory.workspace())

    response = api.post("/campaigns", json=_campaign_body(other_brand.id))

    assert response.status_code == 404
    assert response.get_json()["fields"] == {"brand_id": "no such brand"}


def test_patch_changes_only_the_fields_sent(api, factory, workspace):
    campaign = factory.campaign(factory.brand(workspace), budget=None, hashtags="#a")

    response = api.patch(f"/campaigns/{campaign.id}", json={"name": "Renamed", "budget": "900.5"})

    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["budget"], body["hashtags"]) == ("Renamed", "900.5000", "#a")


def test_patch_refuses_an_end_before_the_stored_start(api, factory, workspace):
    campaign = factory.campaign(factory.brand(workspace))

    response = api.patch(f"/campaigns/{campaign.id}", json={"end_date": "2026-02-01"})

    assert response.status_code == 422
    assert response.get_json()["fields"] == {"end_date": "is before start_date"}


def test_patch_refuses_null_for_a_required_field(api, factory, workspace):
    campaign = factory.campaign(factory.brand(workspace))

    response = api.patch(f"/campaigns/{campaign.id}", json={"name": None})

    assert response.status_code == 422
    assert "name" in response.get_json()["fields"]


def test_replacing_goals_is_recorded_in_the_audit_log(api, factory, workspace, manager, session):
    campaign = factory.campaign(factory.brand(workspace))
    factory.goal(campaign, "views", 1000)

    response = api.put(
        f"/campaigns/{campaign.id}/goals",
        json={"goals": [{"metric": "link_clicks", "target": 50, "unit_value": "0.5"}]},
    )

    assert response.status_code == 200
    assert [g["metric"] for g in response.get_json()["goals"]] == ["link_clicks"]
    entry = session.exec(select(AuditEntry).where(AuditEntry.entity == "goals")).one()
    detail = json.loads(entry.detail)
    assert (entry.user_id, entry.action, entry.entity_id) == (manager.id, "update", campaign.id)
    assert detail["before"] == [{"metric": "views", "target": "1000.0000", "unit_value": None}]
    assert detail["after"] == [{"metric": "link_clicks", "target": "50", "unit_value": "0.5"}]
    assert detail["via"] == "api"


def test_archive_keeps_the_campaign_readable(api, factory, workspace):
    campaign = factory.campaign(factory.brand(workspace))

    assert api.post(f"/campaigns/{campaign.id}/archive").get_json()["status"] == "archived"
    listed = api.get("/campaigns?status=archived").get_json()
    assert [c["id"] for c in listed["items"]] == [campaign.id]


def test_brand_users_see_only_their_brand_and_its_campaigns(api_as, factory, workspace):
    mine, other = factory.brand(workspace), factory.brand(workspace)
    visible = factory.campaign(mine)
    factory.campaign(other)
    api = api_as(factory.user(workspace, role="brand", brand_id=mine.id))

    assert [b["id"] for b in api.get("/brands").get_json()["items"]] == [mine.id]
    assert [c["id"] for c in api.get("/campaigns").get_json()["items"]] == [visible.id]
    assert api.get(f"/brands/{other.id}").status_code == 404


def test_brand_update_renames_and_archives(api, factory, workspace):
    brand = factory.brand(workspace)

    body = api.patch(f"/brands/{brand.id}", json={"name": "New name", "archived": True}).get_json()

    assert body["name"] == "New name" and body["archived_at"] is not None


def test_dates_outside_a_sane_window_are_refused(api, factory, workspace):
    brand = factory.brand(workspace)

    typo = api.post("/campaigns", json=_campaign_body(brand.id, start_date="0202-03-01"))
    too_long = api.post("/campaigns", json=_campaign_body(brand.id, end_date="2032-03-31"))

    assert typo.status_code == 422 and "start_date" in typo.get_json()["fields"]
    assert too_long.get_json()["fields"] == {"end_date": "makes the campaign longer than 5 years"}
