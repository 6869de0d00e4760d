"""Influencers and their participations through the API."""

from __future__ import annotations

import json

from sqlmodel import select

from tracker.models import AuditEntry, CostLine


def test_create_an_influencer_and_add_them_to_a_campaign_with_a_fee(
    api, factory, workspace, session
):
    campaign = factory.campaign(factory.brand(workspace))
    created = api.post(
        "/influencers",
        json={
            "name": "Léa Glow",
            "country": "fr",
            "accounts": [{"platform": "tiktok", "handle": "@Lea.Glow", "followers": 8000}],
        },
    )
    assert created.status_code == 201
    influencer = created.get_json()
    assert influencer["country"] == "FR"
    assert influencer["accounts"][0]["handle"] == "lea.glow"

    joined = api.post(
        f"/campaigns/{campaign.id}/participations",
        json={
            "influencer_id": influencer["id"],
            "platform": "tiktok",
            "fee": "400",
            "promo_code": "lea15",
            "joined_on": "2026-03-01",
        },
    )

    assert joined.status_code == 201, joined.get_json()
    part = joined.get_json()
    assert (part["tier"], part["followers_at_join"], part["promo_code"]) == ("nano", 8000, "LEA15")
    assert (part["fee"], part["fee_currency"], part["influencer_name"]) == (
        "400.0000",
        "EUR",
        "Léa Glow",
    )
    (fee,) = session.exec(select(CostLine)).all()
    assert (fee.participation_id, str(fee.amount), fee.category) == (
        part["id"],
        "400.0000",
        "influencer_fee",
    )
    entities = [e.entity for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert entities == ["influencer", "participation", "cost_line"]


def test_joining_twice_or_reusing_a_promo_code_is_a_conflict(api, factory, workspace):
    campaign = factory.campaign(factory.brand(workspace))
    lea, noah = factory.influencer(workspace.id), factory.influencer(workspace.id)
    first = api.post(
        f"/campaigns/{campaign.id}/participations",
        json={"influencer_id": lea.id, "platform": "tiktok", "promo_code": "SPRING"},
    )
    assert first.status_code == 201

    twice = api.post(
        f"/campaigns/{campaign.id}/participations",
        json={"influencer_id": lea.id, "platform": "tiktok"},
    )
    same_code = api.post(
        f"/campaigns/{campaign.id}/participations",
        json={"influencer_id": noah.id, "platform": "tiktok", "promo_code": "spring"},
    )

    assert twice.status_code == 409 and "influencer_id" in twice.get_json()["fields"]
    assert same_code.status_code == 409 and "promo_code" in same_code.get_json()["fields"]


def test_joining_on_a_platform_without_an_account_names_the_platform(api, factory, workspace):
    campaign = factory.campaign(factory.brand(workspace))
    lea = factory.influencer(workspace.id, platform="tiktok")

    response = api.post(
        f"/campaigns/{campaign.id}/participations",
        json={"influencer_id": lea.id, "platform": "youtube"},
    )

    assert response.status_code == 422
    assert "no youtube account" in response.get_json()["fields"]["platform"]


def test_a_changed_fee_moves_its_cost_line(api, factory, workspace, session):
    campaign = factory.campaign(factory.brand(workspace))
    lea = factory.influencer(workspace.id)
    part = api.post(
        f"/campaigns/{campaign.id}/participations",
        json={"influencer_id": lea.id, "platform": "tiktok", "fee": "400"},
    ).get_json()

    response = api.patch(
        f"/participations/{part['id']}", json={"fee": "450", "tier_override": "micro"}
    )

    assert response.status_code == 200
    assert (response.get_json()["tier"], response.get_json()["tier_overridden"]) == ("micro", True)
    (fee,) = session.exec(select(CostLine)).all()
    assert str(fee.amount) == "450.0000"
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.entity == "cost_line", AuditEntry.action == "update")
    ).one()
    assert json.loads(entry.detail)["before"]["amount"] == "400.0000"


def test_a_participation_with_posts_cannot_be_removed(api, factory, workspace):
    campaign = factory.campaign(factory.brand(workspace))
    part = factory.participation(campaign)
    factory.post(part)
    empty = factory.participation(campaign)

    assert api.delete(f"/participations/{part.id}").status_code == 409
    assert api.delete(f"/participations/{empty.id}").status_code == 204
    assert api.get(f"/participations/{empty.id}").status_code == 404


def test_influencer_search_by_name_or_handle(api, factory, workspace):
    factory.influencer(workspace.id, handle="maxviral", name="Max")
    factory.influencer(workspace.id, handle="someone", name="Léa 100%")
    factory.influencer(factory.workspace().id, handle="maxviral2", name="Other workspace")

    assert [i["name"] for i in api.get("/influencers?q=@MAXV").get_json()["items"]] == ["Max"]
    assert [i["name"] for i in api.get("/influencers?q=100%25").get_json()["items"]] == ["Léa 100%"]
    assert api.get("/influencers?q=%25").get_json()["total"] == 1, (
        "% is a character, not a wildcard"
    )


def test_accounts_sent_on_update_replace_all_accounts(api, factory, workspace):
    lea = factory.influencer(workspace.id, platform="tiktok")

    body = api.patch(
        f"/influencers/{lea.id}",
        json={"accounts": [{"platform": "youtube", "handle": "lea", "followers": 12}]},
    ).get_json()

    assert [(a["platform"], a["followers"]) for a in body["accounts"]] == [("youtube", 12)]
