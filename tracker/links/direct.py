"""One SQL statement run straight on the DBAPI, for the tracked-link redirect's click INSERT.

The redirect is the busiest route of the app, and its only database work is one INSERT. Run
through SQLAlchemy, the work around that INSERT (statement cache key, pool checkout and reset,
parameter and result wrapping, separate BEGIN and COMMIT) costs more than the database's own.
So the statement is compiled once, and each thread runs it on a connection it keeps for it, in
autocommit mode: a single statement is a transaction of its own, committed when it completes.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Executable


class _Held:
    """One thread's connection; a holder object, so the open ones can be tracked weakly."""

    __slots__ = ("dbapi", "__weakref__")

    def __init__(self, dbapi: Any) -> None:
        self.dbapi = dbapi

    def __del__(self) -> None:  # its thread ended
        self.close()

    def close(self) -> None:
        dbapi, self.dbapi = self.dbapi, None
        # Closing a broken connection may fail too; it is dropped all the same.
        with suppress(Exception):
            if dbapi is not None:
                dbapi.close()


class DirectStatement:
    """A Core statement compiled once for `engine`, executed on a per-thread DBAPI connection.

    The connection is taken from the engine's pool (so it has the engine's connect-time
    settings, and the pool's pre-ping where the engine does one), then detached from it: it is
    in autocommit mode and must never go back. It is closed when it fails, when the engine is
    disposed, or with its thread. Values are converted by the columns' own types, as Core would.
    """

    def __init__(self, engine: Engine, statement: Executable) -> None:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        self.engine = engine
        self.sql = compiled.string
        self._positions = compiled.positiontup if compiled.positional else None
        # Values the statement carries itself (literals, `column == 5`); the caller gives the rest.
        self._fixed = {
            name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required
        }
        self._converters = {
            name: convert
            for name, bind in compiled.binds.items()
            if (convert := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        self._local = threading.local()
        self._open: weakref.WeakSet[_Held] = weakref.WeakSet()
        self._lock = threading.Lock()
        event.listen(engine, "engine_disposed", self.close_all)

    def rows(self, values: Mapping[str, Any]) -> list[tuple]:
        """Execute with `values` (by bind name) and return the rows; committed on return."""
        params = self._parameters(values)
        retried = False
        while True:
            held = self._held()
            cursor = None
            try:
                cursor = held.dbapi.cursor()
                cursor.execute(self.sql, params)
                return cursor.fetchall()
            except BaseException as exc:
                dropped = self._is_disconnect(exc, held.dbapi, cursor)
                self._discard(held)
                # A connection the server dropped while it sat idle: once more on a fresh one
                # (pre-pinged by the pool), as the pool itself would have done at checkout.
                if retried or not dropped:
                    raise
                retried = True

    def close_all(self, *_args: Any) -> None:
        """Close every thread's connection (the engine was disposed); threads open new ones."""
        with self._lock:
            held = list(self._open)
            self._open.clear()
        for one in held:
            one.close()

    def _parameters(self, values: Mapping[str, Any]) -> Mapping[str, Any] | list[Any]:
        converted = {
            name: value if (convert := self._converters.get(name)) is None else convert(value)
            for name, value in {**self._fixed, **values}.items()
        }
        if self._positions is None:
            return converted
        return [converted[name] for name in self._positions]

    def _held(self) -> _Held:
        held = getattr(self._local, "held", None)
        if held is None or held.dbapi is None:
            pooled = self.engine.raw_connection()
            pooled.detach()
            self.engine.dialect.set_isolation_level(pooled.dbapi_connection, "AUTOCOMMIT")
            held = self._local.held = _Held(pooled.dbapi_connection)
            with self._lock:
                self._open.add(held)
        return held

    def _discard(self, held: _Held) -> None:
        self._local.held = None
        with self._lock:
            self._open.discard(held)
        held.close()

    def _is_disconnect(self, exc: BaseException, dbapi: Any, cursor: Any) -> bool:
        dialect = self.engine.dialect
        return isinstance(exc, dialect.loaded_dbapi.Error) and dialect.is_disconnect(
            exc, dbapi, cursor
        )
