"""A campaign's as-of results: the rollups' current values, or its snapshot history for a past day,
with the clicks and conversions the tracker recorded itself.

Every figure starts from here (summaries, influencer rows, posts, tiers); loads are cached for a
request or a job (`reading_history_once`) until the session writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import has_request_context, request
from sqlalchemy import event, func
from sqlmodel import Session, select

from .. import kpi
from ..currency import RateTable
from ..models import (
    Campaign,
    Click,
    Conversion,
    ExchangeRate,
    Participation,
    SnapshotCurrent,
    Workspace,
)
from ..results import rollups
from ..tiers import TierBands

if TYPE_CHECKING:
    # At run time the functions that compute import pandas themselves: every view and API
    # module imports this package, and the app starts without loading pandas (~0.3 s).
    import pandas as pd

COUNTS = kpi.COUNT_KEYS
SCOPE = ["campaign_id", "participation_id", "post_id"]
# Tracker-recorded events fill these metrics only where no import covers them (KPI.md).
EVENT_METRICS = ("link_clicks", "conversions", "revenue")


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
