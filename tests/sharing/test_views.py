"""Share links in the app: managers create and revoke; a brand reads one campaign without logging in."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from tracker.models import ShareLink
from tracker.sharing.service import create_share_link, revoke_share_link

from ..reference import build_reference
from ..reporting.support import pdf_pages


@pytest.fixture
def ref(factory):
    return build_reference(factory)


@pytest.fixture
def manager(factory, ref):
    return factory.user(ref.workspace, role="manager")


def share(session, campaign, locale="en", **kw) -> str:
    _link, token = create_share_link(session, campaign=campaign, locale=locale, **kw)
    session.commit()
    return token


def test_manager_creates_a_link_shown_once_and_stored_hashed(client, login, session, ref, manager):
    login(manager)
    response = client.post(
        f"/campaigns/{ref.campaign.id}/share", data={"locale": "fr", "expires_on": ""}
    )
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    token = re.search(r"/share/([A-Za-z0-9_-]{43})", html).group(1)
    link = session.exec(select(ShareLink)).one()
    assert (link.campaign_id, link.locale, link.expires_at, link.created_by) == (
        ref.campaign.id,
        "fr",
        None,
        manager.id,
    )
    assert token not in link.token_hash
    # Listed afterwards, but its address is never shown again.
    listing = client.get(f"/campaigns/{ref.campaign.id}/share").get_data(as_text=True)
    assert token not in listing and "active" in listing


def test_an_expiry_in_the_past_is_a_field_error(client, login, session, ref, manager):
    login(manager)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/campaigns/{ref.campaign.id}/share", data={"locale": "en", "expires_on": yesterday}
    )
    assert response.status_code == 400
    assert "Choose today or a later day" in response.get_data(as_text=True)
    assert session.exec(select(ShareLink)).first() is None


def test_the_share_page_needs_no_login_and_shows_that_campaign_only(client, factory, session, ref):
    other = factory.campaign(ref.brand, name="Autumn Secret Launch", slug="autumn")
    token = share(session, ref.campaign, "fr")
    response = client.get(f"/share/{token}")
    html = response.get_data(as_text=True).replace("\u202f", " ").replace("\u00a0", " ")
    assert response.status_code == 200
    assert "Printemps Éclat 2026" in html and "10 810,00 €" in html
    assert "Autumn Secret Launch" not in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    # The link opens nothing else: the app itself still asks for a login.
    for url in (f"/campaigns/{ref.campaign.id}/recap", f"/campaigns/{other.id}/recap"):
        assert client.get(url).status_code == 302, url


def test_the_share_pdf_is_the_campaign_recap_in_the_links_language(client, session, ref):
    token = share(session, ref.campaign, "fr")
    response = client.get(f"/share/{token}/recap.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(pdf_pages(response.data)).split())
    assert "Synthèse" in text and "10 810,00 €" in text


def test_revoked_expired_and_unknown_links_answer_404(client, session, factory, ref):
    revoked_link, revoked = create_share_link(session, campaign=ref.campaign, locale="en")
    revoke_share_link(session, revoked_link)
    expired = share(session, ref.campaign, expires_on=date.today() - timedelta(days=1))
    for token in (revoked, expired, "x" * 43, "nope"):
        assert client.get(f"/share/{token}").status_code == 404, token
        assert client.get(f"/share/{token}/recap.pdf").status_code == 404, token


def test_hostile_names_are_escaped_on_the_share_page(client, session, factory, ref):
    ref.brand.name = '<script>alert("x")</script>'
    session.add(ref.brand)
    session.commit()
    html = client.get(f"/share/{share(session, ref.campaign)}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_revoking_stops_the_link(client, login, session, ref, manager):
    token = share(session, ref.campaign)
    link = session.exec(select(ShareLink)).one()
    login(manager)
    response = client.post(f"/campaigns/{ref.campaign.id}/share/{link.id}/revoke")
    assert response.status_code == 302
    assert client.get(f"/share/{token}").status_code == 404


def test_only_managers_of_the_workspace_manage_links(client, login, factory, session, ref):
    other_campaign = factory.campaign(ref.brand)
    link = session.get(
        ShareLink, create_share_link(session, campaign=ref.campaign, locale="en")[0].id
    )
    session.commit()
    login(factory.user(ref.workspace, role="viewer"))
    assert client.get(f"/campaigns/{ref.campaign.id}/share").status_code == 403
    assert (
        client.post(f"/campaigns/{ref.campaign.id}/share", data={"locale": "en"}).status_code == 403
    )
    client.post("/logout")
    login(factory.user(role="manager"))  # another workspace
    assert client.get(f"/campaigns/{ref.campaign.id}/share").status_code == 404
    assert client.post(f"/campaigns/{ref.campaign.id}/share/{link.id}/revoke").status_code == 404
    client.post("/logout")
    login(factory.user(ref.workspace, role="manager"))
    # A link id under the wrong campaign is not found either.
    assert client.post(f"/campaigns/{other_campaign.id}/share/{link.id}/revoke").status_code == 404
    session.expire_all()
    assert session.get(ShareLink, link.id).revoked_at is None


def csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_creating_a_link_requires_the_csrf_token(csrf_app, session, ref, manager):
    client = csrf_app.test_client()
    client.post(
        "/login",
        data={
            "email": manager.email,
            "password": "correct horse battery",
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    url = f"/campaigns/{ref.campaign.id}/share"
    assert client.post(url, data={"locale": "en"}).status_code == 400
    assert session.exec(select(ShareLink)).first() is None
    token = csrf_token(client, url)
    assert client.post(url, data={"locale": "en", "csrf_token": token}).status_code == 201
