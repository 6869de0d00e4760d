from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, EmailStr, Field, StringConstraints

from ...models import PLATFORMS, Influencer, Participation, SocialAccount
from ...tiers import TIERS
from .common import (
    Count,
    Currency,
    Day,
    Id,
    Input,
    ListQuery,
    Money,
    MoneyIn,
    Page,
    Schema,
    text,
)

Platform = Literal[PLATFORMS]
Tier = Literal[TIERS]
InfluencerName = text(120, 1)
Handle = text(100, 1)
Niche = text(80)
Country = Annotated[str, StringConstraints(max_length=2, pattern=r"^[A-Za-z]{2}$")]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]
Phone = text(40)
Notes = text(10_000)
PromoCode = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^\S*$")
]
Note = text(400)
Deliverables = Annotated[int, Field(ge=0, le=10_000)]


class AccountIn(Input):
    platform: Platform
    handle: Handle = Field(description="The handle, with or without @.")
    followers: Count = 0


def _one_account_per_platform(accounts: list[AccountIn] | None) -> list[AccountIn] | None:
    if accounts is not None:
        platforms = [a.platform for a in accounts]
        if len(set(platforms)) != len(platforms):
            raise ValueError("each platform can have only one account")
    return accounts


Accounts = Annotated[
    list[AccountIn], Field(max_length=len(PLATFORMS)), AfterValidator(_one_account_per_platform)
]


class InfluencerCreate(Input):
    name: InfluencerName
    niche: Niche = ""
    country: Country | None = None
    email: Email | None = None
    phone: Phone | None = None
    notes: Notes = ""
    accounts: Accounts = []


class InfluencerUpdate(Input):
    """Only the fields sent change; `accounts`, when sent, replaces every account."""

    name: InfluencerName = None
    niche: Niche = None
    country: Country | None = None
    email: Email | None = None
    phone: Phone | None = None
    notes: Notes = None
    accounts: Accounts = None


class AccountPublic(Schema):
    platform: str
    handle: str
    followers: int
    followers_updated_on: date | None


class InfluencerPublic(Schema):
    id: int
    name: str
    niche: str
    country: str | None
    email: str | None
    phone: str | None
    notes: str
    archived_at: datetime | None
    created_at: datetime
    accounts: list[AccountPublic]

    @classmethod
    def of(cls, influencer: Influencer, accounts: list[SocialAccount]) -> InfluencerPublic:
        values = influencer.model_dump()
        values["accounts"] = [
            AccountPublic.model_validate(a, from_attributes=True)
            for a in sorted(accounts, key=lambda a: PLATFORMS.index(a.platform))
        ]
        return cls.model_validate(values)


class InfluencerListQuery(ListQuery):
    q: text(120) | None = Field(None, description="Part of the name or of a handle.")
    platform: Platform | None = None


class ParticipationCreate(Input):
    influencer_id: Id
    platform: Platform
    fee: MoneyIn | None = Field(None, description="Becomes a direct influencer_fee cost line.")
    fee_currency: Currency | None = Field(None, description="Default: the campaign currency.")
    deliverables: Deliverables = 1
    deliverables_note: Note = ""
    promo_code: PromoCode | None = None
    joined_on: Day | None = Field(None, description="Default: today.")
    followers_at_join: Count | None = Field(
        None, description="Default: the account's follower count now (frozen from then on)."
    )
    tier_override: Tier | None = None


class ParticipationUpdate(Input):
    """Only the fields sent change; a changed fee moves its fee cost line with it."""

    fee: MoneyIn | None = None
    fee_currency: Currency | None = None
    deliverables: Deliverables = None
    deliverables_note: Note = None
    promo_code: PromoCode | None = None
    followers_at_join: Count = None
    tier_override: Tier | None = None


class ParticipationPublic(Schema):
    id: int
    campaign_id: int
    influencer_id: int
    influencer_name: str
    platform: str
    followers_at_join: int
    tier: str = Field(description="The effective tier: the override if set, else from followers.")
    tier_overridden: bool
    tier_override: str | None
    fee: Money | None
    fee_currency: str | None
    deliverables: int
    deliverables_note: str
    promo_code: str | None
    link_code: str
    joined_on: date
    created_at: datetime

    @classmethod
    def of(
        cls, row: Participation, influencer_name: str, tier: tuple[str, bool]
    ) -> ParticipationPublic:
        values = row.model_dump()
        values.update(influencer_name=influencer_name, tier=tier[0], tier_overridden=tier[1])
        return cls.model_validate(values)


class InfluencerPage(Page[InfluencerPublic]):
    """A page of influencers."""


class ParticipationPage(Page[ParticipationPublic]):
    """A page of participations."""
