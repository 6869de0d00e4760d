"""The built-in job kinds: recaps (one or many campaigns) and large imports.

Each handler imports its heavy modules (WeasyPrint, pandas parsing) when it runs, never at
app start-up, so registering them costs nothing.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlmodel import Session

from ..models import Brand, Campaign, Job
from .registry import JobError, Progress, handler
from .service import N_

# A recap's problems, stored in English (result["errors"], or the error of a job that rendered
# nothing); the job page translates them (views._error_lines).
NOT_FOUND = N_("Campaign #%(id)s was not found.")
NO_RATE = N_(
    "%(campaign)s: no exchange rate from %(base)s to %(quote)s on or before %(date)s; add it, "
    "then retry."
)
MESSAGES = (NOT_FOUND, NO_RATE)


def _campaign_in_workspace(session: Session, job: Job, campaign_id: int) -> Campaign | None:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or session.get(Brand, campaign.brand_id).workspace_id != job.workspace_id:
        return None
    return campaign


@handler("recap")
def recap(
    session: Session, job: Job, progress: Progress, *, campaign_id: int, locale: str | None = None
) -> dict[str, Any]:
    """Render one campaign's recap PDF and keep it (file + Report row)."""
    return recap_batch(session, job, progress, campaign_ids=[campaign_id], locale=locale)


@handler("recap_batch")
def recap_batch(
    session: Session,
    job: Job,
    progress: Progress,
    *,
    campaign_ids: list[int],
    locale: str | None = None,
) -> dict[str, Any]:
    """Render the recaps of several campaigns; one missing exchange rate costs one recap.

    The Report rows commit with the job; a worker that dies leaves at most orphan files in
    the reports directory (never a row pointing nowhere), and the retry renders them again.
    """
    from ..currency import MissingRateError
    from ..reporting import write_recap

    reports_dir = current_app.config["TRACKER_REPORTS_DIR"]
    progress(0, len(campaign_ids))
    report_ids: list[int] = []
    errors: list[str] = []
    for done, campaign_id in enumerate(campaign_ids, start=1):
        campaign = _campaign_in_workspace(session, job, campaign_id)
        if campaign is None:
            errors.append(NOT_FOUND % {"id": campaign_id})
        else:
            try:  # the rate check fails before anything is written
                report = write_recap(
                    session, campaign, locale, reports_dir=reports_dir, created_by=job.user_id
                )
                report_ids.append(report.id)
            except MissingRateError as exc:
                errors.append(
                    NO_RATE
                    % {
                        "campaign": campaign.name,
                        "base": exc.from_ccy,
                        "quote": exc.to_ccy,
                        "date": exc.on.isoformat(),
                    }
                )
        progress(done)
    if errors and not report_ids:
        raise JobError("\n".join(errors))  # one problem a line: the job page translates each
    return {"report_ids": report_ids, "recaps": len(report_ids), "errors": errors}
