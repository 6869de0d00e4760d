"""Queued jobs whose RQ message Redis lost (a restart without persistence), or that RQ failed
before a tracker worker claimed them, fail, and retry."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry
from sqlalchemy import update

from tracker.jobs.service import LOST, QUEUE_NAME, RQ_FAILED, enqueue, reap_lost, rq_job_id
from tracker.models import Job, utcnow

from .conftest import REPO, snapshot_count, wait_for

pytestmark = pytest.mark.slow


def _enqueue_fill(app, session, setup) -> int:
    with app.app_context():
        job = enqueue(
            session,
            kind="test.snapshot_fill",
            workspace_id=setup.workspace.id,
            arguments={"campaign_id": setup.campaign.id, "days": 2},
        )
        session.commit()
    return job.id


def _age(session, *job_ids: int) -> None:
    """Make the jobs look queued an hour ago, past the threshold of the lost-job check."""
    session.execute(
        update(Job).where(Job.id.in_(job_ids)).values(created_at=utcnow() - timedelta(hours=1))
    )
    session.commit()


def _status(session, job_id: int) -> Job:
    session.expire_all()
    return session.get(Job, job_id)


def _assert_retry_ran(session, job_id: int, setup) -> None:
    """The retried job ran once, from the start, and wrote its 6 snapshots."""
    done = wait_for(
        lambda: (j := _status(session, job_id)).status in ("done", "failed") and j,
        timeout=40,
        what="the retried job to finish",
    )
    assert (done.status, done.error, done.attempts) == ("done", None, 1)
    assert json.loads(done.result) == {"created": 6}
    assert snapshot_count(session, setup.campaign.id) == 6


def test_a_queued_job_redis_lost_is_reported_failed_and_its_retry_runs(
    queue_app, session, factory, login, make_campaign, start_workers, redis_url
):
    setup = make_campaign(posts=3)
    client = queue_app.test_client()
    login(factory.user(setup.workspace), target=client)
    job_id, other_id = (_enqueue_fill(queue_app, session, setup) for _ in range(2))

    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "queued"
    _age(session, job_id, other_id)
    body = client.get(f"/jobs/{job_id}.json").get_json()
    assert body["status"] == "queued", "waiting long for a worker is fine while Redis has it"

    Redis.from_url(redis_url).flushall()  # Redis restarted without persistence
    body = client.get(f"/jobs/{job_id}.json").get_json()
    assert (body["status"], body["error"], body["finished"]) == ("failed", LOST, True)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "The queue lost this job (Redis restarted?): retry it." in page
    assert f'action="/jobs/{job_id}/retry"' in page
    client.get("/jobs")  # the list checks the workspace's queued jobs too
    assert _status(session, other_id).error == LOST

    start_workers(1)
    assert client.post(f"/jobs/{job_id}/retry").status_code == 302
    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] in ("queued", "running", "done")
    _assert_retry_ran(session, job_id, setup)


def test_a_queued_job_stays_queued_while_redis_cannot_be_reached(
    queue_app, session, factory, login, make_campaign
):
    setup = make_campaign(posts=1)
    client = queue_app.test_client()
    login(factory.user(setup.workspace), target=client)
    job_id = _enqueue_fill(queue_app, session, setup)
    _age(session, job_id)

    queue_app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "queued"
    assert client.get("/jobs").status_code == 200


def _rq_status(redis_url: str, job_id: int) -> bytes | None:
    return Redis.from_url(redis_url).hget(f"rq:job:{rq_job_id(job_id, 0)}", "status")


def test_a_queued_job_a_bare_rq_worker_failed_is_reported_failed_and_its_retry_runs(
    queue_app, session, factory, login, make_campaign, start_workers, redis_url, tmp_path
):
    setup = make_campaign(posts=3)
    client = queue_app.test_client()
    login(factory.user(setup.workspace), target=client)
    job_id = _enqueue_fill(queue_app, session, setup)

    # A plain `rq worker` (not `tracker worker`) takes the message: the task refuses to run
    # outside `tracker worker`, so RQ marks it failed and the tracker's runner never claims it.
    with (tmp_path / "rq-worker.log").open("wb") as out:
        bare = subprocess.Popen(
            [str(Path(sys.executable).with_name("rq")), "worker", "--burst", "--url", redis_url]
            + [QUEUE_NAME],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: _rq_status(redis_url, job_id) == b"failed", what="RQ to fail the hand-over"
        )
    finally:  # a burst worker sometimes hangs on exit in its pub/sub thread (rq/rq#1496)
        bare.kill()
        bare.wait(timeout=10)
    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "queued", "not stale yet"

    _age(session, job_id)
    body = client.get(f"/jobs/{job_id}.json").get_json()
    assert (body["status"], body["error"], body["finished"]) == ("failed", RQ_FAILED, True)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "The queue&#39;s worker failed before starting the job; retry it." in page
    assert f'action="/jobs/{job_id}/retry"' in page

    start_workers(1)
    assert client.post(f"/jobs/{job_id}/retry").status_code == 302
    _assert_retry_ran(session, job_id, setup)
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))
    assert FailedJobRegistry(queue=queue).get_job_ids() == [], "the failed hand-over was dropped"


@pytest.mark.parametrize(
    ("rq_status", "expected"),
    [("stopped", "failed"), ("canceled", "failed"), ("started", "queued"), ("queued", "queued")],
)
def test_a_queued_job_fails_when_rq_stopped_or_canceled_it_and_waits_while_rq_runs_it(
    queue_app, session, make_campaign, redis_url, rq_status, expected
):
    Redis.from_url(redis_url).flushall()  # job ids restart with each test database
    setup = make_campaign(posts=1)
    job_id = _enqueue_fill(queue_app, session, setup)
    Redis.from_url(redis_url).hset(f"rq:job:{rq_job_id(job_id, 0)}", "status", rq_status)
    _age(session, job_id)

    marked = reap_lost(session, queue_app, workspace_id=setup.workspace.id)
    session.commit()

    job = _status(session, job_id)
    assert (marked, job.status) == (int(expected == "failed"), expected)
    assert job.error == (RQ_FAILED if expected == "failed" else None)
