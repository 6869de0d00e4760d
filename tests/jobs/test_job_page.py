"""The job page: a link back to what the job is about, and errors in the reader's language."""

from __future__ import annotations

import json

from tracker.models import ImportBatch, Job, utcnow


def _job(session, workspace, kind: str, **values) -> Job:
    job = Job(workspace_id=workspace.id, kind=kind, **values)
    session.add(job)
    session.commit()
    return job


def test_a_recap_jobs_page_links_to_the_campaigns_recap_page(client, session, factory, login):
    workspace = factory.workspace()
    campaign = factory.campaign(factory.brand(workspace), name="Printemps")
    job = _job(session, workspace, "recap", arguments=json.dumps({"campaign_id": campaign.id}))
    login(factory.user(workspace, role="viewer"))

    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)

    assert f'href="/campaigns/{campaign.id}/recap">Recap of Printemps</a>' in page


def test_an_import_jobs_page_links_to_its_import_for_writers_only(client, session, factory, login):
    workspace = factory.workspace()
    campaign = factory.campaign(factory.brand(workspace), name="Printemps")
    batch = ImportBatch(campaign_id=campaign.id, filename="march.csv", format="tracker", sha256="0")
    session.add(batch)
    session.commit()
    job = _job(session, workspace, "import", arguments=json.dumps({"batch_id": batch.id}))
    link = f'href="/campaigns/{campaign.id}/imports/{batch.id}">Import of march.csv (Printemps)</a>'

    login(factory.user(workspace))
    assert link in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    client.post("/logout")
    login(factory.user(workspace, role="viewer"))  # the import page is for writers
    assert "Import of march.csv" not in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_a_failed_import_job_shows_its_error_in_french_to_a_french_user(
    client, session, factory, login
):
    workspace = factory.workspace()
    english = "The uploaded file is no longer stored: upload it again."
    job = _job(session, workspace, "import", status="failed", error=english, finished_at=utcnow())
    login(factory.user(workspace, locale="fr"))

    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)

    assert "Le fichier envoyé n’est plus conservé : envoyez-le à nouveau." in page
    assert client.get(f"/jobs/{job.id}.json").get_json()["error"] == english, "JSON stays English"


def test_the_queues_own_errors_are_translated_with_their_values(client, session, factory, login):
    workspace = factory.workspace()
    stale = Job(
        workspace_id=workspace.id,
        kind="recap",
        status="failed",
        error=(
            "The worker running this job stopped responding (no heartbeat for 60 s): it was "
            "probably stopped or lost its machine. Nothing it was writing was kept; retry to run "
            "the job again."
        ),
    )
    lost = Job(
        workspace_id=workspace.id,
        kind="recap",
        status="failed",
        error="The queue lost this job (Redis restarted?): retry it.",
    )
    other = Job(workspace_id=workspace.id, kind="recap", status="failed", error="Disk full")
    session.add_all([stale, lost, other])
    session.commit()
    login(factory.user(workspace, locale="fr"))

    page = client.get(f"/jobs/{stale.id}").get_data(as_text=True)
    assert "ne répond plus (aucun signe de vie depuis 60 s)" in page
    page = client.get(f"/jobs/{lost.id}").get_data(as_text=True)
    assert "La file d’attente a perdu cette tâche (Redis redémarré ?) : relancez-la." in page
    assert "Disk full" in client.get(f"/jobs/{other.id}").get_data(as_text=True)
