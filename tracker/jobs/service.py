"""Create, start, retry and read jobs.

`enqueue` adds the Job row; the job is handed to a worker only once the caller's transaction
commits (a worker must never look for a row that is not there yet, and a rolled-back request
must not leave a job behind). With REDIS_URL the hand-over is an RQ message; without it the
job runs in a thread of this process, so the embedded default needs nothing else.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, update
from sqlmodel import Session, select

from ..models import Job, utcnow
from . import registry, runner

log = logging.getLogger(__name__)
QUEUE_NAME = "tracker"
_PENDING = "tracker.jobs.pending"


@dataclass
class JobsState:
    """Per-app: how jobs start, and the in-process threads (tests wait on them)."""

    mode: str  # "rq", "thread" or "sync"
    threads: list[threading.Thread] = field(default_factory=list)

    def wait(self, timeout: float = 30) -> None:
        for thread in list(self.threads):
            thread.join(timeout)
        self.threads = [t for t in self.threads if t.is_alive()]


def init_app(app: Flask) -> None:
    app.config.setdefault("JOBS_HEARTBEAT_SECONDS", 5.0)
    app.config.setdefault("JOBS_STALE_SECONDS", 60.0)
    app.config.setdefault("JOBS_TIMEOUT_SECONDS", 6 * 3600)
    app.config.setdefault("JOBS_EXTRA_MODULES", "")
    # Without Redis: "thread" runs each job beside the request; "sync" runs it before the
    # response (handy in tests and scripts).
    app.config.setdefault("JOBS_IN_PROCESS", "thread")
    mode = "rq" if app.config.get("REDIS_URL") else app.config["JOBS_IN_PROCESS"]
    app.extensions["tracker.jobs"] = JobsState(mode=mode)
    registry.load(app.config["JOBS_EXTRA_MODULES"].split(","))


def state(app: Flask | None = None) -> JobsState:
    return (app or current_app).extensions["tracker.jobs"]


def enqueue(
    session: Session,
    *,
    kind: str,
    workspace_id: int,
    user_id: int | None = None,
    arguments: dict[str, Any] | None = None,
    total: int | None = None,
) -> Job:
    """Add a queued job; it starts when `session` commits (never before, never if rolled back)."""
    registry.get(kind)  # an unknown kind is a programming error: fail now, not on a worker
    job = Job(
        workspace_id=workspace_id,
        user_id=user_id,
        kind=kind,
        arguments=json.dumps(arguments or {}, default=str),
        progress_total=total,
    )
    session.add(job)
    session.flush()
    _start_after_commit(session, job.id)
    return job


def retry(session: Session, job: Job) -> Job:
    """Queue a failed job again from the start; its previous attempt left nothing behind."""
    if job.status != "failed":
        raise registry.JobError("Only a failed job can be retried.")
    done = session.execute(
        update(Job.__table__)
        .where(Job.__table__.c.id == job.id, Job.__table__.c.status == "failed")
        .values(status="queued", error=None, result=None, progress_done=0, finished_at=None)
    )
    if done.rowcount != 1:
        raise registry.JobError("This job was retried already.")
    session.refresh(job)
    _start_after_commit(session, job.id)
    return job


def reap_stale(session: Session, *, stale_seconds: float, job_id: int | None = None) -> int:
    """Mark running jobs whose worker stopped sending heartbeats as failed; return how many."""
    table = Job.__table__
    cutoff = utcnow() - timedelta(seconds=stale_seconds)
    query = update(table).where(table.c.status == "running", table.c.heartbeat_at < cutoff)
    if job_id is not None:
        query = query.where(table.c.id == job_id)
    done = session.execute(
        query.values(
            status="failed",
            finished_at=utcnow(),
            error=(
                "The worker running this job stopped responding (no heartbeat for "
                f"{stale_seconds:g} s): it was probably stopped or lost its machine. "
                "Nothing it was writing was kept; retry to run the job again."
            ),
        )
    )
    return done.rowcount or 0


def refresh_status(session: Session, job: Job, app: Flask | None = None) -> Job:
    """Reload a job, first failing it if its worker died; commits only when something changed."""
    app = app or current_app
    if job.status == "running" and reap_stale(
        session, stale_seconds=app.config["JOBS_STALE_SECONDS"], job_id=job.id
    ):
        session.commit()
    session.refresh(job)
    return job


def recent_jobs(
    session: Session, workspace_id: int, *, user_id: int | None = None, limit: int = 50
):
    query = select(Job).where(Job.workspace_id == workspace_id)
    if user_id is not None:
        query = query.where(Job.user_id == user_id)
    return session.exec(query.order_by(Job.id.desc()).limit(limit)).all()


def as_dict(job: Job) -> dict[str, Any]:
    """The job as the status page and its polling script read it."""
    total = job.progress_total
    percent = None
    if total:
        percent = round(100 * min(job.progress_done, total) / total, 1)
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": {"done": job.progress_done, "total": total, "percent": percent},
        "result": json.loads(job.result) if job.result else None,
        "error": job.error,
        "attempts": job.attempts,
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "finished": job.status in ("done", "failed"),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# ---------------------------------------------------------------------------- starting


def _start_after_commit(session: Session, job_id: int) -> None:
    app = current_app._get_current_object()
    session.info.setdefault(_PENDING, []).append((app, job_id))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for app, job_id in session.info.pop(_PENDING, []):
        try:
            start(app, job_id)
        except Exception as exc:  # e.g. Redis unreachable: say so on the job page, allow a retry
            log.exception("could not start job %s", job_id)
            _fail_unstarted(
                app, job_id, f"Could not hand the job to a worker ({exc}); retry later."
            )


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _fail_unstarted(app: Flask, job_id: int, message: str) -> None:
    table = Job.__table__
    with app.extensions["tracker.engine"].begin() as conn:
        conn.execute(
            update(table)
            .where(table.c.id == job_id, table.c.status == "queued")
            .values(status="failed", error=message[:1000], finished_at=utcnow())
        )


def start(app: Flask, job_id: int) -> None:
    """Hand a committed, queued job to whatever runs jobs here."""
    jobs = state(app)
    if jobs.mode == "rq":
        _rq_queue(app).enqueue(
            "tracker.jobs.worker.perform",
            job_id,
            job_timeout=int(app.config["JOBS_TIMEOUT_SECONDS"]),
            result_ttl=0,  # the Job row holds the result
            failure_ttl=7 * 24 * 3600,
            description=f"tracker job {job_id}",
        )
    elif jobs.mode == "sync":
        runner.run_job(app, job_id)
    else:
        thread = threading.Thread(
            target=runner.run_job, args=(app, job_id), name=f"job-{job_id}", daemon=True
        )
        jobs.threads.append(thread)
        thread.start()


def _rq_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))
