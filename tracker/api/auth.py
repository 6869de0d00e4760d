"""Who is calling the API: the user behind the bearer token, never the session cookie.

Flask-Login's public hooks split the work: this module's request_loader answers only on the
API blueprint, and access.py's user_loader (the session) refuses it. So a token never signs
anyone into the HTML pages (their forms rely on the session and CSRF tokens; a page asked
with a token redirects to sign-in), and a browser session never authenticates an API call,
which is what makes the API safe without CSRF tokens. Unlike login_user(), a
request_loader's user is not stored in the session: it lasts for the request only.
"""

from __future__ import annotations

from typing import Any

from flask import Request, current_app, g, request
from flask_login import current_user

from ..access import LoginUser
from ..db import get_session
from ..extensions import login_manager
from ..tokens.service import authenticate_token, touch
from .blueprint import bp
from .errors import ApiError


@login_manager.request_loader
def load_token_user(req: Request) -> LoginUser | None:
    """The active user of the request's bearer token, on the API blueprint's routes only."""
    if req.blueprint != bp.name:
        return None
    scheme, _sep, token = req.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    db = get_session()
    found = authenticate_token(db, token.strip())
    if found is None:
        return None
    user, row = found
    g.api_token = row
    if touch(db, row):
        db.commit()
    return LoginUser(user)


@bp.url_value_preprocessor
def authenticate(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Refuse a call without a valid token, saying whether the token is missing or bad.

    URL value preprocessors run before the app's before_request hooks, so this answers
    before access.py's generic 401; asking for current_user loads the token's user now.
    """
    view = current_app.view_functions.get(endpoint or "")
    if getattr(view, "is_public", False):
        return
    if "Authorization" not in request.headers:
        raise ApiError(401, "Send your API token as 'Authorization: Bearer <token>'.")
    if not current_user.is_authenticated:
        raise ApiError(401, "The token is unknown, revoked or malformed.", error="invalid_token")
