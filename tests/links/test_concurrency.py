"""No lost writes: parallel clicks on a real server with two workers leave one row per redirect."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select

from tracker.links.loadtest import fire, serve
from tracker.models import Click

REQUESTS = 400
THREADS = 16


@pytest.mark.slow
def test_every_redirect_under_parallel_load_leaves_exactly_one_click_row(
    app, database_url, db_kind, linked
):
    # `app` has compiled the message catalogs already, so the two workers only read them.
    codes = [linked.lea.link_code, linked.noah.link_code]
    paths = [f"/l/{codes[i % 2]}" for i in range(REQUESTS)]

    with serve(database_url, workers=2) as port:
        result = fire(port, paths, threads=THREADS)

    assert result.errors == []
    assert result.redirects == REQUESTS
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(Click.id, Click.participation_id, Click.ua_class)).all()
        per_link = dict(
            conn.execute(
                select(Click.participation_id, func.count()).group_by(Click.participation_id)
            ).all()
        )
    engine.dispose()
    assert len(rows) == REQUESTS
    # Each redirect carried the id of its own row: no id twice, none missing.
    assert sorted(result.click_ids) == sorted(r.id for r in rows)
    assert per_link == {linked.lea.id: REQUESTS // 2, linked.noah.id: REQUESTS // 2}
    assert {r.ua_class for r in rows} == {"browser"}
