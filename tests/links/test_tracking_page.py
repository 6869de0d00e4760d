"""/campaigns/<id>/tracking: the links of each creator; the shop's endpoint and secret for managers."""

from __future__ import annotations

from sqlmodel import select

from tracker.models import AuditEntry, Campaign

from .conftest import BROWSER, SECRET


def test_a_manager_sees_each_link_its_landing_url_and_the_conversion_secret(
    client, factory, login, linked
):
    login(factory.user(linked.workspace, role="manager"))
    client.get(f"/l/{linked.lea.link_code}", headers={"User-Agent": BROWSER})

    page = client.get(f"/campaigns/{linked.campaign.id}/tracking").get_data(as_text=True)

    assert f"http://localhost/l/{linked.lea.link_code}" in page
    assert f"http://localhost/l/{linked.noah.link_code}" in page
    assert (
        "https://shop.example/eclat?ref=bio&amp;lang=fr&amp;utm_source=tiktok&amp;utm_medium=influencer"
        f"&amp;utm_campaign=printemps-eclat&amp;utm_content={linked.lea.link_code}#buy"
    ) in page
    assert "POST http://localhost/api/v1/conversions" in page
    assert SECRET in page
    assert "LEA15" in page


def test_a_viewer_sees_the_links_but_not_the_secret(client, factory, login, linked):
    login(factory.user(linked.workspace, role="viewer"))

    response = client.get(f"/campaigns/{linked.campaign.id}/tracking")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"/l/{linked.lea.link_code}" in page
    assert SECRET not in page
    assert "Only managers can see the secret." in page


def test_another_workspace_gets_404(client, factory, login, linked):
    login(factory.user(factory.workspace(), role="manager"))

    assert client.get(f"/campaigns/{linked.campaign.id}/tracking").status_code == 404
    assert client.post(f"/campaigns/{linked.campaign.id}/tracking/secret").status_code == 404


def test_the_page_needs_sign_in(client, linked):
    response = client.get(f"/campaigns/{linked.campaign.id}/tracking")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_replacing_the_secret_makes_the_old_one_stop_working(
    client, session, factory, login, linked
):
    login(factory.user(linked.workspace, role="manager"))

    response = client.post(f"/campaigns/{linked.campaign.id}/tracking/secret")

    assert response.status_code == 302
    session.expire_all()
    new_secret = session.get(Campaign, linked.campaign.id).conversion_secret
    assert new_secret and new_secret != SECRET
    body = {"order_id": "1", "amount": "5", "currency": "EUR", "promo_code": "LEA15"}
    old = client.post(
        "/api/v1/conversions", json=body, headers={"Authorization": f"Bearer {SECRET}"}
    )
    new = client.post(
        "/api/v1/conversions", json=body, headers={"Authorization": f"Bearer {new_secret}"}
    )
    assert (old.status_code, new.status_code) == (401, 201)
    entry = session.exec(select(AuditEntry)).one()
    assert (entry.entity, entry.entity_id, entry.action) == (
        "campaign",
        linked.campaign.id,
        "update",
    )
    assert "rotated" in entry.detail and new_secret not in entry.detail


def test_a_campaign_without_a_secret_can_get_one(client, session, factory, login, linked):
    linked.campaign.conversion_secret = None
    factory._save(linked.campaign)
    login(factory.user(linked.workspace, role="manager"))
    assert "no conversion secret yet" in client.get(
        f"/campaigns/{linked.campaign.id}/tracking"
    ).get_data(as_text=True)

    client.post(f"/campaigns/{linked.campaign.id}/tracking/secret")

    session.expire_all()
    assert session.get(Campaign, linked.campaign.id).conversion_secret


def test_a_viewer_cannot_replace_the_secret(client, session, factory, login, linked):
    login(factory.user(linked.workspace, role="viewer"))

    assert client.post(f"/campaigns/{linked.campaign.id}/tracking/secret").status_code == 403
    session.expire_all()
    assert session.get(Campaign, linked.campaign.id).conversion_secret == SECRET


def test_replacing_the_secret_needs_the_csrf_token(csrf_app, session, factory, linked):
    client = csrf_app.test_client()
    user = factory.user(linked.workspace, role="manager")
    with client.session_transaction() as flask_session:  # signed in without going through the form
        flask_session["_user_id"] = str(user.id)
        flask_session["_fresh"] = True

    response = client.post(f"/campaigns/{linked.campaign.id}/tracking/secret")

    assert response.status_code == 400
    session.expire_all()
    assert session.get(Campaign, linked.campaign.id).conversion_secret == SECRET
