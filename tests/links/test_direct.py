"""The click INSERT's own connection: committed at once, never back in the pool, reopened when lost."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import bindparam, insert, literal, select

from tracker.db import make_engine
from tracker.links.direct import DirectStatement
from tracker.models import Click, Participation, utcnow


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _insert(participation_id: int):
    """INSERT … SELECT … RETURNING, like the redirect's; writes nothing for an unknown id."""
    click, part = Click.__table__, Participation.__table__
    source = select(
        part.c.id,
        literal(utcnow(), click.c.clicked_at.type),
        literal(utcnow().date(), click.c.day.type),
        literal("v" * 64),
        literal("browser"),
    ).where(part.c.id == participation_id)
    return (
        insert(click)
        .from_select(["participation_id", "clicked_at", "day", "visitor_hash", "ua_class"], source)
        .returning(click.c.id)
    )


def _count(engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(Click.id)).all())


def test_each_execution_is_committed_at_once(engine, linked):
    statement = DirectStatement(engine, _insert(linked.lea.id))

    [(first,)] = statement.rows({})
    [(second,)] = statement.rows({})

    assert second == first + 1
    assert _count(engine) == 2  # seen from another connection: committed
    assert statement.rows({}) != []


def test_bound_values_are_converted_by_the_column_types(engine, linked):
    click = Click.__table__
    moment = utcnow()
    values = ("clicked_at", "day", "visitor_hash", "ua_class")
    statement = DirectStatement(
        engine,
        insert(click)
        .from_select(
            ["participation_id", *values],
            select(
                literal(linked.lea.id),
                *(bindparam(name, type_=click.c[name].type) for name in values),
            ),
        )
        .returning(click.c.id),
    )

    [(click_id,)] = statement.rows(
        {"clicked_at": moment, "day": moment.date(), "visitor_hash": "h", "ua_class": "bot"}
    )

    with engine.connect() as conn:
        row = conn.execute(select(Click).where(Click.id == click_id)).one()
    assert (row.clicked_at, row.day, row.ua_class) == (moment, moment.date(), "bot")


def test_its_connection_is_not_a_pooled_one_and_pooled_ones_keep_their_transactions(engine, linked):
    statement = DirectStatement(engine, _insert(linked.lea.id))
    statement.rows({})
    held = statement._local.held.dbapi

    with engine.connect() as conn:
        assert conn.connection.dbapi_connection is not held
        conn.execute(_insert(linked.lea.id))
        conn.rollback()

    assert _count(engine) == 1


def test_a_lost_connection_is_replaced_and_the_statement_runs_once(engine, linked):
    statement = DirectStatement(engine, _insert(linked.lea.id))
    statement.rows({})
    statement._local.held.dbapi.close()  # as a server restart or an idle timeout would

    assert statement.rows({}) != []
    assert _count(engine) == 2


def test_an_error_is_raised_and_the_next_execution_gets_a_new_connection(engine, linked):
    statement = DirectStatement(engine, _insert(linked.lea.id))
    statement.rows({})
    first = statement._local.held
    statement.sql = "INSERT INTO no_such_table VALUES (1)"

    with pytest.raises(Exception, match="no_such_table"):
        statement.rows({})

    assert first.dbapi is None  # closed, not reused
    statement.sql = DirectStatement(engine, _insert(linked.lea.id)).sql
    assert statement.rows({}) != []
    assert _count(engine) == 2


def test_disposing_the_engine_closes_the_connections_and_work_goes_on(engine, linked):
    statement = DirectStatement(engine, _insert(linked.lea.id))
    statement.rows({})
    held = statement._local.held

    engine.dispose()

    assert held.dbapi is None
    assert statement.rows({}) != []
    assert _count(engine) == 2


def test_each_thread_has_its_own_connection(engine, linked):
    statement = DirectStatement(engine, _insert(linked.lea.id))
    connections = []

    def click() -> None:
        statement.rows({})
        connections.append(statement._local.held.dbapi)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(connections) == 2 and connections[0] is not connections[1]
    assert _count(engine) == 2
