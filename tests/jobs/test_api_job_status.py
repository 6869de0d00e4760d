"""`GET /api/v1/jobs/{id}`: a queued recap's status, scoped like the web job page."""

from __future__ import annotations

import json

from tracker.models import Job, Report, utcnow
from tracker.tokens.service import create_token


def _get(client, session, user, path):
    _row, token = create_token(session, user=user, name="tests")
    session.commit()
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})


def test_a_finished_recap_job_lists_the_report_it_kept(client, session, factory):
    workspace = factory.workspace()
    campaign = factory.campaign(factory.brand(workspace))
    report = Report(campaign_id=campaign.id, filename="recap.pdf", locale="fr", size_bytes=10)
    session.add(report)
    session.flush()
    job = Job(
        workspace_id=workspace.id,
        kind="recap",
        status="done",
        progress_done=1,
        progress_total=1,
        attempts=1,
        finished_at=utcnow(),
        arguments=json.dumps({"campaign_id": campaign.id, "locale": "fr"}),
        result=json.dumps({"report_ids": [report.id], "recaps": 1, "errors": []}),
    )
    session.add(job)
    session.commit()

    response = _get(client, session, factory.user(workspace, role="viewer"), f"/jobs/{job.id}")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["kind"], body["error"]) == ("done", "recap", None)
    assert body["progress"] == {"done": 1, "total": 1}
    assert body["url"] == f"/api/v1/jobs/{job.id}"
    assert [(r["id"], r["filename"], r["pdf_url"]) for r in body["reports"]] == [
        (report.id, "recap.pdf", f"/api/v1/reports/{report.id}/pdf")
    ]


def test_a_failed_job_says_why(client, session, factory):
    workspace = factory.workspace()
    error = (
        "Printemps: no exchange rate from GBP to EUR on or before 2026-03-02; add it, then retry."
    )
    job = Job(workspace_id=workspace.id, kind="recap", status="failed", error=error)
    session.add(job)
    session.commit()

    body = _get(client, session, factory.user(workspace), f"/jobs/{job.id}").get_json()

    assert body["status"] == "failed" and body["reports"] == []
    assert body["error"] == error


def test_brand_users_see_only_their_own_jobs_and_other_workspaces_none(client, session, factory):
    workspace = factory.workspace()
    brand = factory.brand(workspace)
    brand_user = factory.user(workspace, role="brand", brand_id=brand.id)
    manager = factory.user(workspace)
    theirs = Job(workspace_id=workspace.id, kind="recap", user_id=brand_user.id)
    managers = Job(workspace_id=workspace.id, kind="recap", user_id=manager.id)
    session.add_all([theirs, managers])
    session.commit()

    assert _get(client, session, brand_user, f"/jobs/{theirs.id}").status_code == 200
    hidden = _get(client, session, brand_user, f"/jobs/{managers.id}")
    assert hidden.status_code == 404 and hidden.get_json()["message"] == "No such job."
    outsider = factory.user(factory.workspace(), role="admin")
    assert _get(client, session, outsider, f"/jobs/{managers.id}").status_code == 404
