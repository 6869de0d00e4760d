"""Recap PDFs: render one (now, or as a job when a queue is configured), list, download.

Also the job a queued recap became (`GET /jobs/{job_id}`): it lives here because recaps are
the API's only queued work so far; it reads any job kind of the caller's workspace.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from flask import Response, current_app, send_file
from flask_login import current_user
from pydantic import Field
from sqlmodel import SQLModel, select

from .. import reporting
from ..access import visible_campaigns_query
from ..db import get_session
from ..jobs.service import state
from ..models import Campaign, Job, Report
from ..reporting.files import report_path
from ..reporting.jobs import enqueue_recap
from . import auditing
from .blueprint import api
from .errors import ApiError, json_response, not_found
from .pages import paginate
from .schemas.common import ListQuery
from .schemas.reports import ReportCreate, ReportPage, ReportPublic


class JobProgress(SQLModel):
    done: int
    total: int | None


class JobPublic(SQLModel):
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
    def of(cls, job: Job) -> JobPublic:
        result = json.loads(job.result) if job.result else None
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
            result=result,
            reports=[
                ReportPublic.of(r) for r in _visible_reports((result or {}).get("report_ids"))
            ],
            url=f"/api/v1/jobs/{job.id}",
        )


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


@api.post(
    "/campaigns/<int:campaign_id>/reports",
    body=ReportCreate,
    response=ReportPublic,
    status=201,
    summary="Render the campaign's recap PDF and keep it (now, or as a queued job)",
    tag="reports",
    description="Without a job queue the recap is rendered during the request (a few "
    "seconds) and answered 201 with the report; a missing exchange rate answers 409 naming "
    "the pair and date. When the server has a job queue (REDIS_URL), the recap is queued "
    "instead: the answer is **202** with a Job (see GET /jobs/{job_id}), its URL also in "
    "the Location header; poll it until `status` is `done` (the report is in `reports`) or "
    "`failed` (`error` says why, e.g. the missing rate). The recap has the dashboard's figures.",
)
def create_report(campaign: Campaign, body: ReportCreate) -> ReportPublic | Response:
    db = get_session()
    if state().mode == "rq":
        job = enqueue_recap(
            db,
            campaign,
            body.locale,
            workspace_id=current_user.workspace_id,
            user_id=current_user.id,
        )
        auditing.record("create", "job", job.id, {"kind": job.kind, "campaign_id": campaign.id})
        accepted = JobPublic.of(job)
        response = json_response(accepted.model_dump(mode="json"), 202)
        response.headers["Location"] = accepted.url
        return response
    report = reporting.write_recap(
        db,
        campaign,
        body.locale,
        reports_dir=current_app.config["TRACKER_REPORTS_DIR"],
        created_by=current_user.id,
    )
    auditing.record(
        "create", "report", report.id, {"campaign_id": campaign.id, "file": report.filename}
    )
    return ReportPublic.of(report)


@api.get(
    "/campaigns/<int:campaign_id>/reports",
    query=ListQuery,
    response=ReportPage,
    summary="List the campaign's recaps, newest first",
    tag="reports",
)
def list_reports(campaign: Campaign, query: ListQuery) -> ReportPage:
    rows = (
        select(Report)
        .where(Report.campaign_id == campaign.id)
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    return paginate(rows, query, ReportPage, ReportPublic.of)


@api.get(
    "/reports/<int:report_id>",
    response=ReportPublic,
    summary="Read a recap's details",
    tag="reports",
)
def get_report(report: Report) -> ReportPublic:
    return ReportPublic.of(report)


@api.get(
    "/reports/<int:report_id>/pdf",
    summary="Download a recap PDF",
    tag="reports",
    media_type="application/pdf",
)
def download_report(report: Report):
    path = report_path(current_app.config["TRACKER_REPORTS_DIR"], report)
    if path is None:
        raise ApiError(404, "The recap's file is no longer on the server.")
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=report.filename,
        max_age=0,
    )


@api.get(
    "/jobs/<int:job_id>",
    response=JobPublic,
    summary="Read a queued job: status, progress, then its result or error",
    tag="reports",
    description="A queued recap (202 from POST /campaigns/{campaign_id}/reports) is polled "
    "here. A job whose worker stopped answering is reported failed; retry it from the web "
    "app's job page, or ask for the recap again.",
)
def get_job(job: Job) -> JobPublic:
    from ..jobs.service import refresh_status

    return JobPublic.of(refresh_status(get_session(), job))
