"""Campaign figures from the database: SQL picks the rows, pandas rolls them up, kpi.py does the maths.

Every page, the API, exports and recaps read their figures from here, so a number is the same
wherever it is shown. Results are plain dataclasses and dicts; no DataFrame leaves this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from flask import has_request_context, request
from sqlalchemy import event, func
from sqlmodel import Session, select

from . import kpi
from .costs import CostAllocation, CostItem, allocate
from .currency import MissingRateError, RateTable
from .models import (
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
    SnapshotCurrent,
    SnapshotDay,
    SnapshotDayRevenue,
    Workspace,
)
from .results import rollups
from .tiers import TIERS, TierBands, effective_tier

if TYPE_CHECKING:
    # At run time the functions that compute import pandas themselves: every view and API
    # module imports this one, and the app starts without loading pandas (~0.3 s).
    import pandas as pd

COUNTS = kpi.COUNT_KEYS
SCOPE = ["campaign_id", "participation_id", "post_id"]
# Tracker-recorded events fill these metrics only where no import covers them (KPI.md).
EVENT_METRICS = ("link_clicks", "conversions", "revenue")


# ---------------------------------------------------------------------------- loading


def rate_table(session: Session, workspace_id: int) -> RateTable:
    rows = session.exec(
        select(
            ExchangeRate.on_date, ExchangeRate.base, ExchangeRate.quote, ExchangeRate.rate
        ).where(ExchangeRate.workspace_id == workspace_id)
    ).all()
    return RateTable(rows)


def tier_bands(workspace: Workspace) -> TierBands:
    return TierBands(
        micro=workspace.tier_micro_min,
        mid=workspace.tier_mid_min,
        macro=workspace.tier_macro_min,
        mega=workspace.tier_mega_min,
    )


_HISTORY_CACHE = "tracker.analytics.history"


def _snapshot_frame(
    session: Session, campaign_ids: Sequence[int], as_of: date | None
) -> pd.DataFrame:
    """Snapshot history of the campaigns up to `as_of`, oldest first, as recorded.

    A page or a recap asks for the same campaign's history several times (summary,
    influencer rows, time series): within one request, or inside `reading_history_once`,
    the last history read is kept on the session until it writes, commits or rolls back,
    and a past `as_of` is a filter of it. Elsewhere every call reads the database.
    """
    key = tuple(int(i) for i in campaign_ids)
    scope = request._get_current_object() if has_request_context() else None
    scope = scope or session.info.get(_CACHE_SCOPE)
    if scope is None:
        return _as_of(_read_history(session, key), as_of)
    cached = session.info.get(_HISTORY_CACHE)
    if cached is None or cached[0] != key or cached[1] is not scope:
        cached = (key, scope, _read_history(session, key))
        session.info[_HISTORY_CACHE] = cached  # one entry: memory stays one history's
    return _as_of(cached[2], as_of).copy()


_CACHE_SCOPE = "tracker.analytics.cache_scope"


@contextmanager
def reading_history_once(session: Session) -> Iterator[None]:
    """Read each campaign's history once for the work inside (a recap, a job), not per figure."""
    token = object()
    session.info[_CACHE_SCOPE] = token
    try:
        yield
    finally:
        if session.info.get(_CACHE_SCOPE) is token:
            session.info.pop(_CACHE_SCOPE, None)
        session.info.pop(_HISTORY_CACHE, None)
        session.info.pop(_RESULTS_CACHE, None)


def _as_of(history: pd.DataFrame, as_of: date | None) -> pd.DataFrame:
    import pandas as pd

    return history if as_of is None else history[history["captured_on"] <= pd.Timestamp(as_of)]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_history(session: Session, *_args: Any) -> None:
    session.info.pop(_HISTORY_CACHE, None)
    session.info.pop(_RESULTS_CACHE, None)


def _read_history(session: Session, campaign_ids: Sequence[int]) -> pd.DataFrame:
    return rollups.read_history(session.connection(), campaign_ids)


def _revenue_in(frame: pd.DataFrame, currencies: dict[int, str], rates: RateTable) -> pd.Series:
    """Snapshot revenue converted to its campaign's currency on the day it was captured."""
    import pandas as pd

    out = pd.Series(None, index=frame.index, dtype=object)
    carried = frame[frame["revenue"].notna()]
    for index, rev, ccy, cid, day in zip(
        carried.index,
        carried["revenue"],
        carried["revenue_currency"],
        carried["campaign_id"],
        carried["captured_on"],
        strict=True,
    ):
        out[index] = rates.convert(Decimal(rev), ccy, currencies[cid], day.date())
    return out


def _as_of_scopes(history: pd.DataFrame) -> pd.DataFrame:
    """Per scope, each metric's latest value that some snapshot carries (groupby.last skips NULLs)."""
    import pandas as pd

    if history.empty:
        return pd.DataFrame(columns=[*SCOPE, *kpi.METRIC_KEYS])
    keyed = history.assign(
        participation_id=history["participation_id"].fillna(-1),
        post_id=history["post_id"].fillna(-1),
    )
    latest = keyed.groupby(SCOPE, sort=False)[list(kpi.METRIC_KEYS)].last().reset_index()
    latest["participation_id"] = latest["participation_id"].replace(-1, pd.NA).astype("Int64")
    latest["post_id"] = latest["post_id"].replace(-1, pd.NA).astype("Int64")
    return latest


@dataclass
class Events:
    """Clicks and conversions the tracker recorded itself, per participation (None = unattributed)."""

    clicks: dict[int, int] = field(default_factory=dict)
    unique_clicks: dict[int, int] = field(default_factory=dict)
    bot_clicks: dict[int, int] = field(default_factory=dict)
    conversions: dict[tuple[int, int | None], int] = field(default_factory=dict)
    revenue: dict[tuple[int, int | None], Decimal] = field(default_factory=dict)


def _events(
    session: Session,
    campaign_ids: Sequence[int],
    as_of: date | None,
    currencies: dict[int, str],
    rates: RateTable,
) -> Events:
    events = Events()
    day_filter = [] if as_of is None else [Click.day <= as_of]
    click_rows = session.exec(
        select(
            Click.participation_id,
            Click.ua_class,
            func.count(),
            func.count(func.distinct(Click.visitor_hash + "|" + func.cast(Click.day, _text()))),
        )
        .join(Participation, Participation.id == Click.participation_id)
        .where(Participation.campaign_id.in_(campaign_ids), *day_filter)
        .group_by(Click.participation_id, Click.ua_class)
    ).all()
    for pid, ua_class, total, unique in click_rows:
        if ua_class == "browser":
            events.clicks[pid] = total
            events.unique_clicks[pid] = unique
        else:
            events.bot_clicks[pid] = events.bot_clicks.get(pid, 0) + total
    conv_query = select(
        Conversion.campaign_id,
        Conversion.participation_id,
        Conversion.amount,
        Conversion.currency,
        Conversion.occurred_at,
    ).where(Conversion.campaign_id.in_(campaign_ids))
    for cid, pid, amount, ccy, at in session.exec(conv_query).all():
        if as_of is not None and at.date() > as_of:
            continue
        key = (cid, pid)
        events.conversions[key] = events.conversions.get(key, 0) + 1
        value = rates.convert(amount, ccy, currencies[cid], at.date())
        events.revenue[key] = events.revenue.get(key, Decimal(0)) + value
    return events


def _text():
    from sqlalchemy import String

    return String()


def _event_rows(
    scopes: pd.DataFrame, events: Events, campaign_of: dict[int, int]
) -> list[dict[str, Any]]:
    """Event counts as extra scope rows, for metrics no imported snapshot covers (never count twice)."""
    import pandas as pd

    covered: dict[tuple[int, int | None], set[str]] = defaultdict(set)
    for metric in EVENT_METRICS:
        carried = scopes[scopes[metric].notna()]
        for cid, pid in zip(carried["campaign_id"], carried["participation_id"], strict=True):
            covered[(cid, None if pd.isna(pid) else int(pid))].add(metric)
    keys = {(campaign_of[p], p) for p in events.clicks} | set(events.conversions)
    rows = []
    for cid, pid in keys:
        row: dict[str, Any] = {"campaign_id": cid, "participation_id": pid, "post_id": None}
        if pid is not None and "link_clicks" not in covered[(cid, pid)] and pid in events.clicks:
            row["link_clicks"] = events.clicks[pid]
        if "conversions" not in covered[(cid, pid)] and (cid, pid) in events.conversions:
            row["conversions"] = events.conversions[(cid, pid)]
        if "revenue" not in covered[(cid, pid)] and (cid, pid) in events.revenue:
            row["revenue"] = events.revenue[(cid, pid)]
        if len(row) > 3:
            rows.append(row)
    return rows


def _current_answers(session: Session, ids: Sequence[int], as_of: date | None) -> set[int]:
    """Campaigns whose current rollup is their as-of state: every one for today, and for a
    day on or after a campaign's last capture (its history up to that day is all of it)."""
    if as_of is None or not ids:
        return set(ids)
    last = dict(
        session.exec(
            select(SnapshotCurrent.campaign_id, func.max(SnapshotCurrent.last_captured_on))
            .where(SnapshotCurrent.campaign_id.in_(ids))
            .group_by(SnapshotCurrent.campaign_id)
        ).all()
    )
    return {cid for cid in ids if cid not in last or rollups.as_date(last[cid]) <= as_of}


_CURRENT_COLUMNS = (*SCOPE, *kpi.METRIC_KEYS, "revenue_currency", "revenue_on")


def _fetch(session: Session, sql: str, ids: Sequence[int]) -> list[tuple]:
    """Rows of `sql` for campaign `ids` (its `{ids}` placeholder) through the DBAPI cursor of
    the session's connection: thousands of plain tuples, without ORM or Row objects."""
    conn = session.connection()
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql.format(ids=", ".join(mark for _ in ids)), [int(i) for i in ids])
        return cursor.fetchall()
    finally:
        cursor.close()


def _current_scopes(
    session: Session, ids: Iterable[int], currencies: dict[int, str], rates: RateTable
) -> pd.DataFrame:
    """The stored as-of values of every scope of the campaigns (read through the DBAPI cursor:
    one row per post, no ORM objects), revenue in each campaign's currency."""
    import numpy as np
    import pandas as pd

    sql = (
        f"SELECT {', '.join(_CURRENT_COLUMNS)} FROM snapshot_current WHERE campaign_id IN ({{ids}})"
    )
    rows = _fetch(session, sql, sorted(ids))
    if not rows:
        return _as_of_scopes(pd.DataFrame())
    columns = dict(zip(_CURRENT_COLUMNS, zip(*rows, strict=True), strict=True))
    data: dict[str, Any] = {"campaign_id": np.asarray(columns["campaign_id"], dtype=np.int64)}
    for name in ("participation_id", "post_id", *COUNTS):
        data[name] = rollups.int_array(columns[name])
    data["revenue"] = pd.Series(
        [
            None
            if amount is None
            else rates.convert(Decimal(amount), ccy, currencies[cid], rollups.as_date(on))
            for cid, amount, ccy, on in zip(
                columns["campaign_id"],
                columns["revenue"],
                columns["revenue_currency"],
                columns["revenue_on"],
                strict=True,
            )
        ],
        dtype=object,
    )
    return pd.DataFrame(data)[[*SCOPE, *kpi.METRIC_KEYS]]


@dataclass
class Results:
    """As-of values of every scope of a set of campaigns, events included."""

    scopes: pd.DataFrame  # one row per post / participation / campaign scope, plus event rows
    events: Events


def load_results(
    session: Session,
    campaigns: Sequence[Campaign],
    rates: RateTable,
    as_of: date | None = None,
) -> Results:
    rollups.settle(session)
    ids = [c.id for c in campaigns]
    currencies = {c.id: c.currency for c in campaigns}
    # A page asks for the same campaign's results several times (summary, influencer rows):
    # within one request or job they are loaded once, until the session writes (callers
    # treat Results as read-only).
    scope = request._get_current_object() if has_request_context() else None
    scope = scope or session.info.get(_CACHE_SCOPE)
    key = (tuple(ids), tuple(sorted(currencies.items())), as_of)
    if scope is not None:
        cached = session.info.get(_RESULTS_CACHE)
        if cached is not None and cached[0] == key and cached[1] is scope:
            return cached[2]
    results = _load_results(session, campaigns, ids, currencies, rates, as_of)
    if scope is not None:
        session.info[_RESULTS_CACHE] = (key, scope, results)
    return results


_RESULTS_CACHE = "tracker.analytics.results"


def _load_results(
    session: Session,
    campaigns: Sequence[Campaign],
    ids: list[int],
    currencies: dict[int, str],
    rates: RateTable,
    as_of: date | None,
) -> Results:
    import numpy as np
    import pandas as pd

    current = _current_answers(session, ids, as_of)
    parts = [_current_scopes(session, current, currencies, rates)] if current else []
    # A day before a campaign's last capture needs its history: one campaign at a time, so
    # memory stays that of the largest campaign, not the whole workspace's.
    for cid in ids:
        if cid in current:
            continue
        history = _snapshot_frame(session, [cid], as_of)
        history["revenue"] = _revenue_in(history, currencies, rates)
        parts.append(_as_of_scopes(history))
        del history
    non_empty = [p for p in parts if not p.empty]
    if len(non_empty) > 1:
        scopes = pd.concat(non_empty, ignore_index=True)
    else:
        scopes = non_empty[0] if non_empty else _as_of_scopes(pd.DataFrame())
    rows = _fetch(session, "SELECT id, is_paid FROM post WHERE campaign_id IN ({ids})", ids)
    posts = pd.DataFrame(
        {
            "post_id": np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
            "is_paid": np.fromiter((bool(r[1]) for r in rows), dtype=bool, count=len(rows)),
        }
    )
    campaign_of = dict(
        session.exec(
            select(Participation.id, Participation.campaign_id).where(
                Participation.campaign_id.in_(ids)
            )
        ).all()
    )
    events = _events(session, ids, as_of, currencies, rates)
    extra = pd.DataFrame(
        _event_rows(scopes, events, campaign_of), columns=[*SCOPE, *kpi.METRIC_KEYS]
    )
    if not extra.empty:
        for key in COUNTS:
            extra[key] = extra[key].astype("Int64")
        scopes = pd.concat([scopes, extra], ignore_index=True) if not scopes.empty else extra
    scopes["post_id"] = scopes["post_id"].astype("Int64")
    scopes["participation_id"] = scopes["participation_id"].astype("Int64")
    scopes = scopes.merge(posts.astype({"post_id": "Int64"}), on="post_id", how="left")
    return Results(scopes=scopes, events=events)


def _totals(frame: pd.DataFrame) -> dict[str, int | Decimal | None]:
    """Pooled totals of a set of scopes; a metric no scope carries stays None, never 0."""
    import pandas as pd

    out: dict[str, int | Decimal | None] = dict.fromkeys(kpi.METRIC_KEYS)
    counts = [k for k in COUNTS if k in frame]
    if len(frame) and counts:
        # Nullable integer sums with min_count=1: a metric no scope carries stays NA (None).
        sums = frame[counts].astype("Int64").sum(min_count=1)
        for key in counts:
            out[key] = None if pd.isna(sums[key]) else int(sums[key])
    for key in kpi.MONEY_KEYS:
        values = frame[key].dropna() if key in frame else []
        if len(values):
            out[key] = sum((Decimal(v) for v in values), Decimal(0))
    return out


def _totals_by(frame: pd.DataFrame, key: str) -> dict[int, dict[str, int | Decimal | None]]:
    """`_totals` of each group of `frame` by `key`, in one vectorised pass (not one per group)."""
    frame = frame[frame[key].notna()]
    if frame.empty:
        return {}
    groups = frame[key].astype("int64")
    counts = [k for k in kpi.METRIC_KEYS if k not in kpi.MONEY_KEYS and k in frame]
    # Int64 sums with min_count=1: a metric no row of the group carries stays NA (None).
    sums = frame[counts].astype("Int64").groupby(groups).sum(min_count=1)
    out: dict[int, dict[str, int | Decimal | None]] = {}
    # Python ints and None, column by column: no per-cell pandas call for thousands of posts.
    columns = [sums[k].to_numpy(dtype=object, na_value=None).tolist() for k in counts]
    empty = dict.fromkeys(kpi.METRIC_KEYS)
    rows = list(zip(*columns, strict=True)) if columns else [()] * len(sums.index)
    for group, values in zip(sums.index.tolist(), rows, strict=True):
        totals: dict[str, int | Decimal | None] = dict(empty)
        totals.update(zip(counts, values, strict=True))
        out[int(group)] = totals
    for money in kpi.MONEY_KEYS:
        if money not in frame:
            continue
        carried = frame[frame[money].notna()]
        for group, value in zip(groups.loc[carried.index], carried[money], strict=True):
            totals = out[int(group)]
            totals[money] = (totals[money] or Decimal(0)) + Decimal(value)
    return out


# ---------------------------------------------------------------------------- campaign summary


@dataclass
class GoalResult:
    metric: str
    target: Decimal
    unit_value: Decimal | None
    actual: Decimal | int | None
    attainment: Decimal | None
    projected: Decimal | None
    pacing: str | None
    value: Decimal | None  # what this goal adds to value generated, if it carries a unit value


@dataclass
class Split:
    organic: dict[str, Any]
    paid: dict[str, Any]


@dataclass
class CampaignSummary:
    campaign_id: int
    currency: str
    phase: str
    as_of: date | None
    totals: dict[str, int | Decimal | None]
    cost: CostAllocation
    kpis: dict[str, Decimal | None]
    goals: list[GoalResult]
    value_generated: Decimal
    value_parts: list[tuple[str, Decimal]]
    roi_ratio: Decimal | None
    roi_pct: Decimal | None
    target_ratio: Decimal
    meets_target: bool | None
    split: Split
    clicks_recorded: int
    unique_clicks: int
    bot_clicks: int


def _cost_items(lines: Iterable[CostLine]) -> list[CostItem]:
    return [
        CostItem(
            amount=line.amount,
            currency=line.currency,
            incurred_on=line.incurred_on,
            category=line.category,
            participation_id=line.participation_id,
        )
        for line in lines
    ]


def _cost_lines(session: Session, campaign_ids: Sequence[int]) -> dict[int, list[CostLine]]:
    grouped: dict[int, list[CostLine]] = defaultdict(list)
    for line in session.exec(select(CostLine).where(CostLine.campaign_id.in_(campaign_ids))).all():
        grouped[line.campaign_id].append(line)
    return grouped


def _campaign_cost_items(
    session: Session, campaign_ids: Sequence[int]
) -> dict[int, list[CostItem]]:
    """Each campaign's cost lines as plain items: raw columns, not ORM objects or rows (a
    campaign has a fee line per influencer, and a page allocates them more than once)."""
    grouped: dict[int, list[CostItem]] = defaultdict(list)
    sql = (
        "SELECT campaign_id, amount, currency, incurred_on, category, participation_id"
        " FROM cost_line WHERE campaign_id IN ({ids})"
    )
    for cid, amount, currency, on, category, pid in _fetch(session, sql, campaign_ids):
        # SQLite keeps exact amounts and days as text (models/base.py ExactDecimal).
        on = rollups.as_date(on)
        grouped[cid].append(CostItem(Decimal(amount), currency, on, category, pid))
    return grouped


def _goals(session: Session, campaign_ids: Sequence[int]) -> dict[int, list[Goal]]:
    grouped: dict[int, list[Goal]] = defaultdict(list)
    for goal in session.exec(
        select(Goal).where(Goal.campaign_id.in_(campaign_ids)).order_by(Goal.id)
    ).all():
        grouped[goal.campaign_id].append(goal)
    return grouped


def _split(scopes: pd.DataFrame, cost: Decimal | None) -> Split:
    posts = scopes[scopes["post_id"].notna()]
    organic = _totals(posts[posts["is_paid"] == False])  # noqa: E712  (pandas element-wise)
    paid = _totals(posts[posts["is_paid"] == True])  # noqa: E712
    return Split(
        organic={"totals": organic, "kpis": kpi.kpis(organic, None)},
        paid={"totals": paid, "kpis": kpi.kpis(paid, None)},
    )


def summarize(
    campaign: Campaign,
    scopes: pd.DataFrame,
    events: Events,
    cost: CostAllocation,
    goals: Sequence[Goal],
    today: date,
    as_of: date | None,
) -> CampaignSummary:
    """Everything KPI.md computes for one campaign, from its loaded scopes."""
    totals = _totals(scopes)
    figures = kpi.kpis(totals, cost.total)
    phase = campaign.phase(today)
    goal_objs = [kpi.Goal(metric=g.metric, target=g.target, unit_value=g.unit_value) for g in goals]
    breakdown = kpi.value_generated(totals.get("revenue"), goal_objs, totals)
    value_by_metric = dict(breakdown.parts)
    results = []
    for g in goal_objs:
        actual = kpi.goal_actual(g.metric, totals)
        running = phase == "running"
        results.append(
            GoalResult(
                metric=g.metric,
                target=g.target,
                unit_value=g.unit_value,
                actual=actual,
                attainment=kpi.attainment(actual, g.target),
                projected=kpi.projected(actual, campaign.start_date, campaign.end_date, today)
                if running and kpi.is_cumulative(g.metric)
                else None,
                pacing=kpi.pacing_status(
                    actual,
                    g.target,
                    campaign.start_date,
                    campaign.end_date,
                    today,
                    cumulative=kpi.is_cumulative(g.metric),
                )
                if running
                else None,
                value=value_by_metric.get(g.metric) if g.unit_value is not None else None,
            )
        )
    ratio = kpi.roi_ratio(breakdown.total, cost.total)
    pids = set(scopes["participation_id"].dropna().astype(int))
    return CampaignSummary(
        campaign_id=campaign.id,
        currency=campaign.currency,
        phase=phase,
        as_of=as_of,
        totals=totals,
        cost=cost,
        kpis=figures,
        goals=results,
        value_generated=breakdown.total,
        value_parts=breakdown.parts,
        roi_ratio=ratio,
        roi_pct=kpi.roi_pct(breakdown.total, cost.total),
        target_ratio=campaign.target_roi_ratio,
        meets_target=kpi.meets_target(ratio, campaign.target_roi_ratio),
        split=_split(scopes, cost.total),
        clicks_recorded=sum(v for p, v in events.clicks.items() if p in pids),
        unique_clicks=sum(v for p, v in events.unique_clicks.items() if p in pids),
        bot_clicks=sum(v for p, v in events.bot_clicks.items() if p in pids),
    )


def campaign_summaries(
    session: Session,
    campaigns: Sequence[Campaign],
    *,
    workspace_id: int,
    today: date,
    as_of: date | None = None,
) -> dict[int, CampaignSummary]:
    """Summaries of several campaigns with one pass over their snapshots."""
    if not campaigns:
        return {}
    rates = rate_table(session, workspace_id)
    ids = [c.id for c in campaigns]
    results = load_results(session, campaigns, rates, as_of)
    lines = _campaign_cost_items(session, ids)
    goals = _goals(session, ids)
    out = {}
    for campaign in campaigns:
        scopes = results.scopes[results.scopes["campaign_id"] == campaign.id]
        cost = allocate(lines[campaign.id], campaign.currency, rates)
        out[campaign.id] = summarize(
            campaign, scopes, results.events, cost, goals[campaign.id], today, as_of
        )
    return out


def campaign_summary(
    session: Session, campaign: Campaign, *, today: date, as_of: date | None = None
) -> CampaignSummary:
    workspace_id = session.get(Brand, campaign.brand_id).workspace_id
    return campaign_summaries(
        session, [campaign], workspace_id=workspace_id, today=today, as_of=as_of
    )[campaign.id]


# ---------------------------------------------------------------------------- per participation


@dataclass
class ParticipationRow:
    participation_id: int
    influencer_id: int
    influencer: str
    handle: str
    platform: str
    followers_at_join: int
    tier: str
    tier_overridden: bool
    fee: Decimal | None
    direct_cost: Decimal | None
    posts_published: int
    deliverables: int
    delivery: Decimal | None
    totals: dict[str, int | Decimal | None]
    kpis: dict[str, Decimal | None]
    er_by_followers: Decimal | None
    clicks_recorded: int
    unique_clicks: int
    promo_code: str | None
    link_code: str


def participation_rows(
    session: Session, campaign: Campaign, *, as_of: date | None = None
) -> list[ParticipationRow]:
    """One row per influencer in the campaign; costs here are direct costs only (KPI.md)."""
    workspace = session.get(Workspace, session.get(Brand, campaign.brand_id).workspace_id)
    rates = rate_table(session, workspace.id)
    results = load_results(session, [campaign], rates, as_of)
    cost = allocate(
        _campaign_cost_items(session, [campaign.id])[campaign.id], campaign.currency, rates
    )
    return _participation_rows(
        session, [campaign], results, {campaign.id: cost}, tier_bands(workspace)
    )


def _participation_rows(
    session: Session,
    campaigns: Sequence[Campaign],
    results: Results,
    costs: dict[int, CostAllocation],
    bands: TierBands,
) -> list[ParticipationRow]:
    ids = [c.id for c in campaigns]
    # Columns, not ORM objects: a campaign may have hundreds of influencers.
    rows = session.exec(
        select(
            Participation.id,
            Participation.campaign_id,
            Participation.platform,
            Participation.followers_at_join,
            Participation.tier_override,
            Participation.fee,
            Participation.deliverables,
            Participation.promo_code,
            Participation.link_code,
            Influencer.id,
            Influencer.name,
        )
        .join(Influencer, Influencer.id == Participation.influencer_id)
        .where(Participation.campaign_id.in_(ids))
        .order_by(Participation.id)
    ).all()
    handles = _handles(session, [row[9] for row in rows])
    post_counts = dict(
        session.exec(
            select(Post.participation_id, func.count())
            .where(Post.campaign_id.in_(ids))
            .group_by(Post.participation_id)
        ).all()
    )
    by_participation = _totals_by(results.scopes, "participation_id")
    out = []
    for row in rows:
        part, influencer = _PartColumns(*row[:9]), _InfluencerColumns(*row[9:])
        totals = by_participation.get(part.id) or {k: None for k in kpi.METRIC_KEYS}
        # No direct cost line means no cost recorded yet: its KPIs are undefined, not free.
        direct = costs[part.campaign_id].direct.get(part.id)
        tier, overridden = effective_tier(part.followers_at_join, part.tier_override, bands)
        published = post_counts.get(part.id, 0)
        figures = kpi.kpis(totals, direct)
        out.append(
            ParticipationRow(
                participation_id=part.id,
                influencer_id=influencer.id,
                influencer=influencer.name,
                handle=handles.get((influencer.id, part.platform), ""),
                platform=part.platform,
                followers_at_join=part.followers_at_join,
                tier=tier,
                tier_overridden=overridden,
                fee=part.fee,
                direct_cost=direct,
                posts_published=published,
                deliverables=part.deliverables,
                delivery=kpi.ratio(published, part.deliverables),
                totals=totals,
                kpis=figures,
                er_by_followers=kpi.er_by_followers(figures["engagements"], part.followers_at_join),
                clicks_recorded=results.events.clicks.get(part.id, 0),
                unique_clicks=results.events.unique_clicks.get(part.id, 0),
                promo_code=part.promo_code,
                link_code=part.link_code,
            )
        )
    return out


class _PartColumns(NamedTuple):
    id: int
    campaign_id: int
    platform: str
    followers_at_join: int
    tier_override: str | None
    fee: Decimal | None
    deliverables: int
    promo_code: str | None
    link_code: str


class _InfluencerColumns(NamedTuple):
    id: int
    name: str


def _handles(session: Session, influencer_ids: Sequence[int]) -> dict[tuple[int, str], str]:
    from .models import SocialAccount

    rows = session.exec(
        select(SocialAccount.influencer_id, SocialAccount.platform, SocialAccount.handle).where(
            SocialAccount.influencer_id.in_(influencer_ids)
        )
    ).all()
    return {(i, p): h for i, p, h in rows}


# ---------------------------------------------------------------------------- time series


def daily_series(
    session: Session,
    campaign: Campaign,
    *,
    metrics: Sequence[str],
    until: date | None = None,
    events: bool = True,
) -> dict[str, list[tuple[date, int | Decimal | None]]]:
    """As-of campaign totals for each day from the start to `until` (default: the end).

    A day's total is the running sum of the day changes the rollups keep (a few hundred
    rows, whatever the campaign's history). With `events`, clicks and conversions the
    tracker recorded itself are added exactly as in campaign_summary (only where no imported
    value covers the participation that day), so the last point of a series equals the
    campaign total shown beside it.
    """
    import pandas as pd

    rollups.settle(session)
    rates = rate_table(session, session.get(Brand, campaign.brand_id).workspace_id)
    last_day = until or campaign.end_date
    days = pd.date_range(campaign.start_date, last_day, freq="D")
    recorded = _daily_events(session, campaign, days, rates) if events else {}
    needed = set(metrics)
    if "engagement_rate" in needed:
        needed |= {"likes", "comments", "shares", "saves", "views"}
    counts = sorted(needed & set(COUNTS))
    changes = session.exec(
        select(SnapshotDay.day, *(getattr(SnapshotDay, m) for m in counts))
        .where(SnapshotDay.campaign_id == campaign.id, SnapshotDay.day <= last_day)
        .order_by(SnapshotDay.day)
    ).all()
    series: dict[str, list[int | Decimal | None]] = {}
    for i, metric in enumerate(counts):
        series[metric] = _running(
            days, [(row[0], row[i + 1]) for row in changes if row[i + 1] is not None], 0
        )
    if "revenue" in needed:
        parts = session.exec(
            select(
                SnapshotDayRevenue.day,
                SnapshotDayRevenue.amount,
                SnapshotDayRevenue.currency,
                SnapshotDayRevenue.rate_on,
            )
            .where(
                SnapshotDayRevenue.campaign_id == campaign.id, SnapshotDayRevenue.day <= last_day
            )
            .order_by(SnapshotDayRevenue.day)
        ).all()
        converted = [
            (on, rates.convert(amount, ccy, campaign.currency, rate_on))
            for on, amount, ccy, rate_on in parts
        ]
        series["revenue"] = _running(days, converted, Decimal(0))
    if recorded:
        covered = _covered_since(session, campaign)
        for metric, running in recorded.items():
            if metric in series:
                series[metric] = _add_events(series[metric], covered[metric], running, days)
    out: dict[str, list[tuple[date, int | Decimal | None]]] = {}
    for metric in metrics:
        points = []
        for i, day in enumerate(days):
            if metric == "engagement_rate":
                totals = {
                    k: series[k][i] for k in ("likes", "comments", "shares", "saves", "views")
                }
                value = kpi.engagement_rate(kpi.engagements(totals), totals["views"])
            else:
                value = series[metric][i]
            points.append((day.date(), value))
        out[metric] = points
    return out


def _running(
    days: pd.DatetimeIndex, changes: Sequence[tuple[date, int | Decimal]], zero: int | Decimal
) -> list[int | Decimal | None]:
    """The running sum of day changes on each day; unknown (None) before the first change."""
    out: list[int | Decimal | None] = []
    i, total, seen = 0, zero, False
    for day in days:
        on = day.date()
        while i < len(changes) and changes[i][0] <= on:
            total += changes[i][1]
            seen = True
            i += 1
        out.append(total if seen else None)
    return out


def _covered_since(session: Session, campaign: Campaign) -> dict[str, dict[int, date]]:
    """Per event metric, the first day an imported value covers each participation (-1: the
    campaign's unattributed events, covered by campaign-wide snapshots)."""
    rows = session.exec(
        select(
            SnapshotCurrent.participation_id,
            *(func.min(getattr(SnapshotCurrent, c)) for c in rollups.SINCE.values()),
        )
        .where(SnapshotCurrent.campaign_id == campaign.id)
        .group_by(SnapshotCurrent.participation_id)
    ).all()
    out: dict[str, dict[int, date]] = {m: {} for m in rollups.SINCE}
    for pid, *firsts in rows:
        for metric, first in zip(rollups.SINCE, firsts, strict=True):
            if first is not None:
                out[metric][-1 if pid is None else pid] = rollups.as_date(first)
    return out


def _daily_events(
    session: Session, campaign: Campaign, days: pd.DatetimeIndex, rates: RateTable
) -> dict[str, dict[int, list[int | Decimal | None]]]:
    """Running totals of recorded events on each day, per participation (-1: unattributed)."""
    if len(days) == 0:
        return {}
    last = days[-1].date()
    daily: dict[str, dict[int, dict[date, int | Decimal]]] = {
        m: defaultdict(dict) for m in EVENT_METRICS
    }
    for pid, day, count in session.exec(
        select(Click.participation_id, Click.day, func.count())
        .join(Participation, Participation.id == Click.participation_id)
        .where(
            Participation.campaign_id == campaign.id,
            Click.ua_class == "browser",
            Click.day <= last,
        )
        .group_by(Click.participation_id, Click.day)
    ).all():
        daily["link_clicks"][pid][day] = count
    for pid, at, amount, ccy in session.exec(
        select(
            Conversion.participation_id,
            Conversion.occurred_at,
            Conversion.amount,
            Conversion.currency,
        ).where(Conversion.campaign_id == campaign.id)
    ).all():
        day = at.date()
        if day > last:
            continue
        key = -1 if pid is None else pid
        counts, revenue = daily["conversions"][key], daily["revenue"][key]
        counts[day] = counts.get(day, 0) + 1
        value = rates.convert(amount, ccy, campaign.currency, day)
        revenue[day] = revenue.get(day, Decimal(0)) + value
    out: dict[str, dict[int, list[int | Decimal | None]]] = {}
    for metric, per_key in daily.items():
        out[metric] = {}
        for key, by_day in per_key.items():
            ordered = sorted(by_day.items())
            running: int | Decimal = Decimal(0) if metric in kpi.MONEY_KEYS else 0
            i, cumulative = 0, []
            for day in days:
                while i < len(ordered) and ordered[i][0] <= day.date():
                    running += ordered[i][1]
                    i += 1
                cumulative.append(running if i else None)
            out[metric][key] = cumulative
    return out


def _add_events(
    values: Sequence[int | Decimal | None],
    covered: dict[int, date],
    cumulative: dict[int, list[int | Decimal | None]],
    days: pd.DatetimeIndex,
) -> list[int | Decimal | None]:
    """Add each participation's recorded events on the days no imported value covers it."""
    out: list[int | Decimal | None] = []
    for i, day in enumerate(days):
        total = values[i]
        for key, running in cumulative.items():
            if running[i] is None or (key in covered and covered[key] <= day.date()):
                continue
            total = running[i] if total is None else total + running[i]
        out.append(total)
    return out


@dataclass
class Attribution:
    """Conversions the tracker received, by how each was tied to an influencer."""

    attributed_by: str  # "promo_code", "click" or "none"
    conversions: int
    revenue: Decimal  # in the campaign currency


def recorded_conversions(
    session: Session, campaign: Campaign, *, as_of: date | None = None
) -> list[Attribution]:
    """Recorded conversions and their revenue per attribution method, promo code first."""
    rates = rate_table(session, session.get(Brand, campaign.brand_id).workspace_id)
    grouped: dict[str, Attribution] = {}
    for method, at, amount, ccy in session.exec(
        select(
            Conversion.attributed_by,
            Conversion.occurred_at,
            Conversion.amount,
            Conversion.currency,
        ).where(Conversion.campaign_id == campaign.id)
    ).all():
        if as_of is not None and at.date() > as_of:
            continue
        row = grouped.setdefault(method, Attribution(method, 0, Decimal(0)))
        row.conversions += 1
        row.revenue += rates.convert(amount, ccy, campaign.currency, at.date())
    order = ("promo_code", "click", "none")
    return sorted(grouped.values(), key=lambda a: order.index(a.attributed_by))


# ---------------------------------------------------------------------------- tier comparison


@dataclass
class TierRow:
    tier: str
    min_followers: int
    max_followers: int | None
    influencers: int
    participations: int
    posts: int
    direct_cost: Decimal | None
    totals: dict[str, int | Decimal | None]
    kpis: dict[str, Decimal | None]
    medians: dict[str, Decimal | None]


@dataclass
class TierComparison:
    currency: str
    bands: list[tuple[str, int, int | None]]
    rows: list[TierRow]
    campaigns: int


MEDIAN_KPIS = ("engagement_rate", "cpm", "cpe", "cpc", "cpa", "roas")


class TierMember(NamedTuple):
    """What pooling needs of one participation (a ParticipationRow has these fields too)."""

    tier: str
    influencer_id: int
    posts_published: int
    direct_cost: Decimal | None
    totals: dict[str, int | Decimal | None]
    kpis: dict[str, Decimal | None]  # MEDIAN_KPIS only


def tier_comparison(
    session: Session,
    workspace: Workspace,
    *,
    brand_id: int | None = None,
    platform: str | None = None,
    objective: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    currency: str | None = None,
) -> TierComparison:
    """Pooled KPIs per tier across campaigns, with per-influencer medians and the n behind each.

    A workspace has thousands of participations: each table is read once for every campaign,
    as columns, and the database sums each participation's current values (the figure is
    held to 1.5x the bare SQL rollup by `make bench`).
    """
    query = (
        select(Campaign.id, Campaign.currency)
        .join(Brand, Brand.id == Campaign.brand_id)
        .where(Brand.workspace_id == workspace.id)
    )
    if brand_id is not None:
        query = query.where(Campaign.brand_id == brand_id)
    if objective:
        query = query.where(Campaign.objective == objective)
    if date_from:
        query = query.where(Campaign.end_date >= date_from)
    if date_to:
        query = query.where(Campaign.start_date <= date_to)
    currencies = dict(session.exec(query).all())
    bands = tier_bands(workspace)
    reporting = currency or _most_common_currency(currencies.values()) or "EUR"
    rates = rate_table(session, workspace.id)
    rows_by_tier: dict[str, list[TierMember]] = {t: [] for t in TIERS}
    if currencies:
        # Figures are brought to one reporting currency: costs at their own dates,
        # revenue at capture dates, exactly as for a campaign in that currency.
        ids = list(currencies)
        totals = _participation_totals(session, dict.fromkeys(ids, reporting), rates, date_to)
        lines = _campaign_cost_items(session, ids)
        direct: dict[int, Decimal] = {}
        for cid in ids:
            direct.update(allocate(lines[cid], reporting, rates).direct)
        for member in _tier_members(session, ids, totals, direct, bands, platform):
            rows_by_tier[member.tier].append(member)
    return TierComparison(
        currency=reporting,
        bands=bands.describe(),
        rows=_pool_tiers(bands, rows_by_tier),
        campaigns=len(currencies),
    )


# Each participation's current values, summed by the database: a few thousand rows, not
# one per post (campaign-wide scopes have no participation and no tier).
_PARTICIPATION_SUMS = (
    "SELECT participation_id, "
    + ", ".join(f"CAST(SUM({key}) AS BIGINT)" for key in COUNTS)
    + " FROM snapshot_current WHERE campaign_id IN ({ids}) AND participation_id IS NOT NULL"
    " GROUP BY participation_id"
)
_CURRENT_REVENUE = (
    "SELECT campaign_id, participation_id, revenue, revenue_currency, revenue_on"
    " FROM snapshot_current WHERE campaign_id IN ({ids}) AND revenue IS NOT NULL"
)


def _participation_totals(
    session: Session, currencies: dict[int, str], rates: RateTable, as_of: date | None
) -> dict[int, dict[str, int | Decimal | None]]:
    """Each participation's as-of totals, recorded events included: what
    `_totals_by(load_results(...).scopes, "participation_id")` gives, without a row per post."""
    rollups.settle(session)
    ids = list(currencies)
    current = _current_answers(session, ids, as_of)
    totals: dict[int, dict[str, int | Decimal | None]] = {}
    if current:
        for pid, *sums in _fetch(session, _PARTICIPATION_SUMS, sorted(current)):
            totals[pid] = dict.fromkeys(kpi.METRIC_KEYS)
            totals[pid].update(zip(COUNTS, sums, strict=True))
        # Every revenue is converted, a campaign-wide one too: a missing rate is an error
        # here exactly as on the campaign's own page.
        for cid, pid, amount, ccy, on in _fetch(session, _CURRENT_REVENUE, sorted(current)):
            value = rates.convert(Decimal(amount), ccy, currencies[cid], rollups.as_date(on))
            if pid is not None:
                totals[pid]["revenue"] = (totals[pid]["revenue"] or Decimal(0)) + value
    for cid in ids:
        if cid in current:
            continue
        history = _snapshot_frame(session, [cid], as_of)
        history["revenue"] = _revenue_in(history, currencies, rates)
        totals.update(_totals_by(_as_of_scopes(history), "participation_id"))
        del history
    _add_recorded(totals, _events(session, ids, as_of, currencies, rates))
    return totals


def _add_recorded(totals: dict[int, dict[str, int | Decimal | None]], events: Events) -> None:
    """Add recorded events where no imported value covers the metric (KPI.md): where the
    participation's total of that metric is still unknown (as `_event_rows` does)."""
    recorded: dict[str, list[tuple[int | None, int | Decimal]]] = {
        "link_clicks": list(events.clicks.items()),
        "conversions": [(pid, n) for (_, pid), n in events.conversions.items()],
        "revenue": [(pid, Decimal(0) + v) for (_, pid), v in events.revenue.items()],
    }
    for metric, values in recorded.items():
        for pid, value in values:
            if pid is None:  # the campaign's unattributed events have no tier
                continue
            part = totals.setdefault(pid, dict.fromkeys(kpi.METRIC_KEYS))
            if part[metric] is None:
                part[metric] = value


def _tier_members(
    session: Session,
    campaign_ids: Sequence[int],
    totals: dict[int, dict[str, int | Decimal | None]],
    direct: dict[int, Decimal],
    bands: TierBands,
    platform: str | None,
) -> list[TierMember]:
    """Each participation of the campaigns (on `platform`, if given) with its tier and KPIs."""
    participations = _fetch(
        session,
        "SELECT id, influencer_id, platform, followers_at_join, tier_override"
        " FROM participation WHERE campaign_id IN ({ids}) ORDER BY id",
        campaign_ids,
    )
    published = dict(
        _fetch(
            session,
            "SELECT participation_id, COUNT(*) FROM post WHERE campaign_id IN ({ids})"
            " GROUP BY participation_id",
            campaign_ids,
        )
    )
    out = []
    for pid, influencer_id, on_platform, followers, override in participations:
        if platform and on_platform != platform:
            continue
        values = totals.get(pid) or dict.fromkeys(kpi.METRIC_KEYS)
        # No direct cost line means no cost recorded yet: its KPIs are undefined, not free.
        cost = direct.get(pid)
        out.append(
            TierMember(
                tier=effective_tier(followers, override, bands)[0],
                influencer_id=influencer_id,
                posts_published=published.get(pid, 0),
                direct_cost=cost,
                totals=values,
                kpis=_median_kpis(values, cost),
            )
        )
    return out


def _median_kpis(
    totals: dict[str, int | Decimal | None], cost: Decimal | None
) -> dict[str, Decimal | None]:
    """The MEDIAN_KPIS of one participation, by kpi.py's formulas (kpi.kpis would compute
    twice as many, for thousands of participations)."""
    e = kpi.engagements(totals)
    return {
        "engagement_rate": kpi.engagement_rate(e, totals["views"]),
        "cpm": kpi.cpm(cost, totals["views"]),
        "cpe": kpi.cpe(cost, e),
        "cpc": kpi.cpc(cost, totals["link_clicks"]),
        "cpa": kpi.cpa(cost, totals["conversions"]),
        "roas": kpi.roas(totals["revenue"], cost),
    }


def _pool_tiers(
    bands: TierBands, rows_by_tier: dict[str, list[TierMember] | list[ParticipationRow]]
) -> list[TierRow]:
    """Pooled totals and KPIs per tier (direct costs only), with per-influencer medians."""
    out = []
    for (tier, low, high), members in zip(bands.describe(), rows_by_tier.values(), strict=True):
        totals = kpi.sum_totals(m.totals for m in members)
        known = [m.direct_cost for m in members if m.direct_cost is not None]
        cost = sum(known, Decimal(0)) if known else None
        out.append(
            TierRow(
                tier=tier,
                min_followers=low,
                max_followers=high,
                influencers=len({m.influencer_id for m in members}),
                participations=len(members),
                posts=sum(m.posts_published for m in members),
                direct_cost=cost,
                totals=totals,
                kpis=kpi.kpis(totals, cost),
                medians={k: _median([m.kpis[k] for m in members]) for k in MEDIAN_KPIS},
            )
        )
    return out


def _most_common_currency(currencies: Iterable[str]) -> str | None:
    counts: dict[str, int] = defaultdict(int)
    for code in currencies:
        counts[code] += 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _median(values: Sequence[Decimal | None]) -> Decimal | None:
    known = sorted(v for v in values if v is not None)
    if not known:
        return None
    mid = len(known) // 2
    return known[mid] if len(known) % 2 else (known[mid - 1] + known[mid]) / 2


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# ---------------------------------------------------------------------------- recap helpers


def campaign_tiers(
    session: Session,
    campaign: Campaign,
    *,
    as_of: date | None = None,
    rows: Sequence[ParticipationRow] | None = None,
) -> TierComparison:
    """The tier comparison of one campaign, pooled from its participation rows.

    Pass `rows` (from participation_rows with the same as_of) to avoid loading them twice.
    """
    workspace = session.get(Workspace, session.get(Brand, campaign.brand_id).workspace_id)
    bands = tier_bands(workspace)
    rows_by_tier: dict[str, list[ParticipationRow]] = {t: [] for t in TIERS}
    if rows is None:
        rows = participation_rows(session, campaign, as_of=as_of)
    for row in rows:
        rows_by_tier[row.tier].append(row)
    return TierComparison(
        currency=campaign.currency,
        bands=bands.describe(),
        rows=_pool_tiers(bands, rows_by_tier),
        campaigns=1,
    )


@dataclass
class PostRow:
    post_id: int
    participation_id: int
    platform: str
    url: str
    title: str
    posted_at: datetime | None
    is_paid: bool
    totals: dict[str, int | Decimal | None]
    kpis: dict[str, Decimal | None]  # cost-free KPIs only (ER, CTR…): costs are not per post


def post_rows(session: Session, campaign: Campaign, *, as_of: date | None = None) -> list[PostRow]:
    """Each post of the campaign with its as-of totals, most viewed first."""
    by_post = post_totals(session, campaign, as_of=as_of)
    out = []
    columns = (Post.id, Post.participation_id, Post.platform, Post.url, Post.title)
    for pid, part, platform, url, title, posted_at, is_paid in session.exec(
        select(*columns, Post.posted_at, Post.is_paid).where(Post.campaign_id == campaign.id)
    ).all():  # columns, not ORM objects: a campaign may have thousands of posts
        totals = by_post.get(pid) or {k: None for k in kpi.METRIC_KEYS}
        out.append(
            PostRow(
                post_id=pid,
                participation_id=part,
                platform=platform,
                url=url,
                title=title,
                posted_at=posted_at,
                is_paid=is_paid,
                totals=totals,
                kpis=kpi.kpis(totals, None),
            )
        )
    out.sort(key=lambda r: (-(r.totals["views"] or 0), r.post_id))
    return out


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


# ---------------------------------------------------------------------------- cost lines, one by one


@dataclass
class CostLineRow:
    line: CostLine
    converted: Decimal | None  # in the campaign currency; None when its rate is missing
    rate: (
        Decimal | None
    )  # 1 line currency = rate campaign currency (None: same currency or missing)
    rate_on: date | None
    missing: MissingRateError | None


@dataclass
class CostBreakdown:
    lines: list[CostLineRow]
    allocation: CostAllocation | None  # None while any line lacks a rate
    missing: list[MissingRateError]


def cost_breakdown(session: Session, campaign: Campaign) -> CostBreakdown:
    """Every cost line with its amount in the campaign currency; a missing rate is reported, not raised."""
    rates = rate_table(session, session.get(Brand, campaign.brand_id).workspace_id)
    lines = sorted(
        _cost_lines(session, [campaign.id])[campaign.id], key=lambda c: (c.incurred_on, c.id)
    )
    rows, missing = [], []
    for line in lines:
        try:
            converted = rates.convert(
                line.amount, line.currency, campaign.currency, line.incurred_on
            )
            quote = (
                rates.quote(line.currency, campaign.currency, line.incurred_on)
                if line.currency != campaign.currency
                else None
            )
            rows.append(
                CostLineRow(
                    line, converted, quote and quote.rate, quote and quote.published_on, None
                )
            )
        except MissingRateError as exc:
            missing.append(exc)
            rows.append(CostLineRow(line, None, None, None, exc))
    allocation = None if missing else allocate(_cost_items(lines), campaign.currency, rates)
    return CostBreakdown(lines=rows, allocation=allocation, missing=missing)


def post_totals(
    session: Session, campaign: Campaign, *, as_of: date | None = None
) -> dict[int, dict[str, int | Decimal | None]]:
    """Each post's as-of values (latest snapshot carrying each metric), keyed by post id."""
    rates = rate_table(session, session.get(Brand, campaign.brand_id).workspace_id)
    scopes = load_results(session, [campaign], rates, as_of).scopes
    return _totals_by(scopes, "post_id")
