"""Who may see what: login on every page by default, roles, and workspace scoping."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, redirect, request, url_for
from flask_login import UserMixin, current_user
from sqlmodel import select

from .db import get_session
from .extensions import login_manager
from .models import Brand, Campaign, User

F = TypeVar("F", bound=Callable[..., Any])

WRITE_ROLES = ("admin", "manager")


def public(view: F) -> F:
    """Mark a view as reachable without signing in (share links, tracking endpoints)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def require_role(*roles: str) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


can_write = require_role(*WRITE_ROLES)


class LoginUser(UserMixin):
    """The signed-in user as Flask-Login sees it: a detached copy, not a live ORM row."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.email = user.email
        self.name = user.name
        self.role = user.role
        self.workspace_id = user.workspace_id
        self.brand_id = user.brand_id
        self.locale = user.locale

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES


@login_manager.user_loader
def _load_user(user_id: str) -> LoginUser | None:
    if request.blueprint == "api":
        return None  # the API knows only its bearer tokens (api/auth.py), never the cookie
    user = get_session().get(User, int(user_id))
    return LoginUser(user) if user is not None and user.is_active else None


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    app.before_request(_require_login)


def _require_login() -> Any:
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = request.url_rule and _view_function(request.endpoint)
    if view is not None and getattr(view, "is_public", False):
        return None
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            return {"error": "authentication required"}, 401
        return redirect(url_for("auth.login", next=request.full_path))
    return None


def _view_function(endpoint: str) -> Callable[..., Any] | None:
    from flask import current_app

    return current_app.view_functions.get(endpoint)


def visible_campaigns_query():
    """Campaigns the current user may read: their workspace, and only their brand for brand users."""
    query = (
        select(Campaign, Brand)
        .join(Brand, Brand.id == Campaign.brand_id)
        .where(Brand.workspace_id == current_user.workspace_id)
    )
    if current_user.role == "brand":
        query = query.where(Brand.id == current_user.brand_id)
    return query


def get_campaign_or_404(campaign_id: int) -> Campaign:
    row = get_session().exec(visible_campaigns_query().where(Campaign.id == campaign_id)).first()
    if row is None:
        abort(404)
    return row[0]
