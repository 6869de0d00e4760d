"""Archiving an influencer takes them off the roster and the join form; restoring brings them back."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from tracker.models import AuditEntry, Influencer

from ..web.conftest import csrf_token, sign_in, text


@pytest.fixture
def roster(factory):
    ws = factory.workspace()
    campaign = factory.campaign(factory.brand(ws), name="Printemps")
    lea = factory.influencer(ws.id, name="Léa Glow", handle="lea.glow")
    noah = factory.influencer(ws.id, name="Noah Fit", handle="noah.fit")
    factory.participation(campaign, lea)
    return {
        "ws": ws,
        "campaign": campaign,
        "lea": lea,
        "noah": noah,
        "manager": factory.user(ws, role="manager"),
        "viewer": factory.user(ws, role="viewer"),
    }


def _archive(client, influencer, archived: str = "1"):
    return client.post(f"/influencers/{influencer.id}/archive", data={"archived": archived})


def _fresh(session, influencer) -> Influencer:
    session.expire_all()
    return session.get(Influencer, influencer.id)


def test_archiving_takes_the_influencer_off_the_list_and_the_join_form(client, session, roster):
    sign_in(client, roster["manager"])

    response = _archive(client, roster["lea"])

    assert response.status_code == 302 and response.location == "/influencers"
    assert _fresh(session, roster["lea"]).archived_at is not None
    listing = text(client.get("/influencers"))
    assert "Léa Glow archived: no longer listed nor offered for new campaigns." in listing
    assert "Léa Glow" not in text(client.get("/influencers"))
    assert "Noah Fit" in listing
    join_form = text(client.get(f"/campaigns/{roster['campaign'].id}/influencers/add"))
    assert "Noah Fit" in join_form and "Léa Glow" not in join_form


def test_archived_influencers_are_listed_apart_with_a_restore_button(client, roster):
    sign_in(client, roster["manager"])
    _archive(client, roster["lea"])

    assert "Archived (1)" in text(client.get("/influencers"))
    page = client.get("/influencers?status=archived")
    archived = text(page)
    assert "Archived influencers" in archived
    assert "Léa Glow" in archived and "Noah Fit" not in archived
    html = page.get_data(as_text=True)
    assert f'action="/influencers/{roster["lea"].id}/archive"' in html
    assert 'name="archived" value="0"' in html  # Restore


def test_a_search_in_the_archived_list_stays_in_it(client, roster):
    sign_in(client, roster["manager"])
    _archive(client, roster["lea"])
    _archive(client, roster["noah"])
    client.get("/influencers")  # shows (and clears) the two "archived" messages

    page = text(client.get("/influencers?status=archived&q=noah"))

    assert "Noah Fit" in page and "Léa Glow" not in page


def test_restoring_brings_the_influencer_back(client, session, roster):
    sign_in(client, roster["manager"])
    _archive(client, roster["lea"])

    response = _archive(client, roster["lea"], archived="0")

    assert response.location == f"/influencers/{roster['lea'].id}/edit"
    assert _fresh(session, roster["lea"]).archived_at is None
    assert "Léa Glow restored." in text(client.get(response.location))
    assert "Léa Glow" in text(client.get("/influencers"))
    assert "Archived (" not in text(client.get("/influencers"))


def test_the_campaign_keeps_an_archived_influencers_participation(client, roster):
    sign_in(client, roster["manager"])
    _archive(client, roster["lea"])

    page = text(client.get(f"/campaigns/{roster['campaign'].id}/influencers"))

    assert "Léa Glow" in page


def test_the_edit_page_offers_archive_then_says_since_when_it_is_archived(
    client, session, factory, roster
):
    sign_in(client, roster["manager"])
    edit = f"/influencers/{roster['lea'].id}/edit"
    assert 'name="archived" value="1"' in client.get(edit).get_data(as_text=True)

    lea = _fresh(session, roster["lea"])
    lea.archived_at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    factory._save(lea)
    page = client.get(edit)

    assert "Archived on Nov 20, 2026: not listed with the influencers" in text(page)
    assert 'name="archived" value="0"' in page.get_data(as_text=True)


def test_archive_and_restore_are_in_the_audit_log_once_each(client, session, roster):
    sign_in(client, roster["manager"])
    _archive(client, roster["lea"])
    _archive(client, roster["lea"])  # already archived: nothing changes, nothing recorded
    _archive(client, roster["lea"], archived="0")

    entries = session.exec(
        select(AuditEntry).where(AuditEntry.entity == "influencer").order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.entity_id, e.user_id) for e in entries] == [
        ("archive", roster["lea"].id, roster["manager"].id),
        ("restore", roster["lea"].id, roster["manager"].id),
    ]
    assert json.loads(entries[0].detail) == {"name": "Léa Glow"}


def test_a_viewer_cannot_archive(client, session, roster):
    sign_in(client, roster["viewer"])

    assert _archive(client, roster["lea"]).status_code == 403
    assert _fresh(session, roster["lea"]).archived_at is None
    assert f"/influencers/{roster['lea'].id}/archive" not in client.get("/influencers").get_data(
        as_text=True
    )


def test_another_workspaces_influencer_is_404(client, session, factory, roster):
    sign_in(client, factory.user(factory.workspace(), role="manager"))

    assert _archive(client, roster["lea"]).status_code == 404
    assert _fresh(session, roster["lea"]).archived_at is None


def test_archiving_needs_the_csrf_token(csrf_app, session, roster):
    client = csrf_app.test_client()
    sign_in(client, roster["manager"])

    assert _archive(client, roster["lea"]).status_code == 400
    token = csrf_token(client, "/influencers")
    response = client.post(
        f"/influencers/{roster['lea'].id}/archive", data={"archived": "1", "csrf_token": token}
    )
    assert response.status_code == 302
    assert _fresh(session, roster["lea"]).archived_at is not None


def test_archiving_in_french(client, roster):
    sign_in(client, roster["manager"])
    client.post("/lang", data={"lang": "fr"})

    _archive(client, roster["lea"])

    page = text(client.get("/influencers"))
    assert "Léa Glow archivé : plus listé ni proposé pour les nouvelles campagnes." in page
    assert "Archivés (1)" in page
    assert "Influenceurs archivés" in text(client.get("/influencers?status=archived"))
