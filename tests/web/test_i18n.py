"""French and English: the switch, the browser's preference, labels and number formats."""

from __future__ import annotations

from ..reference import build_reference
from .conftest import csrf_token, sign_in, text


def test_french_by_default_when_the_browser_asks_for_it(client, world):
    sign_in(client, world.manager)
    page = text(client.get("/campaigns", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}))
    assert "Nouvelle campagne" in page and "Campagnes" in page


def test_the_switch_is_kept_in_the_session(client, world):
    sign_in(client, world.manager)
    response = client.post("/lang", data={"lang": "fr", "next": "/influencers?q=a"})
    assert response.status_code == 302 and response.location == "/influencers?q=a"
    assert "Influenceurs" in text(client.get("/influencers"))
    client.post("/lang", data={"lang": "en"})
    page = text(client.get("/campaigns", headers={"Accept-Language": "fr"}))
    assert "New campaign" in page  # the explicit choice beats the browser


def test_the_switch_refuses_unknown_languages_and_foreign_targets(client):
    response = client.post("/lang", data={"lang": "de", "next": "https://evil.example/"})
    assert response.location == "/campaigns"
    with client.session_transaction() as session:
        assert "lang" not in session


def test_the_switch_needs_its_csrf_token(csrf_app):
    client = csrf_app.test_client()
    assert client.post("/lang", data={"lang": "fr"}).status_code == 400
    token = csrf_token(client, "/login")
    assert client.post("/lang", data={"lang": "fr", "csrf_token": token}).status_code == 302
    assert "Se connecter" in text(client.get("/login"))


def test_figures_and_dates_follow_the_locale(client, factory):
    ref = build_reference(factory)
    sign_in(client, factory.user(ref.workspace))
    costs = f"/campaigns/{ref.campaign.id}/costs"
    english = text(client.get(costs))
    assert "€10,810.00" in english and "Mar 10, 2026" in english and "Paid amplification" in english
    client.post("/lang", data={"lang": "fr"})
    french = text(client.get(costs))
    assert "10\u202f810,00\u00a0€" in french  # babel's French spacing: narrow no-break, no-break
    assert "10/03/2026" in french and "Amplification payante" in french
    assert "Coûts" in french


def test_french_field_errors(client, world):
    sign_in(client, world.manager)
    client.post("/lang", data={"lang": "fr"})
    data = {
        "name": "X",
        "objective": "sales",
        "start_date": "2026-12-02",
        "end_date": "2026-12-01",
        "currency": "EUR",
        "locale": "fr",
        "timezone": "Europe/Paris",
        "brand_id": world.brand.id,
        "budget": "-1",
    }
    page = text(client.post("/campaigns/new", data=data))
    assert "La date de fin doit être égale ou postérieure à la date de début." in page
    assert "Entrez zéro ou plus." in page
