"""Posts and metric snapshots, written with the snapshot semantics of KPI.md.

A snapshot is keyed by (scope, captured_on, source): writing the same values again changes
nothing, writing new values for the same key replaces them (a later export of the same day),
and a different source or day adds a row, so the post's history shows every source.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from .. import data_version
from ..kpi import METRIC_KEYS
from ..models import Participation, Post, Snapshot, utcnow
from . import rollups
from .background import BackgroundWrite

SNAPSHOT_VALUE_COLUMNS = (*METRIC_KEYS, "revenue_currency")
_METRIC_SET = frozenset(METRIC_KEYS)
MONEY_PLACES = Decimal("0.0001")  # Snapshot.revenue is ExactDecimal(18, 4)
Key = tuple[int, int | None, int | None, date, str]


class SnapshotInput(NamedTuple):
    """One snapshot to write. A named tuple, not a dataclass: an import makes one per row,
    and a frozen dataclass costs three times as much to create."""

    campaign_id: int
    captured_on: date
    source: str
    values: Mapping[str, int | Decimal | None]
    participation_id: int | None = None
    post_id: int | None = None
    revenue_currency: str | None = None

    @property
    def key(self) -> Key:
        return _key(self)


def _check_metric_keys(keys: Iterable[str]) -> None:
    unknown = set(keys) - _METRIC_SET
    if unknown:
        raise ValueError(f"unknown metric keys: {', '.join(sorted(unknown))}")


def _money(value: Any) -> Decimal:
    """Revenue kept as stored (4 places, half to even), so the same file again compares equal."""
    return Decimal(value).quantize(MONEY_PLACES)


# (campaign_id, participation_id, post_id, captured_on, source), picked in C.
_key = operator.itemgetter(0, 4, 5, 1, 2)


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[tuple[Key, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    def add(self, other: WriteCounts, *, changes_up_to: int = 0) -> None:
        """Add another batch's counts; keep its changes while fewer than `changes_up_to`."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        room = changes_up_to - len(self.changes)
        if room > 0:
            self.changes += other.changes[:room]


def add_post(
    session: Session,
    *,
    participation: Participation,
    url: str,
    url_key: str,
    posted_at: datetime | None = None,
    is_paid: bool = False,
    title: str = "",
    external_id: str | None = None,
) -> Post:
    post = Post(
        campaign_id=participation.campaign_id,
        participation_id=participation.id,
        platform=participation.platform,
        url=url.strip(),
        url_key=url_key,
        posted_at=posted_at,
        is_paid=is_paid,
        title=title.strip()[:500],
        external_id=external_id,
    )
    session.add(post)
    session.flush()
    return post


@dataclass(frozen=True, slots=True)
class SnapshotColumns:
    """Many snapshots as columns, one value per row in each list: how a bulk import hands a
    part of a file over (a million rows need no SnapshotInput and no dict each).

    `values` holds the metrics some row carries (None where a row has none); a row that
    carries no metric at all is still a snapshot to write, as a SnapshotInput with no values.
    """

    campaign_id: list[int]
    participation_id: list[int | None]
    post_id: list[int | None]
    captured_on: list[date]
    source: list[str]
    values: dict[str, list[int | Decimal | None]]
    revenue_currency: list[str | None]

    @classmethod
    def of(cls, inputs: Sequence[SnapshotInput]) -> SnapshotColumns:
        values = [i.values for i in inputs]
        metrics = set().union(*values)
        _check_metric_keys(metrics)
        return cls(
            [i.campaign_id for i in inputs],
            [i.participation_id for i in inputs],
            [i.post_id for i in inputs],
            [i.captured_on for i in inputs],
            [i.source for i in inputs],
            {m: [v.get(m) for v in values] for m in METRIC_KEYS if m in metrics},
            [i.revenue_currency for i in inputs],
        )

    def __len__(self) -> int:
        return len(self.campaign_id)

    def keys(self) -> list[Key]:
        return list(
            zip(
                self.campaign_id,
                self.participation_id,
                self.post_id,
                self.captured_on,
                self.source,
                strict=True,
            )
        )

    def take(self, rows: Sequence[int]) -> SnapshotColumns:
        """These rows only, in this order."""

        def pick(values: list[Any]) -> list[Any]:
            return [values[i] for i in rows]

        return SnapshotColumns(
            pick(self.campaign_id),
            pick(self.participation_id),
            pick(self.post_id),
            pick(self.captured_on),
            pick(self.source),
            {m: pick(v) for m, v in self.values.items()},
            pick(self.revenue_currency),
        )

    def row(self, i: int) -> dict[str, Any]:
        """Row `i`'s values as stored: every metric, revenue rounded, its currency if any."""
        row = {k: None for k in METRIC_KEYS}
        for metric, values in self.values.items():
            row[metric] = values[i]
        if row["revenue"] is not None:
            row["revenue"] = _money(row["revenue"])
        row["revenue_currency"] = self.revenue_currency[i] if row["revenue"] is not None else None
        return row


def _existing(session: Session, block: SnapshotColumns) -> dict[Key, tuple[int, dict[str, Any]]]:
    columns = [getattr(Snapshot, c) for c in SNAPSHOT_VALUE_COLUMNS]
    rows = session.exec(
        select(
            Snapshot.id,
            Snapshot.campaign_id,
            Snapshot.participation_id,
            Snapshot.post_id,
            Snapshot.captured_on,
            Snapshot.source,
            *columns,
        ).where(
            Snapshot.campaign_id.in_(set(block.campaign_id)),
            Snapshot.captured_on.in_(set(block.captured_on)),
            Snapshot.source.in_(set(block.source)),
        )
    ).all()
    return {
        tuple(r[1:6]): (r[0], dict(zip(SNAPSHOT_VALUE_COLUMNS, r[6:], strict=True))) for r in rows
    }


def plan_snapshots(
    session: Session, inputs: Iterable[SnapshotInput] | SnapshotColumns
) -> tuple[WriteCounts, Columns, list]:
    """What writing `inputs` would create, update or leave alone, without writing anything.

    The rows to create come back as columns (name → list of values, `_INSERT_COLUMNS` but
    `import_id`): a million-row import goes from here to the database and the rollups
    without a dict per row.
    """
    if isinstance(inputs, SnapshotColumns):
        block = inputs
        _check_metric_keys(block.values)
    else:
        block = SnapshotColumns.of(list(inputs))
    keys = block.keys()
    last = dict(zip(keys, range(len(keys)), strict=True))  # a key twice: the later row wins
    if len(last) != len(keys):
        rows = sorted(last.values())
        block, keys = block.take(rows), [keys[i] for i in rows]
    del last
    existing = _existing(session, block) if keys else {}
    counts = WriteCounts()
    to_update = []
    now = utcnow()
    if existing:
        created = []
        for i, key in enumerate(keys):
            found = existing.get(key)
            if found is None:
                created.append(i)
                continue
            row = block.row(i)
            if _same(found[1], row):
                counts.unchanged += 1
            else:
                counts.updated += 1
                counts.changes.append((key, found[1], row))
                to_update.append({"_id": found[0], "recorded_at": now, **row})
        if len(created) != len(keys):
            block = block.take(created)
    counts.created = len(block)
    return counts, _columns(block, now), to_update


Columns = dict[str, list[Any]]


def _columns(block: SnapshotColumns, now: datetime) -> Columns:
    """New snapshot rows as columns, values as `SnapshotColumns.row` gives them."""
    n = len(block)
    columns: Columns = {
        "campaign_id": block.campaign_id,
        "participation_id": block.participation_id,
        "post_id": block.post_id,
        "captured_on": block.captured_on,
        "source": block.source,
        "recorded_at": [now] * n,
    }
    empty = [None] * n
    for metric in METRIC_KEYS:
        columns[metric] = block.values.get(metric, empty)
    revenue = columns["revenue"]
    if revenue.count(None) == n:
        columns["revenue_currency"] = empty
    else:
        columns["revenue"] = [None if r is None else _money(r) for r in revenue]
        columns["revenue_currency"] = [
            None if r is None else c for r, c in zip(revenue, block.revenue_currency, strict=True)
        ]
    return columns


def _same(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    return all(
        (old[k] is None and new[k] is None)
        or (old[k] is not None and new[k] is not None and old[k] == new[k])
        for k in SNAPSHOT_VALUE_COLUMNS
    )


def write_snapshots(
    session: Session,
    inputs: Iterable[SnapshotInput],
    import_id: int | None = None,
    *,
    background: BackgroundWrite | None = None,
) -> WriteCounts:
    """Create or replace snapshots in bulk (Core statements, never one ORM object per row),
    and keep the rollups the pages read (tracker/results/rollups.py) in the same transaction.

    With `background`, a bulk insert runs in its thread and this returns before it ends: the
    caller must `background.wait()` before its next statement (tracker/results/background.py).
    """
    counts, to_insert, to_update = plan_snapshots(session, inputs)
    table = Snapshot.__table__
    if to_update:
        for row in to_update:
            row["import_id"] = import_id
        values = {c: bindparam(c) for c in (*SNAPSHOT_VALUE_COLUMNS, "recorded_at", "import_id")}
        session.connection().execute(
            update(table).where(table.c.id == bindparam("_id")).values(values), to_update
        )
    session.flush()
    # The rollups' statements (reads of their own tables) run before the insert, which may
    # still be running when this returns; the rows are rolled in memory while it runs.
    rollups.after_write(session, to_insert, {key[0] for key, _old, _new in counts.changes})
    if counts.created:
        to_insert["import_id"] = [import_id] * counts.created
        connection = session.connection()
        if counts.created < BULK_FROM_ROWS:
            names = list(to_insert)
            session.execute(
                insert(table),
                [
                    dict(zip(names, row, strict=True))
                    for row in zip(*to_insert.values(), strict=True)
                ],
            )
        else:
            prepare = _copy_rows if connection.dialect.name == "postgresql" else _executemany_rows
            send = prepare(connection, to_insert)  # the rows made ready here, sent by `send`
            del to_insert
            # SQLite's executemany takes the GIL back for every row: next to the importer's
            # Python it ran twice as slow (measured), so only PostgreSQL's COPY, which waits
            # on the server, runs in the background.
            if background is None or connection.dialect.name == "sqlite":
                send()
            else:
                background.start(send)
    rollups.merge_ready(session)
    return counts


# From this many new rows on, they go through the DBAPI cursor: COPY on PostgreSQL (~4x
# faster than the multi-row INSERTs SQLAlchemy sends), executemany of tuples on SQLite
# (PERF.md: Core with dicts ~140k rows/s, raw executemany ~500k rows/s).
BULK_FROM_ROWS = 1_000
_INSERT_COLUMNS = (
    "campaign_id",
    "participation_id",
    "post_id",
    "captured_on",
    "source",
    "recorded_at",
    "import_id",
    *SNAPSHOT_VALUE_COLUMNS,
)


def _filled(columns: Columns) -> list[str]:
    """The columns to send: one that is NULL on every row is left to its default (NULL),
    which spares binding it on every row (most exports fill 5 of the 17 metrics)."""
    n = len(columns["campaign_id"])
    return [c for c in _INSERT_COLUMNS if columns[c].count(None) != n]


def _bound(connection: Connection, name: str, values: list[Any]) -> list[Any]:
    """A column's values as SQLAlchemy would bind them (its type's bind processor), each
    distinct value converted once: days, sources and the write time repeat on every row."""
    process = Snapshot.__table__.c[name].type._cached_bind_processor(connection.dialect)
    if process is None:
        return values
    done = {v: process(v) for v in set(values) if v is not None}
    return [None if v is None else done[v] for v in values]


def _copy_rows(connection: Connection, columns: Columns) -> Callable[[], None]:
    """COPY new snapshot rows in the session's own transaction (rolled back with it).

    The rows are written out here as COPY's text format, column by column; the returned
    call sends them in one piece and waits for the server, holding no Python lock meanwhile
    (it may run in a thread while the importer reads on: tracker/results/background.py).
    """
    names = _filled(columns)
    text = [_copy_text(name, columns[name], connection) for name in names]
    data = "".join(f"{line}\n" for line in map("\t".join, zip(*text, strict=True))).encode()
    del text

    def copy(cursor: Any) -> None:
        with cursor.copy(f"COPY snapshot ({', '.join(names)}) FROM STDIN") as stream:
            stream.write(data)

    return _on_cursor(connection, "COPY snapshot", copy)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(name: str, values: list[Any], connection: Connection) -> list[str]:
    """One column as COPY text: NULL is \\N, each distinct value formatted once."""
    if name == "revenue":  # rounded as every other write of money rounds it
        values = _bound(connection, name, values)
    done: dict[Any, str] = {None: "\\N"}
    for value in set(values) - {None}:
        if isinstance(value, str):
            done[value] = value.translate(_COPY_ESCAPES)
        elif isinstance(value, Decimal):
            done[value] = format(value, "f")
        else:  # int, date, datetime (str() is a form PostgreSQL reads)
            done[value] = str(value)
    return [done[v] for v in values]


def _executemany_rows(connection: Connection, columns: Columns) -> Callable[[], None]:
    """INSERT new rows as tuples on the session's own connection, values stored exactly as
    SQLAlchemy stores them (each column type's own bind processor). The rows are made
    ready here; the returned call runs the insert."""
    names = _filled(columns)
    rows = list(zip(*(_bound(connection, name, columns[name]) for name in names), strict=True))
    sql = f"INSERT INTO snapshot ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    return _on_cursor(connection, sql, lambda cursor: cursor.executemany(sql, rows))


def _on_cursor(
    connection: Connection, statement: str, run: Callable[[Any], None]
) -> Callable[[], None]:
    """The call that runs `run` on a cursor of the connection's own DBAPI connection, its
    errors raised as SQLAlchemy's (the same exceptions as any other write)."""
    dialect = connection.dialect
    data_version.mark_written(connection)

    def send() -> None:
        cursor = connection.connection.cursor()
        try:
            run(cursor)
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                statement, None, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc
        finally:
            cursor.close()

    return send


def record_snapshot(session: Session, item: SnapshotInput) -> WriteCounts:
    return write_snapshots(session, [item])
