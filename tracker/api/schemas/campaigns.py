from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, field_validator

from ...kpi import GOAL_METRICS
from ...models import CAMPAIGN_STATUSES, OBJECTIVES, Campaign, Goal
from .common import (
    MAX_CAMPAIGN_DAYS,
    Currency,
    Day,
    Id,
    Input,
    ListQuery,
    Money,
    MoneyIn,
    Number,
    Page,
    Schema,
    decimal_input,
    text,
)

Objective = Literal[OBJECTIVES]
GoalMetric = Literal[GOAL_METRICS]
Status = Literal[CAMPAIGN_STATUSES]
Url = Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://[^\s/$.?#][^\s]*$")]
Ratio = decimal_input(places=4, max_digits=10, exclusive=True)
Target = decimal_input(places=4, max_digits=20, exclusive=True)
CampaignName = text(160, 1)
Hashtags = text(400)


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(value: str) -> str:
    if value not in _zones():
        raise ValueError("is not a time zone name such as Europe/Paris")
    return value


TimeZone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_zone)]


class GoalIn(Input):
    metric: GoalMetric = Field(description="A KPI.md metric key, or engagement_rate.")
    target: Target
    unit_value: MoneyIn | None = Field(
        None, description="What one unit is worth to the brand, in the campaign currency."
    )


def _one_goal_per_metric(goals: list[GoalIn] | None) -> list[GoalIn] | None:
    if goals is not None:
        metrics = [g.metric for g in goals]
        if len(set(metrics)) != len(metrics):
            raise ValueError("each metric can have only one goal")
    return goals


Goals = Annotated[
    list[GoalIn], Field(max_length=len(GOAL_METRICS)), AfterValidator(_one_goal_per_metric)
]


class GoalsReplace(Input):
    goals: Goals


class CampaignCreate(Input):
    brand_id: Id
    name: CampaignName
    objective: Objective
    start_date: Day
    end_date: Day
    currency: Currency
    budget: MoneyIn | None = None
    hashtags: Hashtags = ""
    target_roi_ratio: Ratio = Field(Decimal("5"), description="The ROI ratio aimed at (5 = 5:1).")
    destination_url: Url | None = None
    timezone: TimeZone = "Europe/Paris"
    locale: Literal["en", "fr"] = "en"
    goals: Goals = []

    @field_validator("end_date")
    @classmethod
    def _after_start(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if start is not None and value < start:
            raise ValueError("is before start_date")
        if start is not None and (value - start).days >= MAX_CAMPAIGN_DAYS:
            raise ValueError("makes the campaign longer than 5 years")
        return value


class CampaignUpdate(Input):
    """Only the fields sent change; `goals`, when sent, replaces every goal."""

    name: CampaignName = None
    objective: Objective = None
    start_date: Day = None
    end_date: Day = None
    currency: Currency = None
    budget: MoneyIn | None = None
    hashtags: Hashtags = None
    target_roi_ratio: Ratio = None
    destination_url: Url | None = None
    timezone: TimeZone = None
    locale: Literal["en", "fr"] = None
    status: Status = None
    goals: Goals = None


class GoalPublic(Schema):
    metric: str
    target: Number
    unit_value: Money | None


class CampaignPublic(Schema):
    id: int
    brand_id: int
    name: str
    slug: str
    objective: str
    start_date: date
    end_date: date
    currency: str
    budget: Money | None
    hashtags: str
    target_roi_ratio: Number
    status: str
    destination_url: str | None
    timezone: str
    locale: str
    created_at: datetime
    goals: list[GoalPublic]

    @classmethod
    def of(cls, campaign: Campaign, goals: list[Goal]) -> CampaignPublic:
        values = campaign.model_dump(exclude={"conversion_secret"})
        values["goals"] = [
            GoalPublic(metric=g.metric, target=g.target, unit_value=g.unit_value) for g in goals
        ]
        return cls.model_validate(values)


class CampaignListQuery(ListQuery):
    brand_id: Id | None = None
    status: Status | None = None


class CampaignPage(Page[CampaignPublic]):
    """A page of campaigns."""
