"""Create, start, retry and read jobs.

`enqueue` adds the Job row; the job is handed to a worker only once the caller's transaction
commits (a worker must never look for a row that is not there yet, and a rolled-back request
must not leave a job behind). With REDIS_URL the hand-over is an RQ message; without it the
job runs in a thread of this process, so the embedded default needs nothing else.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy import event, func, update
from sqlmodel import Session, select

from ..models import Job, utcnow
from . import registry, runner

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)
QUEUE_NAME = "tracker"
_PENDING = "tracker.jobs.pending"


def N_(message: str) -> str:
    """Mark a message for translation; the job page translates it where it shows it."""
    return message


# The queue's own errors, stored in English on the job row (the API shows them as they are).
LOST = N_("The queue lost this job (Redis restarted?): retry it.")
RQ_FAILED = N_("The queue's worker failed before starting the job; retry it.")
STALE = N_(
    "The worker running this job stopped responding (no heartbeat for %(seconds)s s): it was "
    "probably stopped or lost its machine. Nothing it was writing was kept; retry to run the "
    "job again."
)
LOST_IN_PROCESS = N_(
    "This job never started: the app stopped before it could run it (no job queue is set up, "
    "so jobs run inside the app). Retry it."
)
NOT_STARTED = N_("Could not hand the job to a worker (%(error)s); retry later.")
ONLY_FAILED = N_("Only a failed job can be retried.")
RETRIED = N_("This job was retried already.")
MESSAGES = (LOST, RQ_FAILED, LOST_IN_PROCESS, STALE, NOT_STARTED, ONLY_FAILED, RETRIED)
# RQ statuses of a hand-over that will never run: RQ failed it (a bare `rq worker` that cannot
# run the task, an error before the claim) or someone stopped or canceled it.
RQ_GAVE_UP = frozenset({"failed", "stopped", "canceled"})


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
        raise registry.JobError(ONLY_FAILED)
    done = session.execute(
        update(Job.__table__)
        .where(Job.__table__.c.id == job.id, Job.__table__.c.status == "failed")
        .values(
            status="queued",
            error=None,
            result=None,
            progress_done=0,
            finished_at=None,
            heartbeat_at=utcnow(),  # while queued: when it was handed over (see reap_lost)
        )
    )
    if done.rowcount != 1:
        raise registry.JobError(RETRIED)
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
            error=STALE % {"seconds": f"{stale_seconds:g}"},
        )
    )
    return done.rowcount or 0


def reap_lost(
    session: Session,
    app: Flask,
    *,
    job_id: int | None = None,
    workspace_id: int | None = None,
    limit: int = 200,
) -> int:
    """Mark queued jobs that will never run as failed, so they can be retried; return how many.

    With Redis, the queue keeps the only copy of a queued job's hand-over: a restart without
    persistence (or an evicted key) loses it, and an RQ job that failed before the tracker's
    runner claimed the row (see RQ_GAVE_UP) will not run either. Only jobs queued for longer
    than JOBS_STALE_SECONDS are checked, since the RQ message is sent just after the row
    commits; when Redis cannot be reached nothing is marked: the job may well still be there.

    Without Redis, a job runs in a thread of the process that queued it, which claims it at
    once (waiting at most CLAIM_PATIENCE for SQLite's write lock): one still queued after that
    and JOBS_STALE_SECONDS lost its process (a restart, a deploy) before it started.
    """
    table = Job.__table__
    in_process = state(app).mode != "rq"
    wait = app.config["JOBS_STALE_SECONDS"] + (runner.CLAIM_PATIENCE if in_process else 0)
    query = (
        select(table.c.id, table.c.attempts)
        .where(table.c.status == "queued")
        .where(
            func.coalesce(table.c.heartbeat_at, table.c.created_at)
            < utcnow() - timedelta(seconds=wait)
        )
        .order_by(table.c.id.desc())
        .limit(limit)
    )
    if job_id is not None:
        query = query.where(table.c.id == job_id)
    if workspace_id is not None:
        query = query.where(table.c.workspace_id == workspace_id)
    queued = session.execute(query).all()
    if not queued:
        return 0
    if in_process:
        return _fail_queued(session, [row.id for row in queued], LOST_IN_PROCESS)
    try:
        with _redis(app).pipeline(transaction=False) as pipe:
            for row in queued:
                key = _rq_job_key(row.id, row.attempts)
                pipe.exists(key)
                pipe.hget(key, "status")
            replies = pipe.execute()
    except Exception as exc:  # Redis down: the page still shows, the job stays queued
        log.warning("could not look for queued jobs in Redis: %s", exc)
        return 0
    lost, gave_up = [], []
    for row, there, rq_status in zip(queued, replies[::2], replies[1::2], strict=True):
        if not there:
            lost.append(row.id)
        elif rq_status is not None and rq_status.decode() in RQ_GAVE_UP:
            gave_up.append(row.id)
    if gave_up:
        log.warning("jobs %s failed in RQ before a tracker worker claimed them", gave_up)
    return _fail_queued(session, lost, LOST) + _fail_queued(session, gave_up, RQ_FAILED)


def _fail_queued(session: Session, ids: list[int], error: str) -> int:
    if not ids:
        return 0
    table = Job.__table__
    done = session.execute(
        # The status test keeps a job a worker claimed in the meantime.
        update(table)
        .where(table.c.id.in_(ids), table.c.status == "queued")
        .values(status="failed", error=error, finished_at=utcnow())
    )
    return done.rowcount or 0


def refresh_status(session: Session, job: Job, app: Flask | None = None) -> Job:
    """Reload a job, first failing it if its worker died or the queue lost it.

    Commits only when something changed.
    """
    app = app or current_app
    if job.status == "running":
        changed = reap_stale(session, stale_seconds=app.config["JOBS_STALE_SECONDS"], job_id=job.id)
    elif job.status == "queued":
        changed = reap_lost(session, app, job_id=job.id)
    else:
        changed = 0
    if changed:
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
            _fail_unstarted(app, job_id, NOT_STARTED % {"error": exc})


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
        queue = _rq_queue(app)
        rq_id = rq_job_id(job_id, _attempts(app, job_id))
        _drop_given_up(queue.connection, rq_id)
        queue.enqueue(
            "tracker.jobs.worker.perform",
            job_id,
            job_id=rq_id,
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


def rq_job_id(job_id: int, attempts: int) -> str:
    """The RQ job that carries this hand-over, so its presence in Redis can be checked.

    A job is handed over again only after it failed: either a worker ran it (attempts grew,
    so the id is new), or the hand-over never reached a worker (its id is not in Redis), or RQ
    gave it up before the claim (`_drop_given_up` deletes that RQ job first).
    """
    return f"tracker-job-{job_id}-{attempts + 1}"


def _drop_given_up(connection: Redis, rq_id: str) -> None:
    """Delete an RQ job of this id that RQ gave up, so the retry's hand-over starts clean.

    Enqueueing over it would keep it in RQ's failed registry, beside the new run.
    """
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob

    rq_status = connection.hget(RQJob.key_for(rq_id), "status")
    if rq_status is not None and rq_status.decode() in RQ_GAVE_UP:
        with contextlib.suppress(NoSuchJobError):  # it expired in between
            RQJob.fetch(rq_id, connection=connection).delete()


def _attempts(app: Flask, job_id: int) -> int:
    table = Job.__table__
    with app.extensions["tracker.engine"].connect() as conn:
        return conn.execute(select(table.c.attempts).where(table.c.id == job_id)).scalar_one()


def _rq_job_key(job_id: int, attempts: int) -> str:
    from rq.job import Job as RQJob

    return RQJob.key_for(rq_job_id(job_id, attempts))


def _redis(app: Flask):
    from redis import Redis

    # A page that checks the queue must not hang on an unreachable Redis.
    return Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)


def _rq_queue(app: Flask):
    from rq import Queue

    return Queue(QUEUE_NAME, connection=_redis(app))
