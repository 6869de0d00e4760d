"""Who is calling the API: the user behind the bearer token, never the session cookie."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request

from ..access import LoginUser
from ..db import get_session
from ..extensions import login_manager
from ..tokens.service import authenticate_token, touch
from .blueprint import bp
from .errors import ApiError


@bp.url_value_preprocessor
def authenticate(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Make the token's user the current user for this request.

    URL value preprocessors run before the app's before_request hooks, so by the time
    access.py checks for a signed-in user, the API request already has its token's user
    (or none): a browser session alone never authenticates an API call, which is what makes
    the API safe without CSRF tokens.
    """
    view = current_app.view_functions.get(endpoint or "")
    public = getattr(view, "is_public", False)
    user = None
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _sep, token = header.strip().partition(" ")
        found = None
        if scheme.lower() == "bearer" and token.strip():
            db = get_session()
            found = authenticate_token(db, token.strip())
        if found is not None:
            user, row = found
            g.api_token = row
            if touch(db, row):
                db.commit()
        elif not public:
            raise ApiError(
                401, "The token is unknown, revoked or malformed.", error="invalid_token"
            )
    elif not public:
        raise ApiError(401, "Send your API token as 'Authorization: Bearer <token>'.")
    # Set the request's user directly: login_user() would write it into the session cookie.
    login_manager._update_request_context_with_user(LoginUser(user) if user else None)
