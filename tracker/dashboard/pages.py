"""What the campaign dashboard shows, gathered from analytics in one place.

Figures are analytics' own; this module only picks them, orders the influencer rows and says
what the value generated is made of. The exports sort with the same Ordering, so a downloaded
table lists the same rows, in the same order, with the same figures as the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from .. import analytics, kpi
from ..analytics import Attribution, CampaignSummary, GoalResult, ParticipationRow
from ..models import Brand, Campaign
from ..tiers import TIERS


@dataclass(frozen=True)
class Sort:
    """A sortable column: how to read its value from a row, and which way reads best first."""

    key: Callable[[ParticipationRow], Any]
    descending_first: bool


# Costs per result read best lowest first; volumes and returns highest first.
SORTS: dict[str, Sort] = {
    "influencer": Sort(lambda r: r.influencer.casefold(), False),
    "tier": Sort(lambda r: TIERS.index(r.tier), False),
    "cost": Sort(lambda r: r.direct_cost, True),
    "views": Sort(lambda r: r.totals["views"], True),
    "er": Sort(lambda r: r.kpis["engagement_rate"], True),
    "cpe": Sort(lambda r: r.kpis["cpe"], False),
    "cpa": Sort(lambda r: r.kpis["cpa"], False),
    "roas": Sort(lambda r: r.kpis["roas"], True),
}


@dataclass(frozen=True)
class Ordering:
    column: str | None  # None: the order influencers joined in
    descending: bool = False

    @classmethod
    def from_args(cls, sort: str | None, order: str | None) -> Ordering:
        """Read ?sort=…&order=asc|desc, ignoring what is not a sortable column."""
        if sort not in SORTS:
            return cls(None)
        if order in ("asc", "desc"):
            return cls(sort, order == "desc")
        return cls(sort, SORTS[sort].descending_first)

    def apply(self, rows: Sequence[ParticipationRow]) -> list[ParticipationRow]:
        """Sort rows; an undefined figure ("—") goes last whichever way the column is sorted."""
        if self.column is None:
            return list(rows)
        read = SORTS[self.column].key
        known = [r for r in rows if read(r) is not None]
        unknown = [r for r in rows if read(r) is None]
        return sorted(known, key=read, reverse=self.descending) + unknown

    def toggled(self, column: str) -> dict[str, str]:
        """Query arguments of a header link: flip this column, or sort by it its best way first."""
        if column == self.column:
            return {"sort": column, "order": "asc" if self.descending else "desc"}
        return {"sort": column, "order": "desc" if SORTS[column].descending_first else "asc"}

    def args(self) -> dict[str, str]:
        if self.column is None:
            return {}
        return {"sort": self.column, "order": "desc" if self.descending else "asc"}


@dataclass(frozen=True)
class ValuePart:
    """One line of "value generated": revenue as is, or a goal's actual × its unit value."""

    metric: str
    actual: int | Decimal | None
    unit_value: Decimal | None
    amount: Decimal


@dataclass
class CampaignPage:
    campaign: Campaign
    brand: Brand
    today: date
    as_of: date | None
    summary: CampaignSummary
    rows: list[ParticipationRow]
    ordering: Ordering
    value_parts: list[ValuePart]
    unvalued_goals: list[GoalResult]
    attribution: list[Attribution]
    budget_used: Decimal | None
    direct_total: Decimal
    last_data: date | None

    @property
    def has_results(self) -> bool:
        """Whether any snapshot or recorded event has given the campaign a figure yet."""
        return any(v is not None for v in self.summary.totals.values())

    @property
    def chart_until(self) -> date:
        """The last day a chart shows: the as-of day, today while running, else the end.

        Final figures are often captured some days after the end; the chart then runs to
        that capture so its last point is the total shown beside it.
        """
        if self.as_of is not None:
            return self.as_of
        until = min(self.today, self.campaign.end_date)
        if self.last_data is not None and until < self.last_data <= self.today:
            until = self.last_data
        return until


def campaign_page(
    session: Session,
    campaign: Campaign,
    *,
    today: date,
    as_of: date | None = None,
    ordering: Ordering = Ordering(None),
) -> CampaignPage:
    """Everything the dashboard of one campaign shows, as of a day (default: latest data)."""
    # Looking back, the campaign is judged as it stood that day: its phase and pacing too.
    judged_on = min(today, as_of) if as_of is not None else today
    summary = analytics.campaign_summary(session, campaign, today=judged_on, as_of=as_of)
    rows = analytics.participation_rows(session, campaign, as_of=as_of)
    goals = {g.metric: g for g in summary.goals}
    parts = []
    for metric, amount in summary.value_parts:
        goal = goals.get(metric)
        if metric == "revenue":
            parts.append(ValuePart(metric, summary.totals.get("revenue"), None, amount))
        elif goal is not None:
            parts.append(ValuePart(metric, goal.actual, goal.unit_value, amount))
    unvalued = [g for g in summary.goals if g.unit_value is None and g.metric != "revenue"]
    direct = sum(summary.cost.direct.values(), Decimal(0))
    return CampaignPage(
        campaign=campaign,
        brand=session.get(Brand, campaign.brand_id),
        today=judged_on,
        as_of=as_of,
        summary=summary,
        rows=ordering.apply(rows),
        ordering=ordering,
        value_parts=parts,
        unvalued_goals=unvalued,
        attribution=analytics.recorded_conversions(session, campaign, as_of=as_of),
        budget_used=kpi.ratio(summary.cost.total, campaign.budget),
        direct_total=direct,
        last_data=analytics.last_data_day(session, campaign),
    )
