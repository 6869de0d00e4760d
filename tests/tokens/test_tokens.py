"""Personal API tokens: created in the web app or the CLI, shown once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import re

from sqlmodel import select

from tracker.cli import cli
from tracker.models import ApiToken

TOKEN = re.compile(r"trk_[A-Za-z0-9_-]{43}")


def test_a_token_created_on_the_page_is_shown_once_and_stored_hashed(
    client, login, factory, session
):
    user = factory.user(role="viewer")
    login(user)

    page = client.post("/settings/tokens", data={"name": "nightly import"})

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    (token,) = set(TOKEN.findall(page.get_data(as_text=True)))
    row = session.exec(select(ApiToken)).one()
    assert (row.user_id, row.name) == (user.id, "nightly import")
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {row.token_hash, row.prefix} and token.startswith(row.prefix)
    listing = client.get("/settings/tokens").get_data(as_text=True)
    assert row.prefix in listing and token not in listing, "never shown again"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["role"] == "viewer"


def test_a_token_needs_a_name(client, login, factory, session):
    login(factory.user())

    page = client.post("/settings/tokens", data={"name": "  "})

    assert page.status_code == 400
    assert "Give the token a name" in page.get_data(as_text=True)
    assert session.exec(select(ApiToken)).all() == []


def test_a_revoked_token_is_refused(client, login, factory, session):
    user = factory.user()
    login(user)
    token = TOKEN.search(
        client.post("/settings/tokens", data={"name": "ci"}).get_data(as_text=True)
    )[0]
    row = session.exec(select(ApiToken)).one()

    response = client.post(f"/settings/tokens/{row.id}/revoke")

    assert response.status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    session.refresh(row)
    assert row.revoked_at is not None


def test_no_one_can_revoke_or_see_another_users_token(client, login, factory, session):
    owner = factory.user()
    login(owner)
    client.post("/settings/tokens", data={"name": "owner's script"})
    row = session.exec(select(ApiToken)).one()
    client.post("/logout")
    login(factory.user(role="admin", workspace_id=owner.workspace_id))

    assert client.post(f"/settings/tokens/{row.id}/revoke").status_code == 404
    assert "owner&#39;s script" not in client.get("/settings/tokens").get_data(as_text=True)
    session.refresh(row)
    assert row.revoked_at is None


def test_the_token_form_needs_its_csrf_token(csrf_app, factory):
    client = csrf_app.test_client()
    user = factory.user()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    signed_in = client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery", "csrf_token": csrf},
    )
    assert signed_in.status_code == 302

    response = client.post("/settings/tokens", data={"name": "no csrf"})

    assert response.status_code == 400


def test_cli_creates_a_working_token_and_prints_it_once(runner, factory, client):
    user = factory.user(role="manager")

    result = runner.invoke(
        cli, ["tokens", "create", "--email", user.email.upper(), "--name", "cron"]
    )

    assert result.exit_code == 0, result.output
    (token,) = TOKEN.findall(result.stdout)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["email"] == user.email


def test_cli_refuses_an_unknown_email(runner):
    result = runner.invoke(
        cli, ["tokens", "create", "--email", "nobody@example.com", "--name", "x"]
    )

    assert result.exit_code != 0
    assert "No active user" in result.output


def test_cli_revokes_by_prefix(runner, factory, client):
    user = factory.user()
    token = TOKEN.search(
        runner.invoke(cli, ["tokens", "create", "--email", user.email, "--name", "x"]).stdout
    )[0]

    result = runner.invoke(cli, ["tokens", "revoke", "--email", user.email, "--prefix", token[:10]])

    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_deactivated_users_tokens_stop_working(runner, factory, client, session):
    user = factory.user()
    token = TOKEN.search(
        runner.invoke(cli, ["tokens", "create", "--email", user.email, "--name", "x"]).stdout
    )[0]
    user.is_active = False
    session.add(user)
    session.commit()

    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_last_use_is_recorded(factory, client, session):
    from tracker.tokens.service import create_token

    row, token = create_token(session, user=factory.user(), name="x")
    session.commit()

    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    session.refresh(row)
    assert row.last_used_at is not None
