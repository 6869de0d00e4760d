"""The workspace's settings: an admin sets where each influencer tier starts (KPI.md)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from tracker.models import AuditEntry, Workspace

from .conftest import TEST_PASSWORD, csrf_token, sign_in, text
from .test_dashboard import cells

URL = "/admin/workspace"
USUAL = {
    "tier_micro_min": "10000",
    "tier_mid_min": "50000",
    "tier_macro_min": "500000",
    "tier_mega_min": "1000000",
}


@pytest.fixture
def admin(app, world, factory):
    user = factory.user(world.workspace, role="admin")
    client = app.test_client()
    sign_in(client, user)
    return client


@pytest.fixture
def jade(world, factory):
    """A creator who joined with 25,000 followers: micro under the usual bands."""
    influencer = factory.influencer(world.workspace.id, handle="jade", name="Jade Martin")
    part = factory.participation(world.campaign, influencer, followers_at_join=25_000)
    post = factory.post(part)
    factory.snapshot(campaign=world.campaign, post=post, captured_on=date(2026, 3, 5), views=1_000)
    return part


def _bands(session, workspace_id: int) -> tuple[int, int, int, int]:
    session.expire_all()
    ws = session.get(Workspace, workspace_id)
    return ws.tier_micro_min, ws.tier_mid_min, ws.tier_macro_min, ws.tier_mega_min


def test_an_admin_moves_the_bands_and_every_tier_figure_follows(admin, world, jade, session):
    dashboard = f"/campaigns/{world.campaign.id}"
    assert cells(text_of_page(admin, dashboard), "data-participation", str(jade.id))[1] == (
        "Micro 25,000"
    )

    response = admin.post(URL, data={**USUAL, "tier_micro_min": "5000", "tier_mid_min": "20000"})

    assert response.status_code == 302
    page = admin.get(URL).get_data(as_text=True)
    assert "Tier bands saved: every tier figure now uses them." in page
    assert _bands(session, world.workspace.id) == (5_000, 20_000, 500_000, 1_000_000)
    # 25,000 followers at join now sit in mid (20,000–499,999), on the campaign's page…
    assert cells(text_of_page(admin, dashboard), "data-participation", str(jade.id))[1] == (
        "Mid 25,000"
    )
    # …and on the tier page, which states the bands it used.
    tiers = text(admin.get("/tiers"))
    assert (
        "Nano < 5,000; Micro 5,000–19,999; Mid 20,000–499,999; Macro 500,000–999,999; "
        "Mega ≥ 1,000,000." in tiers
    )


def test_the_change_is_in_the_audit_log_with_before_and_after(admin, world, session):
    admin.post(URL, data={**USUAL, "tier_mega_min": "2000000"})

    [entry] = session.exec(select(AuditEntry).where(AuditEntry.entity == "workspace")).all()
    assert (entry.action, entry.entity_id) == ("update", world.workspace.id)
    detail = json.loads(entry.detail)
    assert detail["before"]["tier_mega_min"] == 1_000_000
    assert detail["after"]["tier_mega_min"] == 2_000_000


def test_bands_out_of_order_are_refused_under_the_field_and_nothing_is_saved(admin, world, session):
    response = admin.post(URL, data={**USUAL, "tier_mid_min": "10000"})

    assert response.status_code == 200
    page = text(response)
    assert "Some fields need attention" in page
    assert "Must be more than 10,000, where the tier before starts." in page
    assert _bands(session, world.workspace.id) == (10_000, 50_000, 500_000, 1_000_000)


@pytest.mark.parametrize("value", ["", "0", "-5", "ten thousand", "12.5"])
def test_a_band_that_is_not_a_whole_number_of_followers_is_refused(admin, world, session, value):
    response = admin.post(URL, data={**USUAL, "tier_micro_min": value})

    assert response.status_code == 200
    assert "Enter a whole number of followers, 1 or more." in text(response)
    assert _bands(session, world.workspace.id) == (10_000, 50_000, 500_000, 1_000_000)


def test_saving_the_same_bands_says_so_and_writes_nothing(admin, session):
    admin.post(URL, data=USUAL)

    assert "The tier bands were already these." in text(admin.get(URL))
    assert session.exec(select(AuditEntry).where(AuditEntry.entity == "workspace")).all() == []


def test_the_errors_come_in_french_with_french_digit_grouping(admin):
    admin.post("/lang", data={"lang": "fr"})

    page = text(admin.post(URL, data={**USUAL, "tier_macro_min": "40000"}))

    assert "Doit être supérieur à 50\u202f000, où commence le palier précédent." in page
    assert "Paramètres de l’espace de travail" in page


@pytest.mark.parametrize("role", ["manager", "viewer"])
def test_only_admins_open_the_settings(app, world, factory, role):
    client = app.test_client()
    sign_in(client, getattr(world, role))

    assert client.get(URL).status_code == 403
    assert client.post(URL, data={**USUAL, "tier_micro_min": "1"}).status_code == 403
    assert f'href="{URL}"' not in client.get("/campaigns").get_data(as_text=True)


def test_the_admin_finds_the_settings_in_the_top_bar(admin):
    assert f'href="{URL}"' in admin.get("/campaigns").get_data(as_text=True)


def test_one_workspace_s_bands_leave_another_s_alone(admin, world, session):
    admin.post(URL, data={**USUAL, "tier_micro_min": "5000"})

    assert _bands(session, world.workspace.id)[0] == 5_000
    assert _bands(session, world.other_workspace.id)[0] == 10_000


def test_the_form_needs_its_csrf_token(csrf_app, world, factory, session):
    user = factory.user(world.workspace, role="admin")
    client = csrf_app.test_client()
    token = csrf_token(client, "/login")
    client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    )

    response = client.post(URL, data={**USUAL, "tier_micro_min": "5000"})

    assert response.status_code == 400
    assert _bands(session, world.workspace.id)[0] == 10_000


def text_of_page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)
