"""`tracker worker` and `tracker jobs …`: run queued jobs and look after them from a shell."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from ..db import get_engine, session_scope
from ..models import Job


@click.command("worker")
@click.option("--queue", "queues", multiple=True, default=["tracker"], show_default=True)
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@click.option("--name", default=None, help="Worker name (default: host and process id).")
@with_appcontext
def worker_command(queues: tuple[str, ...], burst: bool, name: str | None) -> None:
    """Run recap and import jobs from the Redis queue (needs REDIS_URL)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set: without Redis, jobs run inside the web app and need no worker."
        )
    from .worker import run_worker

    run_worker(current_app._get_current_object(), queues=list(queues), burst=burst, name=name)


@click.group("jobs")
def jobs_group() -> None:
    """Long-running jobs (recaps, imports)."""


@jobs_group.command("show")
@click.argument("job_id", type=int)
@with_appcontext
def jobs_show(job_id: int) -> None:
    """Print a job's status, progress, result and error as JSON."""
    from .service import as_dict, refresh_status

    with session_scope(get_engine()) as session:
        job = session.get(Job, job_id)
        if job is None:
            raise click.ClickException(f"no job {job_id}")
        click.echo(json.dumps(as_dict(refresh_status(session, job)), indent=2))


@jobs_group.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def jobs_retry(job_id: int) -> None:
    """Queue a failed job again."""
    from .registry import JobError
    from .service import refresh_status, retry, state

    if state().mode == "thread":  # this process ends right after: run the job before it does
        state().mode = "sync"
    with session_scope(get_engine()) as session:
        job = session.get(Job, job_id)
        if job is None:
            raise click.ClickException(f"no job {job_id}")
        try:
            retry(session, refresh_status(session, job))
        except JobError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Job {job_id} queued again.")
