"""Share links: an unguessable token shown once, stored only as a hash; expiry and revocation.

The token carries 256 random bits, so a plain SHA-256 is enough to store it (as for API
tokens): it is never guessed, and the database never holds a usable link.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from ..models import Campaign, ShareLink, utcnow

TOKEN_BYTES = 32
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored moment is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def expiry_moment(expires_on: date | None) -> datetime | None:
    """A link that expires on a day works until the end of that day (UTC)."""
    if expires_on is None:
        return None
    return datetime.combine(expires_on + timedelta(days=1), time(0), tzinfo=UTC)


def create_share_link(
    session: Session,
    *,
    campaign: Campaign,
    locale: str,
    expires_on: date | None = None,
    created_by: int | None = None,
) -> tuple[ShareLink, str]:
    """Create a link; return it with its token, which is shown once and never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        campaign_id=campaign.id,
        token_hash=hash_token(token),
        locale=locale,
        created_by=created_by,
        expires_at=expiry_moment(expires_on),
    )
    session.add(link)
    session.flush()
    return link, token


def revoke_share_link(session: Session, link: ShareLink) -> ShareLink:
    """Revoke a link for good (revoking twice keeps the first date)."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        session.add(link)
        session.flush()
    return link


def status(link: ShareLink, now: datetime | None = None) -> str:
    """ "active", "expired" or "revoked"."""
    if link.revoked_at is not None:
        return "revoked"
    expires = aware(link.expires_at)
    if expires is not None and (now or utcnow()) >= expires:
        return "expired"
    return "active"


def resolve_share_token(
    session: Session, token: str, *, now: datetime | None = None
) -> tuple[ShareLink, Campaign] | None:
    """The active link of a token and its campaign; None for unknown, revoked or expired."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    link = session.exec(select(ShareLink).where(ShareLink.token_hash == hash_token(token))).first()
    if link is None or status(link, now) != "active":
        return None
    campaign = session.get(Campaign, link.campaign_id)
    return (link, campaign) if campaign is not None else None


def campaign_links(session: Session, campaign: Campaign) -> list[ShareLink]:
    """The campaign's links, newest first."""
    return list(
        session.exec(
            select(ShareLink)
            .where(ShareLink.campaign_id == campaign.id)
            .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
        ).all()
    )
