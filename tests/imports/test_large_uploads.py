"""A large upload is previewed by a job, part by part, with its progress; then committed."""

from __future__ import annotations

import json

from tracker.importers import commit as commit_module
from tracker.importers.commit import prepare, preview_job
from tracker.importers.matching import Options
from tracker.importers.urls import normalise_post_url
from tracker.jobs import service as jobs_service
from tracker.jobs.service import state as jobs_state
from tracker.models import Job, Post, Snapshot

from ..importers.conftest import build_csv
from ..importers.test_streaming import HEADER, LINK_A, ROWS
from ..support.uploads import batches, count, upload
from ..web.conftest import text

BULK = build_csv([HEADER, *ROWS])  # 8 rows: 7 snapshots and 1 new post (tests/importers)


def test_a_large_upload_is_previewed_by_a_job_in_parts_then_committed_by_a_job(
    app, as_manager, story, factory, session, monkeypatch
):
    factory.post(story.lea, url=LINK_A, url_key=normalise_post_url(LINK_A))
    app.config["IMPORT_INLINE_BYTES"] = 100  # this 400-byte file is "large"
    app.config["IMPORT_INLINE_ROWS"] = 5
    monkeypatch.setattr(commit_module, "CHUNK", 3)  # 3 parts
    jobs_state(app).mode = "sync"  # each job runs when its request commits

    response = upload(as_manager, story.campaign, "bulk.csv", BULK)

    (batch,) = batches(session)
    preview_job_row = session.get(Job, batch.job_id)
    assert preview_job_row.kind == "import_preview" and preview_job_row.status == "done"
    assert (preview_job_row.progress_done, preview_job_row.progress_total) == (8, 8)  # rows
    page = text(as_manager.get(response.location))
    assert "Rows read 8" in page and "New posts 1" in page
    assert "Snapshots 7 new · 0 updated · 0 unchanged" in page
    assert count(session, Snapshot) == 0  # a preview writes nothing

    as_manager.post(f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit")

    (batch,) = batches(session)
    commit_job = session.get(Job, batch.job_id)
    assert commit_job.kind == "import" and commit_job.status == "done"
    assert json.loads(commit_job.result)["created"] == 8  # 1 post + 7 snapshots
    assert batch.status == "committed"
    assert count(session, Snapshot) == 7 and count(session, Post) == 2


def test_the_preview_job_reports_its_progress_in_rows_part_by_part(session, story, monkeypatch):
    monkeypatch.setattr(commit_module, "CHUNK", 3)
    batch = prepare(
        session,
        campaign=story.campaign,
        filename="bulk.csv",
        data=BULK,
        options=Options(),
        defer=True,
    )
    session.commit()
    assert json.loads(batch.summary)["state"] == "previewing" and batch.rows_read == 0
    seen: list[tuple[int, int | None]] = []
    job = Job(kind="import_preview", workspace_id=story.workspace.id)

    preview_job(
        session, job, lambda done, total=None: seen.append((done, total)), batch_id=batch.id
    )

    # The rows are counted by the first pass over the file; then each part of 3 rows.
    assert seen == [(0, 8), (3, 8), (6, 8), (8, 8)]
    assert json.loads(batch.summary)["state"] == "ready" and batch.rows_read == 8


def test_a_preview_still_being_read_shows_the_progress_bar_and_cannot_be_committed(
    app, as_manager, story, session, monkeypatch
):
    app.config["IMPORT_INLINE_BYTES"] = 100
    monkeypatch.setattr(jobs_service, "start", lambda app, job_id: None)  # stays queued
    response = upload(as_manager, story.campaign, "bulk.csv", BULK)

    html = as_manager.get(response.location).get_data(as_text=True)

    assert 'id="job-progress"' in html and "/jobs/" in html  # polled by jobs.js
    assert "Reading the file: this page updates by itself." in html
    (batch,) = batches(session)
    committed = as_manager.post(
        f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit", follow_redirects=True
    )
    assert "This file is being read or written: wait for it to finish." in text(committed)
    assert count(session, Snapshot) == 0


def test_a_small_upload_is_still_previewed_in_the_request(app, as_manager, story, session):
    response = upload(as_manager, story.campaign, "bulk.csv", BULK)

    (batch,) = batches(session)
    assert batch.job_id is None and json.loads(batch.summary)["state"] == "ready"
    assert "Rows read 8" in text(as_manager.get(response.location))
