"""Security defaults: headers, cookies, CSRF on every form, no inline script or style."""

from __future__ import annotations

import re

from tracker import create_app
from tracker.config import from_environment
from tracker.models import User

from ..conftest import TEST_PASSWORD
from .test_matrix import security_problems
from .world import build_world, is_object_scoped


def test_the_sign_in_page_and_api_answers_send_the_security_headers(client):
    """Signed-in pages get the same check in test_matrix (the owner opens every page)."""
    for response in (
        client.get("/login"),
        client.get("/api/v1/openapi.json"),
        client.get("/api/v1/me"),
    ):
        assert security_problems(response) == [], response.request.path


def test_session_cookie_is_httponly_and_samesite(client, factory):
    user = factory.user()

    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_when_configured(monkeypatch, tmp_path, database_url, factory):
    monkeypatch.setenv("TRACKER_SECURE_COOKIES", "1")
    assert from_environment(str(tmp_path))["SESSION_COOKIE_SECURE"] is True
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SESSION_COOKIE_SECURE": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    user = factory.user()

    response = app.test_client().post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": "x"}
    )
    app.extensions["tracker.engine"].dispose()

    if response.status_code == 302:  # CSRF is on by default: then nothing is set
        assert "Secure" in response.headers["Set-Cookie"]
    else:
        assert response.status_code == 400


def test_every_form_refuses_a_post_without_its_csrf_token(csrf_app, session, factory):
    world = build_world(factory, session, csrf_app.config["TRACKER_REPORTS_DIR"])
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    signed_in = client.post(
        "/login",
        data={"email": world.a1_manager.email, "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 302
    failures = []
    for rule in csrf_app.url_map.iter_rules():
        if (
            "POST" not in rule.methods
            or rule.rule.startswith("/api/")
            or rule.endpoint == "auth.login"
        ):
            continue
        response = client.post(world.path_for(rule), data={})
        if response.status_code != 400:
            failures.append(f"POST {rule.rule} → {response.status_code}")

    assert not failures, failures


def test_the_api_needs_no_csrf_token_because_it_reads_no_cookie(csrf_app, factory, session):
    from tracker.tokens.service import create_token

    _row, token = create_token(session, user=factory.user(), name="csrf")
    session.commit()

    response = csrf_app.test_client().post(
        "/api/v1/brands", json={"name": "Via API"}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 201


def test_passwords_are_hashed_with_argon2(factory, session):
    user = factory.user()

    assert session.get(User, user.id).password_hash.startswith("$argon2id$")


def test_object_scoped_routes_exist_for_every_area(app):
    """A sanity check on the matrix itself: it must see the campaign pages and the API."""
    scoped = {r.rule for r in app.url_map.iter_rules() if is_object_scoped(r)}
    assert "/campaigns/<int:campaign_id>/costs" in scoped
    assert "/api/v1/campaigns/<int:campaign_id>/roi" in scoped
