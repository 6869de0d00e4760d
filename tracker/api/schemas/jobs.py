from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from ...models import Job, Report
from .common import Schema
from .reports import ReportPublic


class JobProgress(Schema):
    done: int
    total: int | None


class JobPublic(Schema):
    """Queued work: poll `url` until `status` is done (see `reports`) or failed (see `error`)."""

    id: int
    kind: str = Field(description="recap, recap_batch, import, import_preview")
    status: Literal["queued", "running", "done", "failed"]
    progress: JobProgress
    error: str | None = Field(description="Why it failed, when it did.")
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any] | None = Field(description="What the job produced, once done.")
    reports: list[ReportPublic] = Field(
        description="The recaps a finished recap job kept (download each from its pdf_url)."
    )
    url: str = Field(description="This job, to poll.")

    @classmethod
    def of(cls, job: Job, reports: Iterable[Report] = ()) -> JobPublic:
        """The job, with the recaps of its result the caller may see."""
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            progress=JobProgress(done=job.progress_done, total=job.progress_total),
            error=job.error,
            attempts=job.attempts,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            result=json.loads(job.result) if job.result else None,
            reports=[ReportPublic.of(r) for r in reports],
            url=f"/api/v1/jobs/{job.id}",
        )
