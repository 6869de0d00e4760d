"""Whether the data changed since a page was computed: a counter every committed write moves.

Every engine the app makes (tracker.db.make_engine) notes, per connection, whether the
transaction wrote; its commit then adds one to `data_version.n` in the same transaction, so
the counter and the data change together. A write path that goes around SQLAlchemy's
execution (a raw cursor) calls `mark_written`.

Clicks are the exception: the redirect inserts them on its own autocommit connection, one per
visitor, and bumping a shared row there would serialise every click. `current` adds what
shows a committed click instead:

* On SQLite, the highest click id: one writer at a time, so ids commit in the order taken.
* On PostgreSQL, ids are taken in one order and may commit in another (a click waiting on a
  lock commits after a later one), so the highest id can stay put while a click lands. The
  server's current snapshot (`pg_current_snapshot()`: which transactions are finished) moves
  with every commit of a transaction that wrote, in this database or another of the server.

A cached figure is therefore never older than the data: a reader takes the version first and
the figures after it, so what it caches is at least as new as the key it caches it under.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

# Statements that change data; anything else (SELECT, PRAGMA, SAVEPOINT…) leaves it alone.
_WRITES = frozenset(
    {"INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "TRUNCATE", "COPY", "WITH"}
    | {"CREATE", "ALTER", "DROP"}
)
_WROTE = "tracker.data_version.wrote"
_BUMP = "UPDATE data_version SET n = n + 1 WHERE id = 1"
_N = "SELECT n FROM data_version WHERE id = 1"
_CURRENT = {
    "sqlite": text(f"SELECT ({_N}), (SELECT max(id) FROM click)"),
    "postgresql": text(f"SELECT ({_N}), CAST(pg_current_snapshot() AS text)"),
}

Version = tuple[int, int | str | None]


def watch(engine: Engine) -> None:
    """Move the counter on every commit of a transaction that wrote, on this engine."""
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "commit", _bump)
    event.listen(engine, "rollback", _forget)


def mark_written(connection: Connection) -> None:
    """Note a write made on the connection's DBAPI cursor, out of SQLAlchemy's sight."""
    connection.info[_WROTE] = True


def current(session: Session) -> Version | None:
    """The data's version as this session sees it; None where the counter's row is missing
    (a database emptied by hand): nothing may then be cached."""
    n, clicks = session.execute(_CURRENT[session.get_bind().dialect.name]).one()
    return None if n is None else (int(n), clicks)


def _note_write(
    conn: Connection, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any
) -> None:
    if not conn.info.get(_WROTE):
        words = statement[:40].lstrip().split(None, 1)  # a bulk INSERT may be megabytes
        if words and words[0].upper() in _WRITES:
            conn.info[_WROTE] = True


def _bump(conn: Connection) -> None:
    # Runs just before the DBAPI commit: on the raw cursor, inside the transaction it closes.
    if conn.info.pop(_WROTE, False):
        cursor = conn.connection.cursor()
        try:
            cursor.execute(_BUMP)
        finally:
            cursor.close()


def _forget(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)
