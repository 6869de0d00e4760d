"""Personal API tokens: only a SHA-256 of the token is stored, so it is shown once.

A token carries 256 random bits, so a plain (unsalted) SHA-256 is enough: nobody can
guess a preimage, and the hash can be looked up directly by the unique index.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, select

from ..models import ApiToken, User, utcnow

TOKEN_PREFIX = "trk_"
# last_used_at is advisory; refreshing it at most this often keeps reads from writing each time.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, *, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for `user`; return the row and the token itself (never stored)."""
    name = name.strip()
    if not name:
        raise ValueError("Give the token a name, such as the script that will use it.")
    if len(name) > 80:
        raise ValueError("The name must have at most 80 characters.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(token),
    )
    session.add(row)
    session.flush()
    return row, token


def user_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """The user's tokens, active ones first, newest first."""
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(
                ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc()
            )
        ).all()
    )


def revoke_token(session: Session, *, user_id: int, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; None when it is not theirs (or does not exist)."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        return None
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.flush()
    return row


def authenticate_token(session: Session, token: str) -> tuple[User, ApiToken] | None:
    """The active user behind an unrevoked token, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return user, row


def touch(session: Session, token: ApiToken) -> bool:
    """Record that the token was used (at most every few minutes); tell whether it changed."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return False
    token.last_used_at = now
    session.add(token)
    return True
