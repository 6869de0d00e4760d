"""Recap PDFs: render one now (tracker.reporting), list them, download them."""

from __future__ import annotations

from flask import current_app, send_file
from flask_login import current_user
from sqlmodel import select

from .. import reporting
from ..db import get_session
from ..models import Campaign, Report
from ..reporting.files import report_path
from . import auditing
from .blueprint import api
from .errors import ApiError
from .pages import paginate
from .schemas.common import ListQuery
from .schemas.reports import ReportCreate, ReportPage, ReportPublic


@api.post(
    "/campaigns/<int:campaign_id>/reports",
    body=ReportCreate,
    response=ReportPublic,
    status=201,
    summary="Render the campaign's recap PDF now and keep it",
    tag="reports",
    description="Rendering takes a few seconds. The recap has the dashboard's figures; a "
    "missing exchange rate answers 409 naming the pair and date.",
)
def create_report(campaign: Campaign, body: ReportCreate) -> ReportPublic:
    report = reporting.write_recap(
        get_session(),
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
