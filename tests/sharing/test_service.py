"""Share link tokens: unguessable, stored hashed, expiring and revocable."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from tracker.sharing.service import (
    create_share_link,
    resolve_share_token,
    revoke_share_link,
    status,
)


def test_only_the_hash_of_the_token_is_stored(factory, session):
    campaign = factory.campaign()
    link, token = create_share_link(session, campaign=campaign, locale="fr")
    session.commit()
    assert len(token) >= 43  # 256 random bits, URL-safe
    assert token not in link.token_hash
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    other_link, other = create_share_link(session, campaign=campaign, locale="fr")
    assert other != token and other_link.token_hash != link.token_hash


def test_a_token_opens_its_own_campaign_only(factory, session):
    first, second = factory.campaign(), factory.campaign()
    _, token = create_share_link(session, campaign=first, locale="en")
    _, token2 = create_share_link(session, campaign=second, locale="en")
    session.commit()
    assert resolve_share_token(session, token)[1].id == first.id
    assert resolve_share_token(session, token2)[1].id == second.id


def test_revoked_expired_unknown_and_malformed_tokens_open_nothing(factory, session):
    campaign = factory.campaign()
    revoked, revoked_token = create_share_link(session, campaign=campaign, locale="en")
    revoke_share_link(session, revoked)
    _, expiring = create_share_link(
        session, campaign=campaign, locale="en", expires_on=date(2026, 11, 30)
    )
    session.commit()
    assert resolve_share_token(session, revoked_token) is None
    # Valid through the whole expiry day (UTC), gone the next day.
    assert resolve_share_token(session, expiring, now=datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    assert (
        resolve_share_token(session, expiring, now=datetime(2026, 12, 1, 0, 0, tzinfo=UTC)) is None
    )
    assert resolve_share_token(session, "A" * 43) is None
    assert resolve_share_token(session, "../../etc/passwd") is None
    assert resolve_share_token(session, "") is None


def test_status_reads_back_from_the_database(factory, session):
    campaign = factory.campaign()
    link, _ = create_share_link(
        session, campaign=campaign, locale="en", expires_on=date(2026, 1, 1)
    )
    session.commit()
    session.expire_all()
    assert status(link, now=datetime(2025, 12, 31, tzinfo=UTC)) == "active"
    assert status(link, now=datetime(2026, 1, 2, tzinfo=UTC)) == "expired"
    revoke_share_link(session, link)
    assert status(link) == "revoked"
