"""Small builders for test data with sensible defaults; each call commits so requests see it."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from tracker.importers.urls import normalise_post_url
from tracker.models import (
    Brand,
    Campaign,
    Click,
    Conversion,
    CostLine,
    ExchangeRate,
    Goal,
    Influencer,
    Participation,
    Post,
    Snapshot,
    SocialAccount,
    User,
    Workspace,
)
from tracker.passwords import hash_password

_seq = itertools.count(1)


def _url_key(url: str) -> str:
    """The key the app stores; a hostile test URL the app would refuse keeps a plain key."""
    try:
        return normalise_post_url(url)
    except ValueError:
        return url.lower()


_hashes: dict[str, str] = {}


def aware(value: datetime | None) -> datetime | None:
    """Test data may give naive datetimes; they mean UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Factory:
    def __init__(self, session: Session, password: str) -> None:
        self.session = session
        self.password = password

    def _save(self, obj: Any) -> Any:
        self.session.add(obj)
        self.session.commit()
        return obj

    def workspace(self, **kw: Any) -> Workspace:
        n = next(_seq)
        return self._save(Workspace(**{"name": f"Agency {n}", "slug": f"agency-{n}", **kw}))

    def user(self, workspace: Workspace | None = None, role: str = "manager", **kw: Any) -> User:
        workspace = workspace or self.workspace()
        if self.password not in _hashes:  # argon2 is slow on purpose; hash once per run
            _hashes[self.password] = hash_password(self.password)
        n = next(_seq)
        return self._save(
            User(
                **{
                    "email": f"user{n}@example.com",
                    "password_hash": _hashes[self.password],
                    "role": role,
                    "workspace_id": workspace.id,
                    **kw,
                }
            )
        )

    def brand(self, workspace: Workspace | None = None, **kw: Any) -> Brand:
        workspace = workspace or self.workspace()
        n = next(_seq)
        return self._save(
            Brand(
                **{"name": f"Brand {n}", "slug": f"brand-{n}", "workspace_id": workspace.id, **kw}
            )
        )

    def campaign(self, brand: Brand | None = None, **kw: Any) -> Campaign:
        brand = brand or self.brand()
        n = next(_seq)
        values = {
            "name": f"Campaign {n}",
            "slug": f"campaign-{n}",
            "brand_id": brand.id,
            "objective": "sales",
            "start_date": date(2026, 3, 1),
            "end_date": date(2026, 3, 31),
            "currency": "EUR",
        }
        return self._save(Campaign(**{**values, **kw}))

    def goal(
        self, campaign: Campaign, metric: str, target: str | int, unit_value: str | None = None
    ) -> Goal:
        return self._save(
            Goal(
                campaign_id=campaign.id,
                metric=metric,
                target=Decimal(str(target)),
                unit_value=None if unit_value is None else Decimal(unit_value),
            )
        )

    def influencer(
        self,
        workspace_id: int,
        handle: str | None = None,
        platform: str = "tiktok",
        followers: int = 25_000,
        **kw: Any,
    ) -> Influencer:
        n = next(_seq)
        influencer = self._save(
            Influencer(**{"name": f"Creator {n}", "workspace_id": workspace_id, **kw})
        )
        self._save(
            SocialAccount(
                influencer_id=influencer.id,
                platform=platform,
                handle=handle or f"creator{n}",
                followers=followers,
            )
        )
        return influencer

    def participation(
        self, campaign: Campaign, influencer: Influencer | None = None, **kw: Any
    ) -> Participation:
        if influencer is None:
            brand = self.session.get(Brand, campaign.brand_id)
            influencer = self.influencer(brand.workspace_id)
        n = next(_seq)
        values = {
            "campaign_id": campaign.id,
            "influencer_id": influencer.id,
            "platform": "tiktok",
            "followers_at_join": 25_000,
            "link_code": f"lk{n:06d}",
            "joined_on": campaign.start_date,
        }
        return self._save(Participation(**{**values, **kw}))

    def post(self, participation: Participation, url: str | None = None, **kw: Any) -> Post:
        n = next(_seq)
        url = url or f"https://www.tiktok.com/@creator/video/{7600000000000000000 + n}"
        values = {
            "campaign_id": participation.campaign_id,
            "participation_id": participation.id,
            "platform": participation.platform,
            "url": url,
            "url_key": _url_key(url),
            "posted_at": datetime(2026, 3, 5, 18, 0),
        }
        values = {**values, **kw}
        values["posted_at"] = aware(values["posted_at"])
        return self._save(Post(**values))

    def snapshot(
        self,
        *,
        campaign: Campaign,
        captured_on: date,
        post: Post | None = None,
        participation: Participation | None = None,
        source: str = "manual",
        **metrics: Any,
    ) -> Snapshot:
        participation_id = (
            post.participation_id if post else (participation.id if participation else None)
        )
        return self._save(
            Snapshot(
                campaign_id=campaign.id,
                participation_id=participation_id,
                post_id=post.id if post else None,
                captured_on=captured_on,
                source=source,
                **metrics,
            )
        )

    def cost(
        self,
        campaign: Campaign,
        amount: str,
        category: str = "influencer_fee",
        participation: Participation | None = None,
        currency: str | None = None,
        incurred_on: date | None = None,
        **kw: Any,
    ) -> CostLine:
        return self._save(
            CostLine(
                campaign_id=campaign.id,
                participation_id=participation.id if participation else None,
                category=category,
                amount=Decimal(amount),
                currency=currency or campaign.currency,
                incurred_on=incurred_on or campaign.start_date,
                **kw,
            )
        )

    def rate(self, workspace_id: int, on: date, base: str, quote: str, rate: str) -> ExchangeRate:
        return self._save(
            ExchangeRate(
                workspace_id=workspace_id, on_date=on, base=base, quote=quote, rate=Decimal(rate)
            )
        )

    def click(
        self,
        participation: Participation,
        day: date,
        visitor: str = "v1",
        ua_class: str = "browser",
    ) -> Click:
        return self._save(
            Click(
                participation_id=participation.id,
                day=day,
                visitor_hash=visitor,
                ua_class=ua_class,
                clicked_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            )
        )

    def conversion(
        self,
        campaign: Campaign,
        order_id: str,
        amount: str,
        participation: Participation | None = None,
        currency: str | None = None,
        at: datetime | None = None,
    ) -> Conversion:
        return self._save(
            Conversion(
                campaign_id=campaign.id,
                participation_id=participation.id if participation else None,
                order_id=order_id,
                amount=Decimal(amount),
                currency=currency or campaign.currency,
                occurred_at=aware(at) or datetime(2026, 3, 10, 12, tzinfo=UTC),
                attributed_by="promo_code" if participation else "none",
            )
        )
