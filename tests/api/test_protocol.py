"""How the API speaks: tokens only, JSON errors naming fields, pages, idempotent writes."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tracker.models import Brand, IdempotencyKey, utcnow

from .conftest import ApiClient


def test_no_token_is_a_401_with_a_bearer_challenge(client):
    response = ApiClient(client, None).get("/campaigns")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.get_json()["message"]


def test_unknown_or_malformed_tokens_are_refused(client):
    for header in ("Bearer trk_not-a-real-token", "Basic dXNlcjpwdw==", "Bearer "):
        response = client.get("/api/v1/campaigns", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["error"] in ("invalid_token", "authentication_required")


def test_a_signed_in_browser_session_does_not_authenticate_the_api(client, login, manager):
    login(manager)
    assert client.get("/campaigns").status_code == 200  # the web app knows the session

    assert client.get("/api/v1/campaigns").status_code == 401
    assert client.post("/api/v1/brands", json={"name": "Forged"}).status_code == 401


def test_a_token_call_answers_without_setting_a_cookie(api):
    read = api.get("/me")
    write = api.post("/brands", json={"name": "No cookie"})

    assert (read.status_code, write.status_code) == (200, 201)
    assert "Set-Cookie" not in read.headers and "Set-Cookie" not in write.headers


def test_a_token_does_not_sign_in_to_the_html_pages(client, manager, token_for):
    headers = {"Authorization": f"Bearer {token_for(manager)}"}

    page = client.get("/campaigns", headers=headers)

    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login")
    assert "Set-Cookie" not in page.headers


def test_a_signed_in_browser_calling_with_a_token_acts_as_the_tokens_user(
    client, login, factory, workspace, manager, token_for
):
    login(factory.user(workspace, role="viewer"))
    headers = {"Authorization": f"Bearer {token_for(manager)}"}

    me = client.get("/api/v1/me", headers=headers)
    created = client.post("/api/v1/brands", json={"name": "By token"}, headers=headers)

    assert me.get_json()["email"] == manager.email
    assert created.status_code == 201, "the token's manager writes, not the session's viewer"


def test_viewer_tokens_read_but_cannot_write(api_as, factory, workspace, session):
    viewer = api_as(factory.user(workspace, role="viewer"))

    assert viewer.get("/brands").status_code == 200
    response = viewer.post("/brands", json={"name": "Nope"})

    assert response.status_code == 403
    assert "reads only" in response.get_json()["message"]
    assert session.exec(select(Brand)).all() == []


def test_me_names_the_tokens_user_role_and_workspace(api, manager, workspace):
    me = api.get("/me").get_json()

    assert (me["email"], me["role"], me["workspace"]["slug"]) == (
        manager.email,
        "manager",
        workspace.slug,
    )
    assert me["token_name"] == "tests" and me["token_prefix"].startswith("trk_")


def test_a_body_that_is_not_json_is_a_400(api):
    response = api.post("/brands", data="name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "application/json" in response.get_json()["message"]

    broken = api.post("/brands", data="{not json", content_type="application/json")
    assert broken.status_code == 400 and "(body)" in broken.get_json()["fields"]


def test_text_no_database_can_store_is_refused_on_its_field(api):
    response = api.post("/brands", data='{"name": "a\\u0000b"}', content_type="application/json")

    assert response.status_code == 422
    assert response.get_json()["fields"] == {"name": "contains a NUL character"}
    lone = api.post("/brands", data='{"name": "\\ud800"}', content_type="application/json")
    assert lone.get_json()["fields"] == {"name": "is not valid Unicode text"}


def test_unknown_paths_and_methods_answer_json(api):
    assert api.get("/nowhere").status_code == 404
    assert api.get("/nowhere").is_json
    response = api.delete("/brands")
    assert response.status_code == 405 and response.is_json


def test_list_pages_carry_the_total(api, factory, workspace):
    for n in range(5):
        factory.brand(workspace, name=f"B{n}")

    page = api.get("/brands?limit=2&offset=2").get_json()

    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 2)
    assert [b["name"] for b in page["items"]] == ["B2", "B3"]
    bad = api.get("/brands?limit=0")
    assert bad.status_code == 422 and "limit" in bad.get_json()["fields"]


def test_same_idempotency_key_and_body_replays_the_first_response(api, session):
    headers = {"Idempotency-Key": "4f1c-retry"}

    first = api.post("/brands", json={"name": "Once"}, headers=headers)
    second = api.post("/brands", json={"name": "Once"}, headers=headers)

    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert [b.name for b in session.exec(select(Brand)).all()] == ["Once"]


def test_same_key_with_another_body_is_a_conflict(api, session):
    headers = {"Idempotency-Key": "k-1"}
    api.post("/brands", json={"name": "First"}, headers=headers)

    response = api.post("/brands", json={"name": "Second"}, headers=headers)

    assert response.status_code == 409
    assert response.get_json()["fields"] == {
        "Idempotency-Key": "already used with a different request"
    }
    assert [b.name for b in session.exec(select(Brand)).all()] == ["First"]


def test_a_refused_request_can_be_corrected_under_the_same_key(api, session):
    headers = {"Idempotency-Key": "k-2"}
    assert api.post("/brands", json={"name": ""}, headers=headers).status_code == 422

    assert api.post("/brands", json={"name": "Fixed"}, headers=headers).status_code == 201
    assert session.exec(select(IdempotencyKey)).one().status_code == 201


def test_an_idempotency_key_older_than_a_day_starts_afresh(api, session):
    headers = {"Idempotency-Key": "yesterday"}
    api.post("/brands", json={"name": "Monday"}, headers=headers)
    stored = session.exec(select(IdempotencyKey)).one()
    stored.created_at = utcnow() - timedelta(hours=25)
    session.add(stored)
    session.commit()

    response = api.post("/brands", json={"name": "Tuesday"}, headers=headers)

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response.headers
    assert sorted(b.name for b in session.exec(select(Brand)).all()) == ["Monday", "Tuesday"]
    assert session.exec(select(IdempotencyKey.request_hash)).one() != stored.request_hash


def test_idempotency_keys_belong_to_their_user(api, api_as, factory, workspace, session):
    other = api_as(factory.user(workspace, role="manager"))
    headers = {"Idempotency-Key": "shared-name"}

    api.post("/brands", json={"name": "Mine"}, headers=headers)
    response = other.post("/brands", json={"name": "Theirs"}, headers=headers)

    assert response.status_code == 201
    assert sorted(b.name for b in session.exec(select(Brand)).all()) == ["Mine", "Theirs"]


def test_security_headers_are_on_api_answers_too(api):
    response = api.get("/me")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
