"""Signing in and out, the sign-in rate limit, sessions that expire."""

from __future__ import annotations

import pytest

from tracker import create_app

from ..conftest import TEST_PASSWORD
from .conftest import field_errors, text


def test_sign_in_then_out(client, world):
    response = client.post(
        "/login?next=/influencers",
        data={"email": world.manager.email.upper(), "password": TEST_PASSWORD},
    )
    assert response.status_code == 302 and response.location == "/influencers"
    with client.session_transaction() as session:
        assert session.permanent  # expires after PERMANENT_SESSION_LIFETIME
    out = client.post("/logout", follow_redirects=True)
    assert "You are signed out." in text(out)
    assert client.get("/campaigns").status_code == 302


def test_wrong_password_is_refused_with_a_field_message(client, world):
    response = client.post("/login", data={"email": world.manager.email, "password": "nope"})
    assert response.status_code == 200
    assert "Wrong email or password." in field_errors(response)
    assert client.get("/campaigns").status_code == 302


def test_next_never_leaves_the_site(client, world):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(
            "/login?next=" + target, data={"email": world.manager.email, "password": TEST_PASSWORD}
        )
        assert response.location == "/campaigns", target
        client.post("/logout")


def test_session_lifetime_is_configured(app):
    assert app.permanent_session_lifetime.total_seconds() == 8 * 3600


@pytest.fixture
def limited_app(app, database_url, tmp_path):
    # After `app`: the limiter is one extension object, configured by the last app created.
    limited = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "TRACKER_LOGIN_LIMIT": "5/minute",
            "TRACKER_REPORTS_DIR": str(tmp_path / "reports"),
        }
    )
    yield limited
    limited.extensions["tracker.engine"].dispose()


def test_sign_in_is_rate_limited_per_address_and_email(limited_app, factory):
    user = factory.user()
    client = limited_app.test_client()
    for _ in range(5):
        response = client.post("/login", data={"email": user.email, "password": "wrong"})
        assert response.status_code == 200
    blocked = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert blocked.status_code == 429
    assert "Too many sign-in attempts. Wait a minute, then try again." in text(blocked)
    # Another email from the same address still has its own budget.
    other = factory.user()
    assert (
        client.post("/login", data={"email": other.email, "password": TEST_PASSWORD}).status_code
        == 302
    )


def test_successful_sign_ins_do_not_use_the_budget(limited_app, factory):
    user = factory.user()
    client = limited_app.test_client()
    for _ in range(6):  # one more than the limit
        response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 302
        client.post("/logout")


def test_login_form_needs_its_csrf_token(csrf_app, world):
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": world.manager.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/campaigns").status_code == 302
