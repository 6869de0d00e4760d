"""Run one job: claim it, keep its heartbeat and progress fresh, commit its work and its end together.

The handler's writes and the job's "done" are one transaction. Progress and heartbeats go
through another connection, from a background thread, so the handler never waits on them (on
SQLite the handler's transaction holds the only write lock; the heartbeat simply retries).
If the process dies, the database drops the open transaction, nothing the job wrote is kept,
and the job's heartbeat goes stale: `service.reap_stale` then marks it failed, ready to retry.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from ..db import SQLITE_BUSY_TIMEOUT_MS
from ..models import Job, utcnow
from . import registry

log = logging.getLogger(__name__)
JOB = Job.__table__


class Superseded(Exception):
    """The job was reaped or retried while this attempt ran: its work must not be kept."""


@dataclass
class Claim:
    job_id: int
    attempt: int


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# How long a claim or a result waits for SQLite's single write lock before it gives up.
CLAIM_PATIENCE = 60.0


def _persist(write, *, patience: float = CLAIM_PATIENCE):
    """Run a short write, retrying while SQLite's single write lock is held by another job."""
    delay, deadline = 0.05, time.monotonic() + patience
    while True:
        try:
            return write()
        except OperationalError:
            if time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def claim(engine: Engine, job_id: int, worker: str) -> Claim | None:
    """Mark a queued job running for this worker; None when another worker took it first."""
    return _persist(lambda: _claim(engine, job_id, worker))


def _claim(engine: Engine, job_id: int, worker: str) -> Claim | None:
    now = utcnow()
    with engine.begin() as conn:
        done = conn.execute(
            update(JOB)
            .where(JOB.c.id == job_id, JOB.c.status == "queued")
            .values(
                status="running",
                attempts=JOB.c.attempts + 1,
                started_at=now,
                heartbeat_at=now,
                finished_at=None,
                worker=worker[:120],
                progress_done=0,
                error=None,
                result=None,
            )
        )
        if done.rowcount != 1:
            return None
        attempt = conn.execute(JOB.select().where(JOB.c.id == job_id)).one().attempts
    return Claim(job_id, attempt)


def _this_attempt(c: Claim):
    return (JOB.c.id == c.job_id, JOB.c.attempts == c.attempt, JOB.c.status == "running")


class Heartbeat:
    """Background thread: every `interval` seconds, write the heartbeat and the latest progress."""

    def __init__(self, engine: Engine, c: Claim, interval: float) -> None:
        self.engine = engine
        self.claim = c
        self.interval = interval
        self._progress: tuple[int, int | None] | None = None
        self.last: tuple[int, int | None] = (0, None)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"job-{c.job_id}-heartbeat", daemon=True
        )

    def __call__(self, done: int, total: int | None = None) -> None:
        """The handler's progress callback: remember the figures; the thread writes them."""
        if total is None:
            total = self.last[1]
        with self._lock:
            self._progress = self.last = (int(done), None if total is None else int(total))
        self._wake.set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread, so nothing writes the job row after this returns."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._beat()
            # Progress wakes the thread early, but never more than ~5 writes a second.
            self._wake.wait(self.interval)
            self._wake.clear()
            self._stop.wait(min(0.2, self.interval))

    def _beat(self) -> None:
        with self._lock:
            progress, self._progress = self._progress, None
        values: dict[str, Any] = {"heartbeat_at": utcnow()}
        if progress is not None:
            values["progress_done"] = progress[0]
            if progress[1] is not None:
                values["progress_total"] = progress[1]
        sqlite = self.engine.dialect.name == "sqlite"
        try:
            with self.engine.begin() as conn:
                if sqlite:
                    # Never wait on the lock: the holder may be this job's own transaction, and
                    # stop() joins this thread before that transaction commits.
                    conn.exec_driver_sql("PRAGMA busy_timeout=20")
                try:
                    conn.execute(update(JOB).where(*_this_attempt(self.claim)).values(**values))
                finally:
                    if sqlite:
                        conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        except OperationalError as exc:  # SQLite busy: a job's write transaction holds the lock
            log.debug("heartbeat of job %s skipped: %s", self.claim.job_id, exc)
            if progress is not None:
                with self._lock:
                    self._progress = self._progress or progress


def run_job(app: Flask, job_id: int, *, worker: str | None = None) -> str | None:
    """Run job `job_id` if it is still queued; return its final status (None if not claimed)."""
    from ..analytics import reading_history_once  # pandas: loaded by the first job, not at start

    engine: Engine = app.extensions["tracker.engine"]
    c = claim(engine, job_id, worker or worker_name())
    if c is None:
        log.info("job %s is not queued any more; skipped", job_id)
        return None
    beat = Heartbeat(engine, c, app.config["JOBS_HEARTBEAT_SECONDS"])
    beat.start()
    try:
        with app.app_context(), Session(engine, expire_on_commit=False) as session:
            job = session.get(Job, job_id)
            session.expunge(job)  # the handler reads it; only the runner writes the job row
            try:
                with reading_history_once(session):
                    result = registry.run_handler(session, job, beat)
                beat.stop()
                done, total = beat.last
                finished = session.execute(
                    update(JOB)
                    .where(*_this_attempt(c))
                    .values(
                        status="done",
                        result=json.dumps(result, default=str),
                        finished_at=utcnow(),
                        heartbeat_at=utcnow(),
                        progress_done=total if total is not None else done,
                        progress_total=total,
                    )
                )
                if finished.rowcount != 1:
                    raise Superseded(job_id)
                session.commit()
                return "done"
            except BaseException:
                session.rollback()
                raise
    except Superseded:
        log.warning("job %s attempt %s was superseded; its work was rolled back", job_id, c.attempt)
        return None
    except Exception as exc:
        beat.stop()
        log.exception("job %s failed", job_id)
        message = _message(exc)

        def record_failure() -> None:
            with engine.begin() as conn:
                conn.execute(
                    update(JOB)
                    .where(*_this_attempt(c))
                    .values(status="failed", error=message, finished_at=utcnow())
                )

        _persist(record_failure)
        return "failed"
    finally:
        beat.stop()


def _message(exc: BaseException) -> str:
    if isinstance(exc, registry.JobError):
        return str(exc)
    if isinstance(exc, registry.UnknownJobKind):
        return f"No handler for job kind {exc.args[0]!r} on this worker."
    text = str(exc).strip().splitlines()[0][:500] if str(exc).strip() else ""
    return f"Unexpected error ({type(exc).__name__}){': ' + text if text else ''}"
