"""API test helpers: a token per user, and a client that sends it."""

from __future__ import annotations

from typing import Any

import pytest

from tracker.tokens.service import create_token


class ApiClient:
    """The Flask test client with a bearer token and /api/v1 in front of every path."""

    def __init__(self, client: Any, token: str | None) -> None:
        self.client = client
        self.token = token

    def request(self, method: str, path: str, headers: dict[str, str] | None = None, **kw: Any):
        headers = dict(headers or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kw)

    def get(self, path: str, **kw: Any):
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any):
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any):
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: Any):
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def token_for(session):
    """Create a token for a user (committed) and return the token text."""

    def _token(user, name: str = "tests") -> str:
        _row, token = create_token(session, user=user, name=name)
        session.commit()
        return token

    return _token


@pytest.fixture
def api_as(client, token_for):
    """An ApiClient acting as `user` (None: no token at all)."""

    def _as(user) -> ApiClient:
        return ApiClient(client, token_for(user) if user is not None else None)

    return _as


@pytest.fixture
def workspace(factory):
    return factory.workspace()


@pytest.fixture
def manager(factory, workspace):
    return factory.user(workspace, role="manager")


@pytest.fixture
def api(api_as, manager) -> ApiClient:
    """A manager's API client: the role that may read and write."""
    return api_as(manager)
