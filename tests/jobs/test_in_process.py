"""Jobs without Redis: they run in the web app's process, with the same status page and retry."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlmodel import select

from tracker.jobs.service import enqueue, state
from tracker.models import Job, utcnow

from .conftest import snapshot_count


def _enqueue(app, session, setup, kind, user=None, **arguments):
    with app.app_context():
        job = enqueue(
            session,
            kind=kind,
            workspace_id=setup.workspace.id,
            user_id=user.id if user else None,
            arguments={"campaign_id": setup.campaign.id, **arguments},
        )
        session.commit()
    state(app).wait()
    session.refresh(job)
    return job


def test_without_redis_a_job_runs_in_a_thread_and_records_its_result(app, session, make_campaign):
    setup = make_campaign(posts=12)
    assert state(app).mode == "thread", "no REDIS_URL: jobs run in-process"
    job = _enqueue(app, session, setup, "test.snapshot_fill", days=5, chunk=7)
    assert job.status == "done", job.error
    assert (job.progress_done, job.progress_total) == (120, 120)  # prepared, then written
    assert json.loads(job.result) == {"created": 60}
    assert job.attempts == 1 and job.finished_at is not None
    assert snapshot_count(session, setup.campaign.id) == 60


def test_a_failed_job_keeps_nothing_it_wrote_and_shows_its_error(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=4)
    user = factory.user(setup.workspace)
    job = _enqueue(app, session, setup, "test.fail_until", user=user, succeed_on=2)
    assert job.status == "failed"
    assert job.error == "Row 7, column 'Views': deliberate failure on attempt 1."
    assert snapshot_count(session, setup.campaign.id) == 0, (
        "the failed attempt's writes rolled back"
    )

    login(user)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Row 7, column &#39;Views&#39;: deliberate failure on attempt 1." in page
    assert f'action="/jobs/{job.id}/retry"' in page


def test_retrying_a_failed_job_runs_it_again_and_it_succeeds(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=4)
    user = factory.user(setup.workspace)
    job = _enqueue(app, session, setup, "test.fail_until", user=user, succeed_on=2)
    login(user)
    response = client.post(f"/jobs/{job.id}/retry")
    assert response.status_code == 302 and response.location.endswith(f"/jobs/{job.id}")
    state(app).wait()
    session.refresh(job)
    assert (job.status, job.attempts, job.error) == ("done", 2, None)
    assert snapshot_count(session, setup.campaign.id) == 4
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Done" in page and "Rows created" in page and "/retry" not in page


def test_a_job_that_is_not_failed_cannot_be_retried(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=2)
    user = factory.user(setup.workspace)
    job = _enqueue(app, session, setup, "test.snapshot_fill", user=user, days=1)
    login(user)
    client.post(f"/jobs/{job.id}/retry")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Only a failed job can be retried." in page
    session.refresh(job)
    assert job.attempts == 1


def test_status_json_gives_progress_for_polling(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=3)
    user = factory.user(setup.workspace)
    job = _enqueue(app, session, setup, "test.snapshot_fill", user=user, days=2)
    login(user)
    body = client.get(f"/jobs/{job.id}.json").get_json()
    assert body["status"] == "done" and body["finished"] is True
    assert body["progress"] == {"done": 12, "total": 12, "percent": 100.0}
    assert body["result"] == {"created": 6} and body["error"] is None


def test_a_job_whose_worker_died_is_shown_failed_and_can_be_retried(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=3)
    user = factory.user(setup.workspace)
    stale = utcnow() - timedelta(seconds=app.config["JOBS_STALE_SECONDS"] + 5)
    job = Job(
        workspace_id=setup.workspace.id,
        user_id=user.id,
        kind="test.snapshot_fill",
        arguments=json.dumps({"campaign_id": setup.campaign.id, "days": 1}),
        status="running",
        attempts=1,
        started_at=stale,
        heartbeat_at=stale,
        worker="lost-host:4242",
    )
    session.add(job)
    session.commit()
    login(user)
    body = client.get(f"/jobs/{job.id}.json").get_json()
    assert body["status"] == "failed"
    assert (
        "stopped responding" in body["error"] and "Nothing it was writing was kept" in body["error"]
    )
    client.post(f"/jobs/{job.id}/retry")
    state(app).wait()
    session.refresh(job)
    assert (job.status, job.attempts) == ("done", 2)
    assert snapshot_count(session, setup.campaign.id) == 3


def _queued_since(session, setup, user, seconds_ago: float) -> Job:
    """A job row left queued, as the process that queued it leaves it when it stops first."""
    job = Job(
        workspace_id=setup.workspace.id,
        user_id=user.id,
        kind="test.snapshot_fill",
        arguments=json.dumps({"campaign_id": setup.campaign.id, "days": 1}),
        created_at=utcnow() - timedelta(seconds=seconds_ago),
    )
    session.add(job)
    session.commit()
    return job


def test_a_job_queued_before_the_app_restarted_is_shown_failed_and_can_be_retried(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=3)
    user = factory.user(setup.workspace)
    # Its thread would have claimed it within the claim's patience (60 s) plus the stale limit.
    job = _queued_since(session, setup, user, app.config["JOBS_STALE_SECONDS"] + 60 + 5)
    login(user)

    body = client.get(f"/jobs/{job.id}.json").get_json()
    assert body["status"] == "failed"
    assert body["error"] == (
        "This job never started: the app stopped before it could run it (no job queue is set "
        "up, so jobs run inside the app). Retry it."
    )
    client.post("/lang", data={"lang": "fr"})
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Cette tâche n’a jamais démarré" in page
    assert f'action="/jobs/{job.id}/retry"' in page

    client.post(f"/jobs/{job.id}/retry")
    state(app).wait()
    session.refresh(job)
    assert (job.status, job.attempts) == ("done", 1)
    assert snapshot_count(session, setup.campaign.id) == 3


def test_a_job_queued_a_moment_ago_is_left_queued(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=1)
    user = factory.user(setup.workspace)
    job = _queued_since(session, setup, user, app.config["JOBS_STALE_SECONDS"] + 30)
    login(user)

    assert client.get(f"/jobs/{job.id}.json").get_json()["status"] == "queued"
    client.get("/jobs")
    session.refresh(job)
    assert job.status == "queued"


def test_a_running_job_with_a_fresh_heartbeat_is_left_running(
    client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=1)
    user = factory.user(setup.workspace)
    job = Job(
        workspace_id=setup.workspace.id,
        kind="test.snapshot_fill",
        status="running",
        attempts=1,
        heartbeat_at=utcnow(),
        progress_done=3,
        progress_total=10,
    )
    session.add(job)
    session.commit()
    login(user)
    body = client.get(f"/jobs/{job.id}.json").get_json()
    assert body["status"] == "running"
    assert body["progress"] == {"done": 3, "total": 10, "percent": 30.0}


def test_a_rolled_back_request_starts_no_job(app, session, make_campaign):
    setup = make_campaign(posts=2)
    with app.app_context():
        enqueue(
            session,
            kind="test.snapshot_fill",
            workspace_id=setup.workspace.id,
            arguments={"campaign_id": setup.campaign.id, "days": 1},
        )
        session.rollback()
    state(app).wait()
    assert session.exec(select(Job)).all() == []
    assert snapshot_count(session, setup.campaign.id) == 0


def test_another_workspace_cannot_see_or_retry_a_job(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=2)
    job = _enqueue(app, session, setup, "test.fail_until", succeed_on=5)
    login(factory.user(factory.workspace()))
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert client.get(f"/jobs/{job.id}.json").status_code == 404
    assert client.post(f"/jobs/{job.id}/retry").status_code == 404
    assert f"/jobs/{job.id}" not in client.get("/jobs").get_data(as_text=True)


def test_a_viewer_sees_the_job_but_may_not_retry_it(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=2)
    job = _enqueue(app, session, setup, "test.fail_until", succeed_on=5)
    login(factory.user(setup.workspace, role="viewer"))
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "deliberate failure" in page and "/retry" not in page
    assert client.post(f"/jobs/{job.id}/retry").status_code == 403


def test_the_job_page_polls_from_a_static_script_only(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=1)
    user = factory.user(setup.workspace)
    job = Job(workspace_id=setup.workspace.id, kind="test.snapshot_fill", status="queued")
    session.add(job)
    session.commit()
    login(user)
    response = client.get(f"/jobs/{job.id}")
    page = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script[^>]*>", page)
    assert '<script src="/static/jobs.js" defer>' in scripts
    assert all(re.match(r'<script src="/static/[\w.-]+\.js"', tag) for tag in scripts), scripts
    assert not re.search(r"<script[^>]*>(?!</script>)\s*\S", page), "no inline script body"
    assert " style=" not in page and "<style" not in page
    assert f'data-status-url="/jobs/{job.id}.json"' in page
    assert client.get("/static/jobs.js").status_code == 200


def test_the_jobs_list_shows_the_workspace_jobs(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=2)
    user = factory.user(setup.workspace)
    job = _enqueue(app, session, setup, "test.snapshot_fill", days=1)
    login(user)
    page = client.get("/jobs").get_data(as_text=True)
    assert f'href="/jobs/{job.id}"' in page and "Done" in page


def test_the_jobs_list_shows_a_job_whose_worker_died_as_failed(
    app, client, session, factory, login, make_campaign
):
    setup = make_campaign(posts=1)
    stale = utcnow() - timedelta(seconds=app.config["JOBS_STALE_SECONDS"] + 5)
    job = Job(
        workspace_id=setup.workspace.id,
        kind="import",
        status="running",
        attempts=1,
        heartbeat_at=stale,
    )
    session.add(job)
    session.commit()
    login(factory.user(setup.workspace))
    page = client.get("/jobs").get_data(as_text=True)
    assert "status-failed" in page and "status-running" not in page
    session.refresh(job)
    assert job.status == "failed"


def test_a_worker_finds_the_handlers_that_live_with_their_area():
    import subprocess
    import sys

    # A fresh interpreter, as a worker: the importers' kinds are found without importing them first.
    code = (
        "from tracker.jobs import registry; "
        "print(registry.get('import').__module__, registry.get('import_preview').__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["tracker.importers.commit", "tracker.importers.commit"]
