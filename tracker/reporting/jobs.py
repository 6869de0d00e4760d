"""Recaps as jobs: the web button and the API queue a `recap` job (tracker/jobs/handlers.py).

With REDIS_URL a `tracker worker` renders it; without, the in-process job runner does. Either
way the request returns at once and the job page (or the API's job URL) shows its progress,
then the kept PDF, or the error and a retry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, and_, or_, select

from ..jobs.service import enqueue
from ..models import Campaign, Job, utcnow
from .i18n import recap_locale

KIND = "recap"
FAILED_SHOWN_FOR = timedelta(days=1)


def enqueue_recap(
    session: Session,
    campaign: Campaign,
    locale: str | None,
    *,
    workspace_id: int,
    user_id: int | None,
) -> Job:
    """Queue the rendering of one campaign's recap; it starts when `session` commits.

    The language is settled now (the asked one, else the campaign's), so the job renders what
    the user chose even if the campaign's language changes while it waits.
    """
    return enqueue(
        session,
        kind=KIND,
        workspace_id=workspace_id,
        user_id=user_id,
        arguments={"campaign_id": campaign.id, "locale": recap_locale(locale, campaign.locale)},
        total=1,
    )


@dataclass(frozen=True)
class RecapJob:
    job: Job
    locale: str


def recap_jobs(session: Session, campaign: Campaign, workspace_id: int) -> list[RecapJob]:
    """This campaign's recap jobs still to finish, and those that failed in the last day."""
    since = utcnow() - FAILED_SHOWN_FOR
    rows = session.exec(
        select(Job)
        .where(
            Job.workspace_id == workspace_id,
            Job.kind == KIND,
            or_(
                Job.status.in_(("queued", "running")),
                and_(Job.status == "failed", Job.finished_at >= since),
            ),
        )
        .order_by(Job.id.desc())
        .limit(50)
    ).all()
    out = []
    for job in rows:  # the campaign is in the job's JSON arguments: filter the few rows here
        arguments = json.loads(job.arguments or "{}")
        if arguments.get("campaign_id") == campaign.id:
            out.append(RecapJob(job, str(arguments.get("locale") or campaign.locale)))
    return out
