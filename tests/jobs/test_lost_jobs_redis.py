"""Queued jobs whose RQ message Redis lost (a restart without persistence) fail, and retry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from redis import Redis
from sqlalchemy import update

from tracker.jobs.service import LOST, enqueue
from tracker.models import Job, utcnow

from .conftest import snapshot_count, wait_for

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
    done = wait_for(
        lambda: (j := _status(session, job_id)).status in ("done", "failed") and j,
        timeout=40,
        what="the retried job to finish",
    )
    assert (done.status, done.error, done.attempts) == ("done", None, 1)
    assert json.loads(done.result) == {"created": 6}
    assert snapshot_count(session, setup.campaign.id) == 6


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
