"""Audit entries for API writes: the same log the web app writes, marked as coming from the API."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_login import current_user

from .. import audit
from ..db import get_session


def record(
    action: str, entity: str, entity_id: int | None, detail: dict[str, Any] | None = None
) -> None:
    token = g.get("api_token")
    audit.record(
        get_session(),
        workspace_id=current_user.workspace_id,
        user_id=current_user.id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail={**(detail or {}), "via": "api", "token": token.prefix if token else None},
    )
