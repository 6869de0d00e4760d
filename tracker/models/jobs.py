"""Long work (recaps, large imports) run as jobs: on RQ workers with Redis, in-process without."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from .base import one_of, utcnow

JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(SQLModel, table=True):
    """One unit of long work: what to do, how far it got, and what came of it.

    The row is the source of truth the web app polls; Redis only carries the job id to a
    worker. `heartbeat_at` is refreshed while a worker runs the job, so a job whose worker
    died (SIGKILL, lost machine) is recognised by its stale heartbeat and can be retried.
    While a retried job waits in the queue, `heartbeat_at` is when it was queued again.
    """

    __table_args__ = (
        one_of("status", JOB_STATUSES, "status"),
        Index("ix_job_status_heartbeat", "status", "heartbeat_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    kind: str = Field(max_length=40)
    # JSON: keyword arguments of the handler, and what it produced (report ids, import counts).
    arguments: str = Field(
        default="{}", sa_column=Column(Text, nullable=False, server_default="{}")
    )
    result: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="queued", max_length=16)
    progress_done: int = 0
    progress_total: int | None = None
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    attempts: int = 0
    worker: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    heartbeat_at: datetime | None = None
    finished_at: datetime | None = None
