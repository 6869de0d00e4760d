"""Queued work (`GET /jobs/{job_id}`): any job kind of the caller's workspace, polled until done.

A queued recap (202 from POST /campaigns/{campaign_id}/reports) is the API's only queued work
so far, hence the "reports" tag.
"""

from __future__ import annotations

import json
from typing import Any

from flask_login import current_user
from sqlmodel import select

from ..access import visible_campaigns_query
from ..db import get_session
from ..jobs.service import refresh_status
from ..models import Campaign, Job, Report
from .blueprint import api
from .errors import not_found
from .schemas.jobs import JobPublic


@api.loader("job_id", "job")
def _job(job_id: int) -> Job:
    """A job of the caller's workspace; a brand user sees only the jobs they started."""
    job = get_session().get(Job, job_id)
    if (
        job is None
        or job.workspace_id != current_user.workspace_id
        or (current_user.role == "brand" and job.user_id != current_user.id)
    ):
        raise not_found("job")
    return job


def job_public(job: Job) -> JobPublic:
    """The job as the API shows it, with the recaps it kept that the caller may read."""
    result = json.loads(job.result) if job.result else None
    return JobPublic.of(job, _visible_reports((result or {}).get("report_ids")))


def _visible_reports(ids: Any) -> list[Report]:
    if not ids:
        return []
    rows = get_session().exec(
        select(Report)
        .where(Report.id.in_([int(i) for i in ids]))
        .where(Report.campaign_id.in_(visible_campaigns_query().with_only_columns(Campaign.id)))
        .order_by(Report.id)
    )
    return list(rows.all())


@api.get(
    "/jobs/<int:job_id>",
    response=JobPublic,
    summary="Read a queued job: status, progress, then its result or error",
    tag="reports",
    description="A queued recap (202 from POST /campaigns/{campaign_id}/reports) is polled "
    "here. A job whose worker stopped answering, or that the queue lost, is reported failed; "
    "retry it from the web app's job page, or ask for the recap again.",
)
def get_job(job: Job) -> JobPublic:
    return job_public(refresh_status(get_session(), job))
