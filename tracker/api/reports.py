"""Recap PDFs: render one (now, or as a job when a queue is configured), list, download.

The job a queued recap became is read at `GET /jobs/{job_id}` (jobs.py).
"""

from __future__ import annotations

from flask import Response, current_app, send_file
from flask_login import current_user
from sqlmodel import select

from .. import reporting
from ..db import get_session
from ..jobs.service import state
from ..models import Campaign, Report
from ..reporting.files import report_path
from ..reporting.jobs import enqueue_recap
from . import auditing
from .blueprint import api
from .errors import ApiError, json_response
from .pages import paginate
from .registry import Success
from .schemas.common import ListQuery
from .schemas.jobs import JobPublic
from .schemas.reports import ReportCreate, ReportPage, ReportPublic


@api.post(
    "/campaigns/<int:campaign_id>/reports",
    body=ReportCreate,
    response=ReportPublic,
    status=201,
    other_successes={
        202: Success(
            "Queued (the server has a job queue): the Job to poll, its URL also in the "
            "Location header.",
            JobPublic,
        )
    },
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
