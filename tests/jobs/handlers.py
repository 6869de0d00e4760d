"""Job handlers for the queue tests: real database work that can be made slow, or made to fail.

Workers load this module through TRACKER_JOB_MODULES=tests.jobs.handlers.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from tracker.jobs.registry import JobError, Progress, handler
from tracker.models import Job, Post
from tracker.results.service import SnapshotInput, write_snapshots

START = date(2026, 3, 1)


def fill_inputs(session: Session, campaign_id: int, days: int) -> list[SnapshotInput]:
    """One snapshot per post and day: views grow by 100 a day (post n starts at n)."""
    posts = session.exec(
        select(Post.id, Post.participation_id)
        .where(Post.campaign_id == campaign_id)
        .order_by(Post.id)
    ).all()
    return [
        SnapshotInput(
            campaign_id=campaign_id,
            participation_id=participation_id,
            post_id=post_id,
            captured_on=START + timedelta(days=day),
            source="queue_test",
            values={"views": n + 100 * (day + 1), "likes": day + 1},
        )
        for day in range(days)
        for n, (post_id, participation_id) in enumerate(posts)
    ]


@handler("test.snapshot_fill")
def snapshot_fill(
    session: Session,
    job: Job,
    progress: Progress,
    *,
    campaign_id: int,
    days: int,
    chunk: int = 100,
    pause: float = 0.0,
    pause_while_writing: float = 0.0,
    marker: str | None = None,
) -> dict[str, Any]:
    """Prepare the snapshots (slowly, like parsing a file), then write them in one transaction.

    `pause` slows the preparation, which takes no lock; `pause_while_writing` slows the write
    phase, and `marker` is a file created once half of the rows are written, uncommitted.
    """
    inputs = fill_inputs(session, campaign_id, days)
    steps = range(0, len(inputs), chunk)
    progress(0, 2 * len(inputs))
    for start in steps:
        if pause:
            time.sleep(pause)
        progress(min(start + chunk, len(inputs)))
    created = 0
    for start in steps:
        created += write_snapshots(session, inputs[start : start + chunk]).created
        progress(len(inputs) + min(start + chunk, len(inputs)))
        if marker and start + chunk >= len(inputs) // 2:
            Path(marker).touch()
        if pause_while_writing:
            time.sleep(pause_while_writing)
    return {"created": created}


@handler("test.fail_until")
def fail_until(
    session: Session, job: Job, progress: Progress, *, campaign_id: int, succeed_on: int
) -> dict[str, Any]:
    """Write one day of snapshots, then fail unless this is attempt `succeed_on` or later."""
    inputs = fill_inputs(session, campaign_id, 1)
    counts = write_snapshots(session, inputs)
    progress(1, 2)
    if job.attempts < succeed_on:
        raise JobError(f"Row 7, column 'Views': deliberate failure on attempt {job.attempts}.")
    progress(2, 2)
    return {"created": counts.created}
