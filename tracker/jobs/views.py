"""Job pages: progress and result of one job (polled as JSON by static/jobs.js), and retry."""

from __future__ import annotations

import json
import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access import can_write, visible_campaigns_query
from ..db import get_session
from ..models import Campaign, ImportBatch, Job, Report
from . import handlers
from .registry import JobError
from .service import (
    MESSAGES,
    as_dict,
    reap_lost,
    reap_stale,
    recent_jobs,
    refresh_status,
    retry,
)

bp = Blueprint("jobs", __name__)

KIND_LABELS = {
    "recap": _l("Recap PDF"),
    "recap_batch": _l("Recaps"),
    "import": _l("Import"),
    "import_preview": _l("Import preview"),
}
RESULT_LABELS = {
    "created": _l("Rows created"),
    "updated": _l("Rows updated"),
    "unchanged": _l("Rows unchanged"),
    "rows": _l("Rows read"),
    "recaps": _l("Recaps rendered"),
    "errors": _l("Problems"),
}
# Where a recap can be downloaded, by the reporting blueprint's endpoint name.
REPORT_ENDPOINTS = ("reporting.report",)


@bp.context_processor
def _labels() -> dict:
    return {
        "kind_labels": {k: str(v) for k, v in KIND_LABELS.items()},
        "status_labels": {
            "queued": _("Queued"),
            "running": _("Running"),
            "done": _("Done"),
            "failed": _("Failed"),
        },
    }


def get_job_or_404(job_id: int) -> Job:
    """A job of the user's workspace; brand users see only the jobs they started."""
    job = get_session().get(Job, job_id)
    if job is None or job.workspace_id != current_user.workspace_id:
        abort(404)
    if current_user.role == "brand" and job.user_id != current_user.id:
        abort(404)
    return job


@bp.get("/jobs")
def index():
    """The workspace's recent jobs, newest first."""
    db = get_session()
    stale = reap_stale(db, stale_seconds=current_app.config["JOBS_STALE_SECONDS"])
    if stale + reap_lost(db, current_app, workspace_id=current_user.workspace_id):
        db.commit()
    user_id = current_user.id if current_user.role == "brand" else None
    jobs = recent_jobs(db, current_user.workspace_id, user_id=user_id)
    return render_template("jobs/index.html", jobs=[as_dict(j) for j in jobs])


@bp.get("/jobs/<int:job_id>")
def show(job_id: int):
    """One job: status, progress, result or error, and a retry button once it failed."""
    db = get_session()
    job = refresh_status(db, get_job_or_404(job_id))
    info = as_dict(job)
    return render_template(
        "jobs/show.html",
        job=info,
        kind_label=str(KIND_LABELS.get(job.kind, job.kind)),
        errors=_error_lines(job),
        subject=_subject(job),
        reports=_reports(info),
        result_items=_result_items(job, info["result"] or {}),
        report_url=_report_url,
    )


@bp.get("/jobs/<int:job_id>.json")
def status(job_id: int):
    """The job's status for polling."""
    job = refresh_status(get_session(), get_job_or_404(job_id))
    return as_dict(job)


@bp.post("/jobs/<int:job_id>/retry")
@can_write
def retry_job(job_id: int):
    """Queue a failed job again."""
    db = get_session()
    job = refresh_status(db, get_job_or_404(job_id))
    try:
        retry(db, job)
    except JobError as exc:
        flash(_(str(exc)))
        return redirect(url_for("jobs.show", job_id=job_id))
    db.commit()
    flash(_("The job was queued again."))
    return redirect(url_for("jobs.show", job_id=job_id))


def _error_lines(job: Job) -> list[str]:
    """The job's error in the reader's language, where it is made of our messages.

    Errors are stored in English (the API and the logs show them so); the importers', the
    queue's and the recaps' messages are matched to the template they were made from and
    translated here. A recap batch stores one problem a line, each translated on its own.
    """
    if not job.error:
        return []
    if job.kind in ("import", "import_preview"):
        from ..importers.messages import localise

        return [localise(job.error)]
    if job.kind == "recap_batch" and "\n" in job.error:  # a placeholder may span lines
        return [_translate(line) or line for line in job.error.splitlines() if line.strip()]
    return [_translate(job.error) or job.error]


def _translate(text: str) -> str | None:
    """`text` in the reader's language, or None when none of our messages made it."""
    for template, pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _(template, **match.groupdict())
    return None


def _result_items(job: Job, result: dict) -> list[tuple[str, object]]:
    """The result's figures to show, labelled; a recap's problems in the reader's language."""
    items = []
    for key, value in result.items():
        if key not in RESULT_LABELS or value in ([], None):
            continue
        if isinstance(value, list):
            if key == "errors" and job.kind in ("recap", "recap_batch"):
                value = [_translate(str(v)) or v for v in value]
            value = "; ".join(map(str, value))
        items.append((str(RESULT_LABELS[key]), value))
    return items


# The queue's and the recaps' messages as patterns: "%(seconds)s" matches any text.
_PATTERNS = [
    (
        template,
        re.compile(
            "".join(
                re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)"
                for i, piece in enumerate(re.split(r"%\((\w+)\)s", template))
            ),
            re.DOTALL,
        ),
    )
    for template in (*MESSAGES, *handlers.MESSAGES)
]


def _subject(job: Job) -> tuple[str, str] | None:
    """What the job is about, as (link text, URL): the campaign's recap page, or the import."""
    arguments = json.loads(job.arguments or "{}")
    if job.kind == "recap" and arguments.get("campaign_id"):
        campaign = _visible_campaign(int(arguments["campaign_id"]))
        if campaign is not None:
            return (
                _("Recap of %(campaign)s", campaign=campaign.name),
                url_for("reporting.recap", campaign_id=campaign.id),
            )
    if job.kind in ("import", "import_preview") and arguments.get("batch_id"):
        batch = get_session().get(ImportBatch, int(arguments["batch_id"]))
        campaign = _visible_campaign(batch.campaign_id) if batch is not None else None
        if campaign is not None and current_user.can_write:  # import pages are for writers
            return (
                _("Import of %(file)s (%(campaign)s)", file=batch.filename, campaign=campaign.name),
                url_for("imports.show", campaign_id=campaign.id, batch_id=batch.id),
            )
    return None


def _visible_campaign(campaign_id: int) -> Campaign | None:
    row = get_session().exec(visible_campaigns_query().where(Campaign.id == campaign_id)).first()
    return row[0] if row is not None else None


def _reports(info: dict) -> list[Report]:
    """Recaps a finished job produced, to link from its page."""
    ids = (info.get("result") or {}).get("report_ids") or []
    if not ids:
        return []
    from sqlmodel import select

    rows = get_session().exec(select(Report).where(Report.id.in_(ids)).order_by(Report.id)).all()
    return [r for r in rows if _report_visible(r)]


def _report_url(report: Report) -> str | None:
    for endpoint in REPORT_ENDPOINTS:
        if endpoint in current_app.view_functions:
            return url_for(endpoint, report_id=report.id)
    return None


def _report_visible(report: Report) -> bool:
    return _visible_campaign(report.campaign_id) is not None
