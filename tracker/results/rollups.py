"""Rollups of the snapshot history, kept up to date in the transaction that writes it.

KPI.md's rule — a metric's value is the latest snapshot *that carries it* — needs a scope's
whole history, so reading it per page costs the whole history (270,000 rows for a 90-day,
3,000-post campaign). Instead every write keeps three derived tables (tracker/models/rollups.py):
each scope's current values, and how the campaign's as-of totals changed on each day.

* A batch that only adds snapshots on or after each scope's last capture day (the usual
  case: today's export) is merged: the stored values are the starting point, the new rows
  move them forward, and the day changes are added to the stored ones.
* Anything else (a row replaced, an older day added, a snapshot or post deleted through the
  ORM) recomputes the touched campaigns from their history: `rebuild`.

`roll` is the one computation both paths share, over a plain DataFrame.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, event, insert, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from .. import kpi
from ..models import Participation, Post, Snapshot, SnapshotCurrent, SnapshotDay, SnapshotDayRevenue

if TYPE_CHECKING:
    # At run time the functions that build frames import pandas themselves: this module is
    # imported with the models (every write keeps the rollups), and the app starts without it.
    import numpy as np
    import pandas as pd

SCOPE = ["campaign_id", "participation_id", "post_id"]
COUNTS = list(kpi.COUNT_KEYS)
# Metrics the tracker also records itself (clicks, conversions): an imported value covers them.
EVENT_METRICS = ("link_clicks", "conversions", "revenue")
SINCE = {m: f"{m}_since" for m in EVENT_METRICS}
HISTORY_COLUMNS = (
    *SCOPE,
    "captured_on",
    "recorded_at",
    "id",
    *kpi.METRIC_KEYS,
    "revenue_currency",
)

ScopeKey = tuple[int, int | None, int | None]


# ---------------------------------------------------------------------------- the computation


@dataclass
class Rolled:
    current: list[dict[str, Any]]  # SnapshotCurrent rows of every scope in the frame
    days: dict[tuple[int, date], dict[str, int]]  # count changes per (campaign, day)
    revenue: dict[tuple[int, date, str, date], Decimal]  # (campaign, day, currency, rate day)


def roll(frame: pd.DataFrame) -> Rolled:
    """Current values and day changes of the scopes in `frame`.

    `frame` holds snapshot rows oldest first within each scope (capture day, then write
    order), with a `base` column: a base row is a scope's stored current values (first in
    its scope, `captured_on` its last capture day, `rate_on` its revenue's day, `*_since`
    its coverage days); it sets the starting point and adds no change of its own.
    """
    import pandas as pd

    if frame.empty:
        return Rolled([], {}, {})
    keys = [
        frame["campaign_id"].astype("int64").to_numpy(),
        frame["participation_id"].fillna(-1).astype("int64").to_numpy(),
        frame["post_id"].fillna(-1).astype("int64").to_numpy(),
    ]
    fresh = ~frame["base"].to_numpy(dtype=bool)
    counts = frame[COUNTS].astype("Int64")
    grouped = counts.groupby(keys, sort=False)
    latest = grouped.last()
    # Each carried value minus the scope's previous carried value: summed per day, the
    # changes give the campaign's as-of total on any day (a running sum).
    previous = grouped.ffill().groupby(keys, sort=False).shift(1)
    change = counts - previous.fillna(0)
    day = pd.to_datetime(frame["captured_on"])
    summed = (
        change[fresh].groupby([keys[0][fresh], day.to_numpy()[fresh]], sort=True).sum(min_count=1)
    )
    days: dict[tuple[int, date], dict[str, int]] = {}
    for (cid, on), values in zip(summed.index, summed.itertuples(index=False), strict=True):
        days[(int(cid), pd.Timestamp(on).date())] = {
            m: int(v) for m, v in zip(COUNTS, values, strict=True) if not pd.isna(v)
        }

    last_day = pd.Series(day.to_numpy()).groupby(keys, sort=False).max()
    since = _since(frame, keys, fresh, day)
    revenue_now, revenue_parts = _revenue(frame, keys, fresh, day)

    current = []
    columns = [latest[m].tolist() for m in COUNTS]
    last_days = last_day.reindex(latest.index).tolist()
    for i, (cid, pid, post) in enumerate(latest.index.tolist()):
        scope = (int(cid), None if pid == -1 else int(pid), None if post == -1 else int(post))
        row: dict[str, Any] = {
            "campaign_id": scope[0],
            "participation_id": scope[1],
            "post_id": scope[2],
            "last_captured_on": pd.Timestamp(last_days[i]).date(),
        }
        for m, values in zip(COUNTS, columns, strict=True):
            row[m] = None if pd.isna(values[i]) else int(values[i])
        amount, currency, rate_on = revenue_now.get(scope, (None, None, None))
        row.update(revenue=amount, revenue_currency=currency, revenue_on=rate_on)
        for m, column in SINCE.items():
            row[column] = since[m].get(scope)
        current.append(row)
    return Rolled(current, days, dict(revenue_parts))


def _scope_tuples(keys: list[np.ndarray], mask: np.ndarray) -> list[ScopeKey]:
    return [
        (int(c), None if p == -1 else int(p), None if q == -1 else int(q))
        for c, p, q in zip(keys[0][mask], keys[1][mask], keys[2][mask], strict=True)
    ]


def _since(
    frame: pd.DataFrame, keys: list[np.ndarray], fresh: np.ndarray, day: pd.Series
) -> dict[str, dict[ScopeKey, date]]:
    """First day each scope carried each event metric (stored days of base rows included)."""
    import pandas as pd

    out: dict[str, dict[ScopeKey, date]] = {}
    base = ~fresh
    for metric, column in SINCE.items():
        firsts: dict[ScopeKey, date] = {}
        if column in frame and base.any():
            stored = frame[column].to_numpy()[base]
            for scope, value in zip(_scope_tuples(keys, base), stored, strict=True):
                if value is not None and not pd.isna(value):
                    firsts[scope] = as_date(value)
        carried = fresh & frame[metric].notna().to_numpy()
        for scope, value in zip(_scope_tuples(keys, carried), day[carried], strict=True):
            on = value.date()
            if scope not in firsts or on < firsts[scope]:
                firsts[scope] = on
        out[metric] = firsts
    return out


def _revenue(
    frame: pd.DataFrame, keys: list[np.ndarray], fresh: np.ndarray, day: pd.Series
) -> tuple[dict[ScopeKey, tuple[Decimal, str, date]], dict[tuple[int, date, str, date], Decimal]]:
    """Each scope's latest revenue, and the changes it brings per day (few rows: a loop)."""
    import pandas as pd

    carried = frame["revenue"].notna().to_numpy()
    latest: dict[ScopeKey, tuple[Decimal, str, date]] = {}
    parts: dict[tuple[int, date, str, date], Decimal] = defaultdict(Decimal)
    rate_days = frame.get("rate_on", day)
    for scope, is_new, amount, currency, captured, rate_on in zip(
        _scope_tuples(keys, carried),
        fresh[carried],
        frame["revenue"].to_numpy()[carried],
        frame["revenue_currency"].to_numpy()[carried],
        day[carried],
        pd.Series(rate_days).to_numpy()[carried],
        strict=True,
    ):
        value = Decimal(amount)
        on = captured.date()
        rate_day = on if is_new else as_date(rate_on)
        if is_new:
            parts[(scope[0], on, currency, on)] += value
            if scope in latest:
                old, old_currency, old_day = latest[scope]
                parts[(scope[0], on, old_currency, old_day)] -= old
        latest[scope] = (value, currency, rate_day)
    return latest, parts


def as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    import pandas as pd  # a numpy datetime64 from a frame

    return pd.Timestamp(value).date()


# ---------------------------------------------------------------------------- history


def read_history(connection: Connection, campaign_ids: Sequence[int]) -> pd.DataFrame:
    """Every snapshot of the campaigns, oldest first, through the DBAPI cursor: building
    ORM rows, then a frame from them, costs ~30x more than the query at 1M rows."""
    import numpy as np
    import pandas as pd

    mark = "?" if connection.dialect.name == "sqlite" else "%s"
    sql = (
        f"SELECT {', '.join(HISTORY_COLUMNS)} FROM snapshot"
        f" WHERE campaign_id IN ({', '.join(mark for _ in campaign_ids)})"
    )
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, [int(i) for i in campaign_ids])
        rows = cursor.fetchall()
    finally:
        cursor.close()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in HISTORY_COLUMNS]
    data: dict[str, Any] = {}
    for name, values in zip(HISTORY_COLUMNS, columns, strict=True):
        if name in COUNTS or name in ("participation_id", "post_id"):
            data[name] = int_array(values)
        elif name in ("id", "campaign_id"):
            data[name] = np.asarray(values, dtype=np.int64)
        elif name in ("captured_on", "recorded_at"):
            data[name] = pd.to_datetime(pd.Series(values, dtype=object), utc=name == "recorded_at")
        else:
            data[name] = pd.Series(values, dtype=object)
    frame = pd.DataFrame(data)
    return frame.sort_values(["captured_on", "recorded_at", "id"], kind="stable")


def int_array(values: Sequence[int | None]) -> Any:
    """Nullable integers, without pandas' per-element path when a column is all or no NULLs."""
    import numpy as np
    import pandas as pd

    missing = values.count(None) if isinstance(values, tuple) else None
    if missing == len(values):
        return pd.array(np.zeros(len(values), dtype=np.int64), dtype="Int64") * pd.NA
    if missing == 0:
        return pd.array(np.asarray(values, dtype=np.int64), dtype="Int64")
    return pd.array(values, dtype="Int64")


# ---------------------------------------------------------------------------- writing


def _lock(connection: Connection, campaign_ids: Iterable[int]) -> None:
    """One writer of a campaign's rollups at a time, until its transaction ends.

    Two transactions adding to the same day row would otherwise both read it, and the second
    insert would fail. SQLite has one writer anyway; PostgreSQL takes a transaction-scoped
    advisory lock per campaign (in id order), which blocks nothing else on the campaign.
    """
    if connection.dialect.name != "postgresql":
        return
    for cid in sorted(set(campaign_ids)):
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:space, :id)"), {"space": _LOCK_SPACE, "id": cid}
        )


_LOCK_SPACE = 0x726F6C6C  # "roll": advisory locks of this module, apart from any other


def rebuild(connection: Connection, campaign_ids: Iterable[int]) -> None:
    """Recompute the rollups of the campaigns from their snapshots, one campaign at a time."""
    _lock(connection, campaign_ids)
    for cid in sorted(set(campaign_ids)):
        _clear(connection, cid)
        history = read_history(connection, [cid])
        history["base"] = False
        _write(connection, roll(history), {})


def rebuild_all(connection: Connection) -> int:
    """Recompute every campaign's rollups (after a restore, or data written by raw SQL)."""
    from ..models import Campaign

    ids = connection.execute(select(Campaign.id)).scalars().all()
    rebuild(connection, ids)
    return len(ids)


def _clear(connection: Connection, campaign_id: int) -> None:
    for table in (SnapshotCurrent, SnapshotDay, SnapshotDayRevenue):
        connection.execute(delete(table).where(table.campaign_id == campaign_id))


def _write(
    connection: Connection,
    rolled: Rolled,
    stored_days: Mapping[tuple[int, date], dict[str, Any]],
) -> None:
    """Insert the rolled rows; day changes add to the stored ones (already deleted)."""
    if rolled.current:
        connection.execute(insert(SnapshotCurrent), rolled.current)
    days = []
    for (cid, on), changes in rolled.days.items():
        row = {"campaign_id": cid, "day": on, **dict.fromkeys(COUNTS)}
        stored = stored_days.get((cid, on), {})
        for m in COUNTS:
            known = [v for v in (stored.get(m), changes.get(m)) if v is not None]
            row[m] = sum(known) if known else None
        days.append(row)
    if days:
        connection.execute(insert(SnapshotDay), days)
    if rolled.revenue:
        connection.execute(
            insert(SnapshotDayRevenue),
            [
                {"campaign_id": c, "day": d, "currency": ccy, "rate_on": r, "amount": amount}
                for (c, d, ccy, r), amount in rolled.revenue.items()
            ],
        )


_CURRENT_COLUMNS = [c.name for c in SnapshotCurrent.__table__.columns]


def after_write(
    session: Session, inserted: Mapping[str, Sequence[Any]], changed: Iterable[int]
) -> None:
    """Keep the rollups right after `write_snapshots`: merge rows that only move scopes
    forward; a campaign whose history was rewritten (`changed`: rows replaced, or a row older
    than its scope's last capture) is recomputed once, before the transaction commits or the
    next read, however many batches the transaction writes.

    `inserted` is the new rows as columns (Snapshot column → values, in write order). They
    are merged in bulk: once `MERGE_ROWS` are waiting, or at `settle` (before a read or the
    commit), so many small writes in one transaction (the API's bulk endpoint, the demo)
    are merged once.
    """
    stale: set[int] = session.info.setdefault(_STALE, set())
    stale.update(changed)
    if not inserted.get("campaign_id"):
        return
    pending: list[Mapping[str, Sequence[Any]]] = session.info.setdefault(_PENDING, [])
    pending.append({name: inserted[name] for name in _MERGED_COLUMNS})
    if sum(len(columns["campaign_id"]) for columns in pending) >= MERGE_ROWS:
        _merge_pending(session)


# Rows waiting to be merged: one import part. Merging fewer, larger batches would rewrite
# each post's current row less often, but `roll` holds ~1 KB of pandas temporaries per row:
# at 200,000 rows a 1M-row import went past its 600 MB.
MERGE_ROWS = 50_000
_MERGED_COLUMNS = (
    "campaign_id",
    "participation_id",
    "post_id",
    "captured_on",
    *kpi.METRIC_KEYS,
    "revenue_currency",
)


def _merge_pending(session: Session) -> None:
    """Merge the rows `after_write` keeps waiting, leaving out the campaigns gone stale
    meanwhile (their rebuild reads every row)."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    stale: set[int] = session.info.setdefault(_STALE, set())
    rows = {name: [v for columns in pending for v in columns[name]] for name in _MERGED_COLUMNS}
    del pending
    stale.update(merge_new(session.connection(), _without(rows, stale)))


def _without(rows: dict[str, list[Any]], campaign_ids: set[int]) -> dict[str, list[Any]]:
    """The rows (as columns) of the other campaigns."""
    if not campaign_ids & set(rows["campaign_id"]):
        return rows
    keep = [cid not in campaign_ids for cid in rows["campaign_id"]]
    return {k: [v for v, kept in zip(vs, keep, strict=True) if kept] for k, vs in rows.items()}


def merge_new(connection: Connection, rows: dict[str, list[Any]]) -> set[int]:
    """Move the rollups forward by newly inserted snapshot rows (Snapshot columns, in write
    order). Returns the campaigns left alone because a row lands before its scope's last
    capture day: they need `rebuild`."""
    import pandas as pd

    if not rows or not rows.get("campaign_id"):
        return set()
    _lock(connection, set(rows["campaign_id"]))
    table = SnapshotCurrent.__table__
    by_scope = {
        (r.campaign_id, r.participation_id, r.post_id): r for r in _stored(connection, rows)
    }
    late: set[int] = set()
    touched: dict[ScopeKey, Any] = {}
    for scope, on in zip(
        zip(rows["campaign_id"], rows["participation_id"], rows["post_id"], strict=True),
        rows["captured_on"],
        strict=True,
    ):
        if scope in touched:
            found = touched[scope]
        else:
            found = touched[scope] = by_scope.get(scope)
        if found is not None and on < found.last_captured_on:
            late.add(scope[0])
    if late:
        rows = _without(rows, late)
        touched = {s: f for s, f in touched.items() if s[0] not in late}
        if not rows["campaign_id"]:
            return late
    base = [found for found in touched.values() if found is not None]
    fresh = _rows_frame(rows)
    rolled = roll(pd.concat([_base_frame(base), fresh], ignore_index=True) if base else fresh)

    ids = [found.id for found in base]
    for start in range(0, len(ids), 500):
        connection.execute(delete(table).where(table.c.id.in_(ids[start : start + 500])))
    _write(connection, rolled, _take_stored_days(connection, rolled))
    return late


def _stored(connection: Connection, rows: Mapping[str, Sequence[Any]]) -> list[Any]:
    """The stored current rows of the scopes `rows` touch: by post (an import's batch covers
    a slice of a campaign's posts), and the few participation and campaign scopes."""
    table = SnapshotCurrent.__table__
    posts = sorted(set(rows["post_id"]) - {None})
    found = []
    for start in range(0, len(posts), 500):
        found += connection.execute(
            select(table).where(table.c.post_id.in_(posts[start : start + 500]))
        ).all()
    wider = sorted(
        {
            cid
            for cid, post in zip(rows["campaign_id"], rows["post_id"], strict=True)
            if post is None
        }
    )
    if wider:
        found += connection.execute(
            select(table).where(table.c.campaign_id.in_(wider), table.c.post_id.is_(None))
        ).all()
    return found


def _take_stored_days(
    connection: Connection, rolled: Rolled
) -> dict[tuple[int, date], dict[str, Any]]:
    """The stored day rows the rolled changes add to, deleted so `_write` inserts the sums;
    stored revenue parts are folded into `rolled.revenue` the same way."""
    days = SnapshotDay.__table__
    stored: dict[tuple[int, date], dict[str, Any]] = {}
    for cid in sorted({c for c, _ in rolled.days}):
        wanted = sorted(on for c, on in rolled.days if c == cid)
        condition = (days.c.campaign_id == cid) & days.c.day.in_(wanted)
        found = connection.execute(select(days).where(condition)).all()
        for row in found:
            stored[(cid, row.day)] = row._asdict()
        if found:
            connection.execute(delete(days).where(condition))
    revenue = SnapshotDayRevenue.__table__
    for key, amount in list(rolled.revenue.items()):
        cid, on, currency, rate_on = key
        condition = (
            (revenue.c.campaign_id == cid)
            & (revenue.c.day == on)
            & (revenue.c.currency == currency)
            & (revenue.c.rate_on == rate_on)
        )
        found_part = connection.execute(select(revenue.c.amount).where(condition)).first()
        if found_part is not None:
            rolled.revenue[key] = amount + found_part.amount
            connection.execute(delete(revenue).where(condition))
    return stored


def _base_frame(stored: Sequence[Any]) -> pd.DataFrame:
    """Stored current rows (of `select(SnapshotCurrent)`) as the base rows of `roll`."""
    import pandas as pd

    columns = dict(zip(_CURRENT_COLUMNS, zip(*stored, strict=True), strict=True))
    data: dict[str, Any] = {
        "campaign_id": list(columns["campaign_id"]),
        "participation_id": int_array(columns["participation_id"]),
        "post_id": int_array(columns["post_id"]),
        "captured_on": pd.to_datetime(pd.Series(columns["last_captured_on"], dtype=object)),
        "base": True,
        "revenue": pd.Series(columns["revenue"], dtype=object),
        "revenue_currency": pd.Series(columns["revenue_currency"], dtype=object),
        "rate_on": pd.Series(columns["revenue_on"], dtype=object),
    }
    for m in COUNTS:
        data[m] = int_array(columns[m])
    for column in SINCE.values():
        data[column] = pd.Series(columns[column], dtype=object)
    return pd.DataFrame(data)


def _rows_frame(rows: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    import pandas as pd

    days = rows["captured_on"]
    as_stamp = {on: pd.Timestamp(on) for on in set(days)}  # a few days, many rows
    data: dict[str, Any] = {
        "campaign_id": rows["campaign_id"],
        "participation_id": int_array(tuple(rows["participation_id"])),
        "post_id": int_array(tuple(rows["post_id"])),
        "captured_on": pd.to_datetime(pd.Series([as_stamp[on] for on in days])),
        "base": False,
        "revenue": pd.Series(rows["revenue"], dtype=object),
        "revenue_currency": pd.Series(rows["revenue_currency"], dtype=object),
    }
    # A new row's revenue is converted at its own capture day (`roll` reads `rate_on` of base
    # rows only): left empty, it stays an object column like the stored rows' dates, and
    # joining the two frames converts nothing.
    data["rate_on"] = pd.Series([None] * len(days), dtype=object)
    for m in COUNTS:
        data[m] = int_array(tuple(rows[m]))
    # History order: capture day, then write order (the same recorded_at, ascending ids).
    return pd.DataFrame(data).sort_values("captured_on", kind="stable")


# ---------------------------------------------------------------------------- ORM changes

_STALE = "tracker.rollups.stale"
_PENDING = "tracker.rollups.pending"  # written rows not merged yet


@event.listens_for(Session, "after_flush")
def _note_orm_changes(session: Session, _context: Any) -> None:
    """A snapshot, post or participation added, changed or deleted through the ORM (a manual
    delete, a test factory) leaves its campaign to recompute before the transaction ends."""
    stale: set[int] = session.info.setdefault(_STALE, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Snapshot) and obj.campaign_id is not None:
            stale.add(obj.campaign_id)
    for obj in session.deleted:  # their snapshots go with them (ON DELETE CASCADE)
        if isinstance(obj, Post | Participation):
            stale.add(obj.campaign_id)


@event.listens_for(Session, "before_commit")
def _settle_before_commit(session: Session) -> None:
    settle(session)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_STALE, None)
    session.info.pop(_PENDING, None)


def settle(session: Session) -> None:
    """Flush pending ORM changes, merge the written rows still waiting, and recompute the
    campaigns whose history was rewritten (before reading, and before the commit)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    _merge_pending(session)
    stale = session.info.pop(_STALE, None)
    if stale:
        rebuild(session.connection(), stale)
