"""Jobs on a real Redis with two `tracker worker` processes: shared work, a worker killed mid-job."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from tracker.jobs.service import enqueue
from tracker.models import ImportBatch, Job, Report

from ..reference import build_reference
from .conftest import STALE_SECONDS, snapshot_count, wait_for

pytestmark = pytest.mark.slow


def _job(session: Session, job_id: int) -> Job:
    session.expire_all()
    return session.get(Job, job_id)


def _enqueue_fill(app, session, setup, **arguments) -> int:
    with app.app_context():
        job = enqueue(
            session,
            kind="test.snapshot_fill",
            workspace_id=setup.workspace.id,
            arguments={"campaign_id": setup.campaign.id, **arguments},
        )
        session.commit()
    return job.id


def test_two_workers_render_recaps_and_write_snapshots_side_by_side(
    queue_app, session, factory, make_campaign, start_workers, tmp_path
):
    start_workers(2)
    ref = build_reference(factory)
    other = factory.campaign(factory.brand(ref.workspace, name="Café Brume"), name="Brume d'hiver")
    foreign = factory.campaign(factory.brand(factory.workspace()), name="Not ours")
    fills = [make_campaign(ref.workspace, posts=5) for _ in range(3)]
    batch_id, imported, rows = _previewed_import(queue_app, session, factory, ref.workspace)
    with queue_app.app_context():
        batch = enqueue(
            session,
            kind="recap_batch",
            workspace_id=ref.workspace.id,
            arguments={"campaign_ids": [ref.campaign.id, other.id, foreign.id], "locale": "en"},
        )
        single = enqueue(
            session,
            kind="recap",
            workspace_id=ref.workspace.id,
            arguments={"campaign_id": ref.campaign.id, "locale": "fr"},
        )
        large_import = enqueue(
            session, kind="import", workspace_id=ref.workspace.id, arguments={"batch_id": batch_id}
        )
        session.commit()
    fill_ids = [_enqueue_fill(queue_app, session, s, days=4, chunk=5, pause=0.1) for s in fills]
    ids = [batch.id, single.id, large_import.id, *fill_ids]
    wait_for(
        lambda: all(_job(session, i).status in ("done", "failed") for i in ids),
        timeout=60,
        what="every job to finish",
    )
    jobs = {i: _job(session, i) for i in ids}
    assert [j.status for j in jobs.values()] == ["done"] * 6, [j.error for j in jobs.values()]
    horses = {j.worker for j in jobs.values()}
    assert len(horses) == 6, "RQ forks a fresh work horse for every job"
    assert len({_parent(h) for h in horses} - {None}) <= 2

    # The snapshot jobs: every row of each, written once.
    for i, setup in zip(fill_ids, fills, strict=True):
        assert json.loads(jobs[i].result) == {"created": 20}
        assert (jobs[i].progress_done, jobs[i].progress_total) == (40, 40)
        assert snapshot_count(session, setup.campaign.id) == 20

    # The large import: committed whole by a worker, every row written once.
    result = json.loads(jobs[large_import.id].result)
    assert (result["import_id"], result["created"], result["rows"]) == (batch_id, rows, rows)
    assert snapshot_count(session, imported.id) == rows
    session.expire_all()
    assert session.get(ImportBatch, batch_id).status == "committed"

    # The recaps: two of three in the batch (the third campaign is another workspace's).
    result = json.loads(jobs[batch.id].result)
    assert result["recaps"] == 2 and len(result["report_ids"]) == 2
    assert result["errors"] == [f"Campaign #{foreign.id} was not found."]
    assert (jobs[batch.id].progress_done, jobs[batch.id].progress_total) == (3, 3)
    single_ids = json.loads(jobs[single.id].result)["report_ids"]
    reports = {r.id: r for r in session.exec(select(Report)).all()}
    assert set(reports) == {*result["report_ids"], *single_ids}
    directory = tmp_path / "reports"
    text = _pdf_text(directory / reports[result["report_ids"][0]].filename)
    assert "Printemps Éclat 2026" in text and "€10,810.00" in text
    french = reports[single_ids[0]]
    assert french.locale == "fr"
    assert re.search(r"10\s810,00\s€", _pdf_text(directory / french.filename)), "French money"


def _previewed_import(app, session, factory, workspace, posts: int = 40, days: int = 250):
    """A Tracker CSV of posts × days snapshot rows, uploaded and previewed (not committed)."""
    from tracker.importers.commit import prepare
    from tracker.importers.matching import Options
    from tracker.importers.urls import normalise_post_url

    campaign = factory.campaign(factory.brand(workspace), name="Large import")
    part = factory.participation(campaign)
    urls = [
        f"https://www.tiktok.com/@creator/video/{7_600_000_000_000_000_000 + n}"
        for n in range(posts)
    ]
    for url in urls:
        factory.post(part, url=url, url_key=normalise_post_url(url))
    lines = ["post_url,captured_on,views,likes"]
    for day in range(days):
        on = date(2026, 1, 1) + timedelta(days=day)
        lines += [
            f"{url},{on.isoformat()},{1000 * (day + 1) + n},{day + 1}" for n, url in enumerate(urls)
        ]
    with app.app_context():
        batch = prepare(
            session,
            campaign=campaign,
            filename="history.csv",
            data="\n".join(lines).encode(),
            options=Options(),
        )
        session.commit()
    return batch.id, campaign, posts * days


def _parent(worker: str) -> int | None:
    try:
        stat = Path(f"/proc/{worker.split(':')[1]}/stat").read_text()
    except FileNotFoundError:
        return None  # the horse has exited, as it should once its job is done
    return int(stat.rsplit(")", 1)[1].split()[1])


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_a_worker_killed_mid_job_leaves_nothing_half_written_and_the_retry_succeeds(
    queue_app, session, factory, login, make_campaign, start_workers, tmp_path
):
    workers = start_workers(2)
    setup = make_campaign(posts=20)
    expected = 20 * 30  # posts × days
    marker = tmp_path / "half-written"
    job_id = _enqueue_fill(
        queue_app, session, setup, days=30, chunk=20, pause_while_writing=0.05, marker=str(marker)
    )
    # Wait until half of the rows are written inside the job's (uncommitted) transaction.
    wait_for(marker.exists, timeout=30, what="the job to be half-way through its writes")
    job = _job(session, job_id)
    assert job.status == "running"
    horse = int(job.worker.split(":")[1])
    victim = next(w for w in workers if w.owns(horse))
    victim.kill(horse)

    assert snapshot_count(session, setup.campaign.id) == 0, "no half-written import"
    client = queue_app.test_client()
    user = factory.user(setup.workspace)
    login(user, target=client)
    body = wait_for(
        lambda: (b := client.get(f"/jobs/{job_id}.json").get_json())["status"] == "failed" and b,
        timeout=STALE_SECONDS * 4,
        what="the dead worker's job to be marked failed",
    )
    assert "stopped responding" in body["error"]
    assert snapshot_count(session, setup.campaign.id) == 0

    assert client.post(f"/jobs/{job_id}/retry").status_code == 302
    done = wait_for(
        lambda: (j := _job(session, job_id)).status in ("done", "failed") and j,
        timeout=40,
        what="the retried job to finish",
    )
    assert (done.status, done.attempts, done.error) == ("done", 2, None)
    assert done.worker.split(":")[1] != str(horse), "another work horse ran the retry"
    assert json.loads(done.result) == {"created": expected}
    assert snapshot_count(session, setup.campaign.id) == expected


def test_the_worker_command_refuses_to_start_without_redis(runner):
    from tracker.jobs.cli import worker_command

    result = runner.invoke(worker_command, [])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output
