"""Posts and snapshots through the API keep KPI.md's snapshot semantics."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from tracker.models import AuditEntry, Snapshot

URL = "https://www.tiktok.com/@lea.glow/video/7616431466279434653"


@pytest.fixture
def setup(factory, workspace):
    campaign = factory.campaign(factory.brand(workspace))
    participation = factory.participation(campaign)
    return campaign, participation


def _post(api, campaign, participation, url=URL):
    return api.post(
        f"/campaigns/{campaign.id}/posts",
        json={
            "participation_id": participation.id,
            "url": url,
            "posted_at": "2026-03-04T18:30:00+01:00",
        },
    )


def test_a_post_takes_its_participations_platform_and_a_normalised_key(api, setup):
    campaign, participation = setup

    response = _post(api, campaign, participation, url=URL + "?is_from_webapp=1")

    assert response.status_code == 201, response.get_json()
    post = response.get_json()
    assert post["platform"] == "tiktok" and post["posted_at"] == "2026-03-04T17:30:00Z"
    again = _post(
        api, campaign, participation, url="https://tiktok.com/@lea.glow/video/7616431466279434653"
    )
    assert again.status_code == 409
    assert again.get_json()["fields"] == {"url": "already in the campaign"}


def test_not_a_link_is_refused_on_the_url_field(api, setup):
    campaign, participation = setup

    response = _post(api, campaign, participation, url="ftp://example.com/x")

    assert response.status_code == 422 and "url" in response.get_json()["fields"]


def test_the_same_snapshot_twice_changes_nothing_and_a_later_export_replaces(api, setup, session):
    campaign, participation = setup
    post_id = _post(api, campaign, participation).get_json()["id"]
    snapshot = {
        "post_id": post_id,
        "captured_on": "2026-03-05",
        "source": "manual",
        "metrics": {"views": 10_000, "likes": 800},
    }

    first = api.post(f"/campaigns/{campaign.id}/snapshots", json=snapshot)
    again = api.post(f"/campaigns/{campaign.id}/snapshots", json=snapshot)
    corrected = api.post(
        f"/campaigns/{campaign.id}/snapshots",
        json={**snapshot, "metrics": {"views": 12_000, "likes": 800}},
    )

    assert first.get_json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert again.get_json() == {"created": 0, "updated": 0, "unchanged": 1}
    assert corrected.get_json() == {"created": 0, "updated": 1, "unchanged": 0}
    rows = session.exec(select(Snapshot).where(Snapshot.post_id == post_id)).all()
    assert [(r.views, r.participation_id) for r in rows] == [(12_000, participation.id)]
    assert api.get(f"/campaigns/{campaign.id}/roi").get_json()["totals"]["views"] == 12_000


def test_a_source_without_a_metric_leaves_the_other_sources_value(api, setup):
    campaign, participation = setup
    post_id = _post(api, campaign, participation).get_json()["id"]
    api.post(
        f"/campaigns/{campaign.id}/snapshots/bulk",
        json={
            "snapshots": [
                {
                    "post_id": post_id,
                    "captured_on": "2026-03-05",
                    "source": "manual",
                    "metrics": {"views": 10_000, "saves": 20},
                },
                {
                    "post_id": post_id,
                    "captured_on": "2026-03-12",
                    "source": "tiktok_studio",
                    "metrics": {"views": 20_000},
                },
            ]
        },
    )

    totals = api.get(f"/campaigns/{campaign.id}/roi").get_json()["totals"]

    assert (totals["views"], totals["saves"]) == (20_000, 20)


def test_bulk_is_all_or_nothing_and_names_the_bad_item(api, setup, factory, session):
    campaign, participation = setup
    foreign_post = factory.post(factory.participation(factory.campaign()))

    response = api.post(
        f"/campaigns/{campaign.id}/snapshots/bulk",
        json={
            "snapshots": [
                {
                    "participation_id": participation.id,
                    "captured_on": "2026-03-05",
                    "metrics": {"views": 5},
                },
                {"post_id": foreign_post.id, "captured_on": "2026-03-05", "metrics": {"views": 7}},
            ]
        },
    )

    assert response.status_code == 404
    assert response.get_json()["fields"] == {"snapshots.1.post_id": "no such post in this campaign"}
    assert session.exec(select(Snapshot)).all() == []


def test_snapshot_values_are_checked(api, setup):
    campaign, _ = setup

    response = api.post(
        f"/campaigns/{campaign.id}/snapshots/bulk",
        json={"snapshots": [{"captured_on": "2026-03-05", "metrics": {"views": -1, "vibes": 3}}]},
    )

    fields = response.get_json()["fields"]
    assert response.status_code == 422
    assert "greater than or equal to 0" in fields["snapshots.0.metrics.views"]
    assert fields["snapshots.0.metrics.vibes"] == "is not a known field"
    empty = api.post(
        f"/campaigns/{campaign.id}/snapshots", json={"captured_on": "2026-03-05", "metrics": {}}
    )
    assert empty.get_json()["fields"] == {"metrics": "give at least one metric"}


def test_campaign_level_revenue_defaults_to_the_campaign_currency(api, setup, session):
    campaign, _ = setup

    api.post(
        f"/campaigns/{campaign.id}/snapshots",
        json={"captured_on": "2026-03-20", "metrics": {"hashtag_uses": 350, "revenue": "99.90"}},
    )

    (row,) = session.exec(select(Snapshot)).all()
    assert (row.post_id, row.participation_id, row.hashtag_uses) == (None, None, 350)
    assert (str(row.revenue), row.revenue_currency) == ("99.9000", "EUR")
    listed = api.get(f"/campaigns/{campaign.id}/snapshots").get_json()
    assert listed["items"][0]["metrics"]["revenue"] == "99.9000"
    assert listed["items"][0]["metrics"]["views"] is None


def test_snapshot_writes_are_audited_with_what_changed(api, setup, session):
    campaign, participation = setup
    base = {
        "participation_id": participation.id,
        "captured_on": "2026-03-05",
        "metrics": {"views": 1},
    }
    api.post(f"/campaigns/{campaign.id}/snapshots", json=base)
    api.post(f"/campaigns/{campaign.id}/snapshots", json={**base, "metrics": {"views": 2}})

    created, updated = session.exec(
        select(AuditEntry).where(AuditEntry.entity == "snapshot").order_by(AuditEntry.id)
    ).all()
    assert json.loads(created.detail)["created"] == 1
    change = json.loads(updated.detail)["changes"][0]
    assert (change["before"]["views"], change["after"]["views"]) == ("1", "2")


def test_list_snapshots_filters_by_day(api, setup, factory):
    campaign, participation = setup
    for day in (5, 6, 7):
        factory.snapshot(
            campaign=campaign,
            participation=participation,
            captured_on=date(2026, 3, day),
            views=day,
        )

    page = api.get(f"/campaigns/{campaign.id}/snapshots?date_from=2026-03-06").get_json()

    assert page["total"] == 2 and [s["metrics"]["views"] for s in page["items"]] == [6, 7]
    one = api.get(f"/snapshots/{page['items'][0]['id']}").get_json()
    assert one["captured_on"] == "2026-03-06"
