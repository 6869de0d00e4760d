"""Fixtures for the manager web app: a signed-in manager, a viewer, another workspace."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import pytest
from sqlmodel import select

from tracker.models import AuditEntry

from ..conftest import TEST_PASSWORD


@dataclass
class World:
    """A workspace with a brand and a campaign, and a second workspace that must stay invisible."""

    workspace: object
    brand: object
    campaign: object
    manager: object
    viewer: object
    other_workspace: object
    other_campaign: object
    other_manager: object


@pytest.fixture
def world(factory) -> World:
    ws = factory.workspace(name="Atelier")
    brand = factory.brand(ws, name="Maison Lumière")
    campaign = factory.campaign(brand, name="Printemps")
    other_ws = factory.workspace(name="Rival")
    other_campaign = factory.campaign(factory.brand(other_ws, name="Rival brand"), name="Secret")
    return World(
        workspace=ws,
        brand=brand,
        campaign=campaign,
        manager=factory.user(ws, role="manager"),
        viewer=factory.user(ws, role="viewer"),
        other_workspace=other_ws,
        other_campaign=other_campaign,
        other_manager=factory.user(other_ws, role="manager"),
    )


def sign_in(client, user) -> None:
    """Open a session for `user` without the sign-in form (argon2 is slow on purpose).

    tests/web/test_auth.py covers the real form; every other test starts signed in.
    """
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session.permanent = True


@pytest.fixture
def as_manager(client, world):
    sign_in(client, world.manager)
    return client


@pytest.fixture
def as_viewer(client, world):
    sign_in(client, world.viewer)
    return client


def text(response) -> str:
    """The page's visible text, tags removed and spaces squashed (non-breaking ones kept)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def field_errors(response) -> list[str]:
    """The texts of every field-level error message on the page."""
    html = response.get_data(as_text=True)
    return [unescape(m).strip() for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)]


def audit_entries(session, entity: str) -> list[AuditEntry]:
    session.expire_all()
    return list(
        session.exec(
            select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        ).all()
    )


def csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on " + path
    return match.group(1)


@pytest.fixture
def csrf_manager(csrf_app, world):
    """A manager signed in on the app with CSRF protection on, as in production."""
    client = csrf_app.test_client()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": world.manager.email, "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    return client
