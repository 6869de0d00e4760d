"""Where a campaign's figures come from, and the last day anything was captured or recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import Campaign, Click, Conversion, Participation, Snapshot, SnapshotCurrent
from ..results import rollups


@dataclass
class DataSource:
    kind: str  # "snapshots", "clicks" (tracked links) or "conversions"
    source: str
    records: int
    first: date | None
    last: date | None


def data_sources(session: Session, campaign: Campaign) -> list[DataSource]:
    """Where the campaign's figures come from, with how many records and their capture dates."""
    out = [
        DataSource("snapshots", source, count, first, last)
        for source, count, first, last in session.exec(
            select(
                Snapshot.source,
                func.count(),
                func.min(Snapshot.captured_on),
                func.max(Snapshot.captured_on),
            )
            .where(Snapshot.campaign_id == campaign.id)
            .group_by(Snapshot.source)
            .order_by(Snapshot.source)
        ).all()
    ]
    clicks = session.exec(
        select(func.count(), func.min(Click.day), func.max(Click.day))
        .join(Participation, Participation.id == Click.participation_id)
        .where(Participation.campaign_id == campaign.id, Click.ua_class == "browser")
    ).one()
    if clicks[0]:
        out.append(DataSource("clicks", "tracked_links", *clicks))
    for source, count, first, last in session.exec(
        select(
            Conversion.source,
            func.count(),
            func.min(Conversion.occurred_at),
            func.max(Conversion.occurred_at),
        )
        .where(Conversion.campaign_id == campaign.id)
        .group_by(Conversion.source)
        .order_by(Conversion.source)
    ).all():
        out.append(DataSource("conversions", source, count, _day(first), _day(last)))
    return out


def last_data_day(session: Session, campaign: Campaign) -> date | None:
    """The last day anything was captured or recorded for the campaign (the rollups' last
    capture, the last tracked click, the last conversion), without reading the history."""
    rollups.settle(session)
    captured = session.exec(
        select(func.max(SnapshotCurrent.last_captured_on)).where(
            SnapshotCurrent.campaign_id == campaign.id
        )
    ).one()
    clicked = session.exec(
        select(func.max(Click.day))
        .join(Participation, Participation.id == Click.participation_id)
        .where(Participation.campaign_id == campaign.id, Click.ua_class == "browser")
    ).one()
    converted = session.exec(
        select(func.max(Conversion.occurred_at)).where(Conversion.campaign_id == campaign.id)
    ).one()
    days = [rollups.as_date(v) for v in (captured, clicked, converted) if v is not None]
    return max(days, default=None)


def _day(value: datetime | date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value
