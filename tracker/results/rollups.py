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
    import numpy as np
    import pandas as pd

    if frame.empty:
        return Rolled([], {}, {})
    keys = _keys(frame)
    fresh = ~frame["base"].to_numpy(dtype=bool)
    # Only the metrics some row carries: an export fills a few of the seventeen, and a
    # metric no row carries is empty in the result and changes no day. This keeps the
    # pandas temporaries (a few per row and metric) to the metrics there are.
    active = [m for m in COUNTS if m in frame and frame[m].notna().any()]
    if active:
        counts = frame[active].astype("Int64")
    else:  # still one column, so every scope has its row
        counts = pd.DataFrame({COUNTS[0]: pd.array([None] * len(frame), dtype="Int64")})
    code = _scope_code(keys)
    grouped = counts.groupby(code, sort=True)
    latest = grouped.last()  # one row per scope, in code order
    # Each carried value minus the scope's previous carried value: summed per day, the
    # changes give the campaign's as-of total on any day (a running sum).
    previous = grouped.ffill().groupby(code, sort=True).shift(1)
    change = counts - previous.fillna(0)
    day = pd.to_datetime(frame["captured_on"])
    summed = (
        change[fresh].groupby([keys[0][fresh], day.to_numpy()[fresh]], sort=True).sum(min_count=1)
    )
    days: dict[tuple[int, date], dict[str, int]] = {}
    for (cid, on), values in zip(summed.index, summed.itertuples(index=False), strict=True):
        days[(int(cid), pd.Timestamp(on).date())] = {
            m: int(v) for m, v in zip(counts.columns, values, strict=True) if not pd.isna(v)
        }

    last_days = pd.Series(day.to_numpy()).groupby(code, sort=True).max().dt.date.tolist()
    since = _since(frame, keys, fresh, day)
    revenue_now, revenue_parts = _revenue(frame, keys, fresh, day)

    first = np.unique(code, return_index=True)[1]  # each scope's first row, in code order
    scopes = zip(*(k[first].tolist() for k in keys), strict=True)
    empty = [None] * len(latest)
    columns = [
        latest[m].to_numpy(dtype=object, na_value=None).tolist() if m in active else empty
        for m in COUNTS
    ]
    current = []
    for i, (cid, pid, post) in enumerate(scopes):
        scope = (cid, None if pid == -1 else pid, None if post == -1 else post)
        row: dict[str, Any] = {
            "campaign_id": cid,
            "participation_id": scope[1],
            "post_id": scope[2],
            "last_captured_on": last_days[i],
        }
        for m, values in zip(COUNTS, columns, strict=True):
            row[m] = values[i]
        amount, currency, rate_on = revenue_now.get(scope, (None, None, None))
        row.update(revenue=amount, revenue_currency=currency, revenue_on=rate_on)
        for m, column in SINCE.items():
            row[column] = since[m].get(scope)
        current.append(row)
    return Rolled(current, days, dict(revenue_parts))


def _scope_code(keys: list[np.ndarray]) -> np.ndarray:
    """One integer per row for its scope: its post, else its participation, else its
    campaign (grouping by one integer costs a fraction of grouping by three)."""
    import numpy as np

    campaign, participation, post = keys
    return np.where(
        post >= 0, post * 3, np.where(participation >= 0, participation * 3 + 1, campaign * 3 + 2)
    )


def _scope_tuples(keys: list[np.ndarray], mask: np.ndarray) -> list[ScopeKey]:
    return [
        (int(c), None if p == -1 else int(p), None if q == -1 else int(q))
        for c, p, q in zip(keys[0][mask], keys[1][mask], keys[2][mask], strict=True)
    ]


def _since(
    frame: pd.DataFrame, keys: list[np.ndarray], fresh: np.ndarray, day: pd.Series
) -> dict[str, dict[ScopeKey, date]]:
    """First day each scope carried each event metric (stored days of base rows included)."""

    out: dict[str, dict[ScopeKey, date]] = {}
    base = ~fresh
    for metric, column in SINCE.items():
        firsts: dict[ScopeKey, date] = {}
        if column in frame and base.any():
            known = base & frame[column].notna().to_numpy()
            stored = frame[column].to_numpy()[known]
            for scope, value in zip(_scope_tuples(keys, known), stored, strict=True):
                firsts[scope] = as_date(value)
        if metric not in frame:
            out[metric] = firsts
            continue
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


def after_write(
    session: Session, inserted: Mapping[str, Sequence[Any]], changed: Iterable[int]
) -> None:
    """Keep the rollups right after `write_snapshots`: merge rows that only move scopes
    forward; a campaign whose history was rewritten (`changed`: rows replaced, or a row older
    than its scope's last capture) is recomputed once, before the transaction commits or the
    next read, however many batches the transaction writes.

    `inserted` is the new rows as columns (Snapshot column → values, in write order). They
    are merged in bulk: once `MERGE_ROWS` (or `MERGE_CELLS`) are waiting, or at `settle`
    (before a read or the commit), so many small writes in one transaction (the API's bulk
    endpoint, the demo) are merged once.
    """
    stale: set[int] = session.info.setdefault(_STALE, set())
    stale.update(changed)
    if not inserted.get("campaign_id"):
        return
    pending: _Pending = session.info.setdefault(_PENDING, _Pending())
    pending.add(inserted)
    if pending.rows >= MERGE_ROWS or pending.cells >= MERGE_CELLS:
        _make_ready(session, pending)


# Rows waiting to be merged. A merge moves the scopes it touches forward in memory
# (`_Merged`), the rollup tables are written once at `settle`; each merge costs about the
# same per scope whatever its rows, so an import merges several parts at once (200,000
# rows: 2 s less than one 50,000-row part at a time on 1M rows). `roll` holds a few
# temporaries per cell of its frame, so a file carrying many metrics merges sooner: at
# MERGE_CELLS (200,000 rows of 5 metrics and the 8 columns every frame has).
MERGE_ROWS = 200_000
MERGE_CELLS = 200_000 * 13
_MERGED_COLUMNS = (
    "campaign_id",
    "participation_id",
    "post_id",
    "captured_on",
    *kpi.METRIC_KEYS,
    "revenue_currency",
)
_SMALL = 1_000  # rows of a write kept as lists: a frame per form or API write costs more


class _Pending:
    """Written rows waiting to be merged (in write order), and what merges made of the
    rows before them (`merged`), not written yet."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []
        self.small: dict[str, list[Any]] = {name: [] for name in _MERGED_COLUMNS}
        self.rows = 0
        self.cells = 0  # of the frames' columns (only the metrics some row carries)
        self.ready: pd.DataFrame | None = None  # taken rows, for `merge_ready`
        self.merged = _Merged()

    def add(self, inserted: Mapping[str, Sequence[Any]]) -> None:
        n = len(inserted["campaign_id"])
        self.rows += n
        if n < _SMALL:
            for name in _MERGED_COLUMNS:
                self.small[name] += inserted[name]
            if len(self.small["campaign_id"]) >= _SMALL:
                self._compact()
            return
        self._compact()
        self._keep(_rows_frame(inserted))

    def _compact(self) -> None:
        if self.small["campaign_id"]:
            self._keep(_rows_frame(self.small))
            self.small = {name: [] for name in _MERGED_COLUMNS}

    def _keep(self, frame: pd.DataFrame) -> None:
        self.frames.append(frame)
        self.cells += frame.size

    def take(self) -> pd.DataFrame:
        """Every waiting row, history order (capture day, then write order); none wait after."""
        import pandas as pd

        self._compact()
        frames, self.frames, self.rows, self.cells = self.frames, [], 0, 0
        whole = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        del frames
        return whole.sort_values("captured_on", kind="stable", ignore_index=True)


def merge_ready(session: Session) -> None:
    """Roll the rows `after_write` made ready, in memory: no statement runs here, so the
    caller may call it while its insert of those rows is still running (an import's part is
    rolled while the database stores it)."""
    pending: _Pending | None = session.info.get(_PENDING)
    if pending is not None and pending.ready is not None:
        fresh, pending.ready = pending.ready, None
        stale: set[int] = session.info.setdefault(_STALE, set())
        stale.update(pending.merged.add(fresh))


def _make_ready(session: Session, pending: _Pending) -> None:
    """Take the waiting rows for `merge_ready`, leaving out the campaigns gone stale (their
    rebuild reads every row), and read what the merge needs from the database."""
    merge_ready(session)  # the rows made ready before, if nobody rolled them
    stale: set[int] = session.info.setdefault(_STALE, set())
    fresh = pending.take()
    if stale:
        fresh = fresh[~fresh["campaign_id"].isin(list(stale))]
    pending.merged.read(session.connection(), fresh)
    pending.ready = fresh


def _merge_pending(session: Session) -> None:
    """Merge every row `after_write` keeps, and store what the merges made."""
    pending: _Pending | None = session.info.get(_PENDING)
    if pending is None:
        return
    try:
        if pending.rows:
            _make_ready(session, pending)
        merge_ready(session)
    finally:
        session.info.pop(_PENDING, None)
    pending.merged.write(session.connection(), session.info.setdefault(_STALE, set()))


class _Merged:
    """The rollups of the scopes that merges moved forward, kept in memory until `write`.

    An import's parts each touch most of the campaign's posts: storing each part's merge
    would rewrite every post's current row once per part. Here each stored row is read
    once, moved forward part after part, and written once.
    """

    def __init__(self) -> None:
        self.current: dict[ScopeKey, dict[str, Any]] = {}  # scope → SnapshotCurrent row
        self.stored_ids: dict[ScopeKey, int] = {}  # the stored rows `current` replaces
        self.read_posts: set[int] = set()  # post scopes whose stored row was looked up
        self.read_campaigns: set[int] = set()  # the same for participation and campaign scopes
        self.days: dict[tuple[int, date], dict[str, int]] = {}
        self.revenue: dict[tuple[int, date, str, date], Decimal] = defaultdict(Decimal)

    def add(self, fresh: pd.DataFrame) -> set[int]:
        """Merge `fresh` (after `read`); return the campaigns it cannot move forward (a late
        row). Runs no statement."""
        import pandas as pd

        if fresh.empty:
            return set()
        keys = _keys(fresh)
        first_days = pd.Series(fresh["captured_on"].to_numpy()).groupby(keys, sort=False).min()
        late: set[int] = set()
        base = []
        for (cid, pid, post), first in zip(
            first_days.index.tolist(), first_days.tolist(), strict=True
        ):
            found = self.current.get(
                (cid, None if pid == -1 else pid, None if post == -1 else post)
            )
            if found is not None:
                base.append(found)
                if first.date() < found["last_captured_on"]:
                    late.add(cid)
        if late:
            self.forget(late)
            fresh = fresh[~fresh["campaign_id"].isin(list(late))]
            base = [found for found in base if found["campaign_id"] not in late]
            if fresh.empty:
                return late
        rolled = roll(pd.concat([_base_frame(base), fresh], ignore_index=True) if base else fresh)
        del fresh, base
        for row in rolled.current:
            self.current[(row["campaign_id"], row["participation_id"], row["post_id"])] = row
        for key, changes in rolled.days.items():
            total = self.days.setdefault(key, {})
            for metric, change in changes.items():
                total[metric] = total.get(metric, 0) + change
        for key, amount in rolled.revenue.items():
            self.revenue[key] += amount
        return late

    def forget(self, campaign_ids: set[int]) -> None:
        """Drop what was merged of these campaigns (they are rebuilt from their history)."""
        self.current = {s: r for s, r in self.current.items() if s[0] not in campaign_ids}
        self.stored_ids = {s: i for s, i in self.stored_ids.items() if s[0] not in campaign_ids}
        self.days = {k: v for k, v in self.days.items() if k[0] not in campaign_ids}
        for key in [k for k in self.revenue if k[0] in campaign_ids]:
            del self.revenue[key]

    def write(self, connection: Connection, skip: set[int]) -> None:
        """Store the merged rows, but those of `skip` (the campaigns to rebuild)."""
        if skip:
            self.forget(skip)
        table = SnapshotCurrent.__table__
        ids = list(self.stored_ids.values())
        for start in range(0, len(ids), 500):
            connection.execute(delete(table).where(table.c.id.in_(ids[start : start + 500])))
        rolled = Rolled(list(self.current.values()), self.days, dict(self.revenue))
        _write(connection, rolled, _take_stored_days(connection, rolled))

    def read(self, connection: Connection, fresh: pd.DataFrame) -> None:
        """Lock the campaigns `fresh` touches and bring the stored current rows of its
        scopes that no merge read yet: by post (an import's part covers a slice of a
        campaign's posts), and the few participation and campaign scopes of a campaign."""
        if fresh.empty:
            return
        _lock(connection, set(fresh["campaign_id"].unique().tolist()))
        table = SnapshotCurrent.__table__
        post_ids = fresh["post_id"]
        posts = sorted({int(p) for p in post_ids.dropna().unique().tolist()} - self.read_posts)
        found = []
        for start in range(0, len(posts), 500):
            found += connection.execute(
                select(table).where(table.c.post_id.in_(posts[start : start + 500]))
            ).all()
        wider = fresh["campaign_id"][post_ids.isna()].unique().tolist()
        wider = sorted({int(c) for c in wider} - self.read_campaigns)
        if wider:
            found += connection.execute(
                select(table).where(table.c.campaign_id.in_(wider), table.c.post_id.is_(None))
            ).all()
        self.read_posts.update(posts)
        self.read_campaigns.update(wider)
        for row in found:
            stored = row._asdict()
            scope = (row.campaign_id, row.participation_id, row.post_id)
            self.stored_ids[scope] = stored.pop("id")
            self.current[scope] = stored


def _keys(frame: pd.DataFrame) -> list[np.ndarray]:
    """Each row's scope as three integer arrays (-1 for no participation or post)."""
    return [
        frame["campaign_id"].astype("int64").to_numpy(),
        frame["participation_id"].fillna(-1).astype("int64").to_numpy(),
        frame["post_id"].fillna(-1).astype("int64").to_numpy(),
    ]


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


def _base_frame(stored: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Current rows (SnapshotCurrent columns) as the base rows of `roll`."""
    import pandas as pd

    def column(name: str) -> tuple[Any, ...]:
        return tuple(row[name] for row in stored)

    data: dict[str, Any] = {
        "campaign_id": list(column("campaign_id")),
        "participation_id": int_array(column("participation_id")),
        "post_id": int_array(column("post_id")),
        "captured_on": pd.to_datetime(pd.Series(column("last_captured_on"), dtype=object)),
        "base": True,
        "revenue": pd.Series(column("revenue"), dtype=object),
        "revenue_currency": pd.Series(column("revenue_currency"), dtype=object),
        "rate_on": pd.Series(column("revenue_on"), dtype=object),
    }
    for m in COUNTS:
        values = column(m)
        if values.count(None) != len(values):
            data[m] = int_array(values)
    for name in SINCE.values():
        data[name] = pd.Series(column(name), dtype=object)
    return pd.DataFrame(data)


def _rows_frame(rows: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """Written rows as a compact frame, in write order; a metric no row carries is left out
    (`roll` reads it as empty)."""
    import numpy as np
    import pandas as pd

    codes, days = pd.factorize(pd.Series(rows["captured_on"], dtype=object))  # a few days
    data: dict[str, Any] = {
        "campaign_id": np.asarray(rows["campaign_id"], dtype=np.int64),
        "participation_id": int_array(tuple(rows["participation_id"])),
        "post_id": int_array(tuple(rows["post_id"])),
        "captured_on": pd.to_datetime(pd.Series(days, dtype=object)).to_numpy()[codes],
        "base": False,
        "revenue": pd.Series(rows["revenue"], dtype=object),
        "revenue_currency": pd.Series(rows["revenue_currency"], dtype=object),
    }
    # A new row's revenue is converted at its own capture day (`roll` reads `rate_on` of base
    # rows only): left empty, it stays an object column like the stored rows' dates, and
    # joining the two frames converts nothing.
    data["rate_on"] = pd.Series([None] * len(codes), dtype=object)
    for m in COUNTS:
        values = tuple(rows[m])
        if values.count(None) != len(values):
            data[m] = int_array(values)
    return pd.DataFrame(data)


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
