"""Idempotent writes: the same Idempotency-Key and request give the same response, once.

A client that timed out can resend a write with the same key: if the first attempt
succeeded, it gets the stored response back (header `Idempotent-Replayed: true`) and
nothing is written twice. The same key with a different request is refused with 409.
Only successful responses are kept, so a request refused for bad input can be corrected
and resent under the same key. Keys belong to the user (all their tokens share them) and
are kept for KEEP (24 hours, as payment APIs do): long enough for any retry, short enough
that the table does not grow with every write ever made.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import Response, request
from sqlalchemy import delete
from sqlmodel import Session, select

from ..models import IdempotencyKey, utcnow
from .errors import ApiError

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
KEEP = timedelta(hours=24)

PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Any unique string (a UUID): resending the same write with the same key "
    "returns the first response instead of writing twice.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}


def key_from_request() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ApiError(
            400,
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters.",
            {HEADER: "invalid key"},
        )
    return key


def fingerprint(body: Any) -> str:
    """What makes two requests "the same": method, path, query and the body's JSON value."""
    canonical = json.dumps(body, sort_keys=True, default=_exact, separators=(",", ":"))
    parts = [request.method, request.path, request.query_string.decode("latin-1"), canonical]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _exact(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):  # an uploaded file
        return hashlib.sha256(value).hexdigest()
    raise TypeError(type(value).__name__)


def lookup(session: Session, user_id: int, key: str, request_hash: str) -> Response | None:
    """The stored response for this key, or None; 409 when the key came with another request."""
    row = session.exec(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    ).first()
    if row is None:
        return None
    if _aware(row.created_at) < utcnow() - KEEP:  # expired: the key starts afresh
        session.delete(row)
        session.flush()
        return None
    if row.request_hash != request_hash:
        raise ApiError(
            409,
            f"This {HEADER} was already used with a different request.",
            {HEADER: "already used with a different request"},
        )
    response = Response(
        row.response_body,
        status=row.status_code,
        mimetype="application/json" if row.response_body else None,
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(
    session: Session, user_id: int, key: str, request_hash: str, response: Response
) -> None:
    # The user's expired keys go as they write new ones (one indexed delete, no cron job).
    session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.created_at < utcnow() - KEEP
        )
    )
    session.add(
        IdempotencyKey(
            user_id=user_id,
            key=key,
            request_hash=request_hash,
            status_code=response.status_code,
            response_body=response.get_data(as_text=True),
        )
    )
    session.flush()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
