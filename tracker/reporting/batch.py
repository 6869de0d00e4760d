"""Render many recaps in a recycled worker process.

WeasyPrint's memory grows ~40 MB per render in one process (PERF.md), so a batch runs
its renders in a child process that is replaced every few recaps instead of in the
caller. Each recap is committed on its own: one missing exchange rate costs one file,
not the batch.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy.engine import Engine

RECYCLE_AFTER = 8


@dataclass(frozen=True)
class BatchResult:
    campaign_id: int
    campaign: str
    report_id: int | None = None
    filename: str | None = None
    error: str | None = None


@lru_cache(maxsize=2)
def _engine(database_url: str) -> Engine:
    from ..db import make_engine

    return make_engine(database_url)


def render_one(
    database_url: str, campaign_id: int, locale: str | None, reports_dir: str, today: date
) -> BatchResult:
    """Render and keep one campaign's recap; errors come back as text, never raised."""
    from ..currency import MissingRateError
    from ..db import session_scope
    from ..models import Campaign
    from . import write_recap

    with session_scope(_engine(database_url)) as session:
        campaign = session.get(Campaign, campaign_id)
        if campaign is None:
            return BatchResult(campaign_id, f"#{campaign_id}", error="campaign not found")
        try:
            report = write_recap(session, campaign, locale, reports_dir=reports_dir, today=today)
        except MissingRateError as exc:
            session.rollback()
            return BatchResult(campaign_id, campaign.name, error=str(exc))
        return BatchResult(campaign_id, campaign.name, report.id, report.filename)


def render_many(
    database_url: str,
    campaign_ids: Sequence[int],
    *,
    locale: str | None,
    reports_dir: str,
    today: date | None = None,
    workers: int = 1,
    recycle_after: int = RECYCLE_AFTER,
) -> Iterator[BatchResult]:
    """Yield one result per campaign, in order, as each recap is written."""
    day = today or date.today()
    context = multiprocessing.get_context("spawn")  # a clean child: no inherited engine or locks
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, max_tasks_per_child=recycle_after
    ) as pool:
        futures = [
            pool.submit(render_one, database_url, cid, locale, reports_dir, day)
            for cid in campaign_ids
        ]
        for future in futures:
            yield future.result()
