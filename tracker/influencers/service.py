"""Influencers, their platform accounts, and joining a campaign."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from ..models import Campaign, CostLine, Influencer, Participation, SocialAccount

LINK_CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no look-alikes (l/1, o/0)


def normalise_handle(handle: str) -> str:
    return handle.strip().lstrip("@").strip().casefold()


def create_influencer(
    session: Session,
    *,
    workspace_id: int,
    name: str,
    accounts: Mapping[str, tuple[str, int]],
    niche: str = "",
    country: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    notes: str = "",
) -> Influencer:
    """Create an influencer with a (handle, followers) account per platform."""
    influencer = Influencer(
        workspace_id=workspace_id,
        name=name.strip(),
        niche=niche.strip(),
        country=country.upper() if country else None,
        email=email or None,
        phone=phone or None,
        notes=notes,
    )
    session.add(influencer)
    session.flush()
    set_accounts(session, influencer, accounts)
    return influencer


def set_accounts(
    session: Session,
    influencer: Influencer,
    accounts: Mapping[str, tuple[str, int]],
    on: date | None = None,
) -> None:
    """Create or update one account per platform; platforms not given are left as they are."""
    existing = {
        a.platform: a
        for a in session.exec(
            select(SocialAccount).where(SocialAccount.influencer_id == influencer.id)
        )
    }
    for platform, (handle, followers) in accounts.items():
        account = existing.get(platform) or SocialAccount(
            influencer_id=influencer.id, platform=platform, handle=""
        )
        account.handle = normalise_handle(handle)
        if account.followers != followers:
            account.followers_updated_on = on or date.today()
        account.followers = followers
        session.add(account)
    session.flush()


def new_link_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(7))
        if (
            session.exec(select(Participation.id).where(Participation.link_code == code)).first()
            is None
        ):
            return code


def join_campaign(
    session: Session,
    *,
    campaign: Campaign,
    influencer: Influencer,
    platform: str,
    fee: Decimal | None = None,
    fee_currency: str | None = None,
    deliverables: int = 1,
    deliverables_note: str = "",
    promo_code: str | None = None,
    joined_on: date | None = None,
    followers_at_join: int | None = None,
    tier_override: str | None = None,
) -> Participation:
    """Add an influencer to a campaign, freezing today's follower count on that platform.

    The agreed fee becomes a direct `influencer_fee` cost line, so campaign cost stays
    "the sum of every cost line" (KPI.md) with the fee counted once.
    """
    if followers_at_join is None:
        account = session.exec(
            select(SocialAccount).where(
                SocialAccount.influencer_id == influencer.id, SocialAccount.platform == platform
            )
        ).first()
        if account is None:
            raise ValueError(f"{influencer.name} has no {platform} account: add the handle first.")
        followers_at_join = account.followers
    joined_on = joined_on or date.today()
    participation = Participation(
        campaign_id=campaign.id,
        influencer_id=influencer.id,
        platform=platform,
        followers_at_join=followers_at_join,
        tier_override=tier_override or None,
        fee=fee,
        fee_currency=(fee_currency or campaign.currency) if fee is not None else None,
        deliverables=deliverables,
        deliverables_note=deliverables_note,
        promo_code=promo_code.strip().upper() if promo_code else None,
        link_code=new_link_code(session),
        joined_on=joined_on,
    )
    session.add(participation)
    session.flush()
    if fee is not None:
        session.add(
            CostLine(
                campaign_id=campaign.id,
                participation_id=participation.id,
                category="influencer_fee",
                amount=fee,
                currency=participation.fee_currency,
                incurred_on=max(joined_on, campaign.start_date),
                description=f"Fee: {influencer.name}",
            )
        )
        session.flush()
    return participation


def update_influencer(
    session: Session,
    influencer: Influencer,
    *,
    accounts: Mapping[str, tuple[str, int]],
    **profile: str | None,
) -> Influencer:
    """Change the profile and accounts; a platform left out loses its account.

    Campaigns keep their frozen follower counts, so removing an account changes no tier.
    """
    for name, value in profile.items():
        if name not in {"name", "niche", "country", "email", "phone", "notes"}:
            raise AttributeError(f"influencer field {name!r} cannot be set")
        setattr(influencer, name, value)
    session.add(influencer)
    for account in session.exec(
        select(SocialAccount).where(SocialAccount.influencer_id == influencer.id)
    ):
        if account.platform not in accounts:
            session.delete(account)
    session.flush()
    set_accounts(session, influencer, accounts)
    return influencer


def fee_lines(session: Session, participation: Participation) -> list[CostLine]:
    return list(
        session.exec(
            select(CostLine)
            .where(
                CostLine.participation_id == participation.id,
                CostLine.category == "influencer_fee",
            )
            .order_by(CostLine.id)
        ).all()
    )


def update_participation(
    session: Session,
    participation: Participation,
    *,
    campaign: Campaign,
    influencer_name: str,
    fee: Decimal | None,
    fee_currency: str | None,
    **fields: object,
) -> tuple[CostLine | None, dict | None]:
    """Change a participation's terms; a changed fee moves its one fee cost line with it.

    Returns the fee line touched (or None) and its values before the change, for the audit
    log. With several fee lines the manager split the fee by hand: they are left alone.
    """
    allowed = {
        "deliverables",
        "deliverables_note",
        "promo_code",
        "tier_override",
        "followers_at_join",
    }
    for name, value in fields.items():
        if name not in allowed:
            raise AttributeError(f"participation field {name!r} cannot be set")
        setattr(participation, name, value)
    participation.promo_code = (
        participation.promo_code.strip().upper() if participation.promo_code else None
    )
    participation.tier_override = participation.tier_override or None
    fee_currency = (fee_currency or campaign.currency) if fee is not None else None
    changed = (fee, fee_currency) != (participation.fee, participation.fee_currency)
    participation.fee, participation.fee_currency = fee, fee_currency
    session.add(participation)
    touched: CostLine | None = None
    before: dict | None = None
    if changed:
        lines = fee_lines(session, participation)
        if len(lines) == 1:
            touched = lines[0]
            before = {"amount": str(touched.amount), "currency": touched.currency}
            if fee is None:
                session.delete(touched)
            else:
                touched.amount, touched.currency = fee, fee_currency
                session.add(touched)
        elif not lines and fee is not None:
            touched = CostLine(
                campaign_id=campaign.id,
                participation_id=participation.id,
                category="influencer_fee",
                amount=fee,
                currency=fee_currency,
                incurred_on=max(participation.joined_on, campaign.start_date),
                description=f"Fee: {influencer_name}",
            )
            session.add(touched)
    session.flush()
    return touched, before


def remove_participation(session: Session, participation: Participation) -> list[CostLine]:
    """Take an influencer out of a campaign that has no post of theirs yet.

    Their direct cost lines go too (returned, for the audit log); posts must be deleted
    first so results are never dropped as a side effect.
    """
    from ..models import Post

    if session.exec(select(Post.id).where(Post.participation_id == participation.id)).first():
        raise ValueError("This influencer has posts in the campaign: delete them first.")
    lines = list(
        session.exec(select(CostLine).where(CostLine.participation_id == participation.id)).all()
    )
    for line in lines:
        session.delete(line)
    session.flush()
    session.delete(participation)
    session.flush()
    return lines


def participation_choices(session: Session, campaign_id: int) -> list[tuple[int, str, str]]:
    """(participation id, "Name · Platform", platform) of every influencer in a campaign, by name."""
    from sqlalchemy import func

    from .. import labels

    rows = session.exec(
        select(Participation.id, Influencer.name, Participation.platform)
        .join(Influencer, Influencer.id == Participation.influencer_id)
        .where(Participation.campaign_id == campaign_id)
        .order_by(func.lower(Influencer.name), Participation.platform)
    ).all()
    return [
        (pid, f"{name} · {labels.label('platform', platform)}", platform)
        for pid, name, platform in rows
    ]
