"""The job page: a link back to what the job is about, and errors in the reader's language."""

from __future__ import annotations

import json
from datetime import date

from tracker.jobs.service import enqueue, state
from tracker.models import ImportBatch, Job, utcnow
from tracker.tokens.service import create_token


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
    rq_failed = Job(
        workspace_id=workspace.id,
        kind="recap",
        status="failed",
        error="The queue's worker failed before starting the job; retry it.",
    )
    other = Job(workspace_id=workspace.id, kind="recap", status="failed", error="Disk full")
    session.add_all([stale, lost, rq_failed, other])
    session.commit()
    login(factory.user(workspace, locale="fr"))

    page = client.get(f"/jobs/{stale.id}").get_data(as_text=True)
    assert "ne répond plus (aucun signe de vie depuis 60 s)" in page
    page = client.get(f"/jobs/{lost.id}").get_data(as_text=True)
    assert "La file d’attente a perdu cette tâche (Redis redémarré ?) : relancez-la." in page
    page = client.get(f"/jobs/{rq_failed.id}").get_data(as_text=True)
    assert (
        "Le processus d’exécution de la file d’attente a échoué avant de démarrer la tâche : "
        "relancez-la." in page
    )
    assert "Disk full" in client.get(f"/jobs/{other.id}").get_data(as_text=True)


def _run_recap_batch(app, session, workspace, user, campaign_ids: list[int]) -> Job:
    with app.app_context():
        job = enqueue(
            session,
            kind="recap_batch",
            workspace_id=workspace.id,
            user_id=user.id,
            arguments={"campaign_ids": campaign_ids, "locale": "en"},
        )
        session.commit()
    state(app).wait()
    session.refresh(job)
    return job


def test_a_recap_batch_that_rendered_nothing_shows_each_problem_in_french_not_in_the_api(
    app, client, session, factory, login
):
    workspace = factory.workspace()
    needs_rate = factory.campaign(factory.brand(workspace), name="Printemps")
    factory.cost(needs_rate, "100", currency="GBP", incurred_on=date(2026, 3, 2))
    foreign = factory.campaign(factory.brand(factory.workspace()))
    user = factory.user(workspace, locale="fr")

    job = _run_recap_batch(app, session, workspace, user, [needs_rate.id, foreign.id])

    english = (
        "Printemps: no exchange rate from GBP to EUR on or before 2026-03-02; add it, then retry.\n"
        f"Campaign #{foreign.id} was not found."
    )
    assert (job.status, job.error) == ("failed", english)
    login(user)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert (
        "<p>Printemps : aucun taux de change de GBP vers EUR au 2026-03-02 ou avant ; ajoutez-le, "
        "puis relancez.</p><p>"
        f"La campagne n° {foreign.id} est introuvable.</p>" in page
    )
    assert client.get(f"/jobs/{job.id}.json").get_json()["error"] == english
    _row, token = create_token(session, user=user, name="tests")
    session.commit()
    api = client.get(f"/api/v1/jobs/{job.id}", headers={"Authorization": f"Bearer {token}"})
    assert (api.status_code, api.get_json()["error"]) == (200, english)


def test_a_recap_batchs_problems_beside_its_recaps_are_listed_in_french(
    app, client, session, factory, login
):
    workspace = factory.workspace()
    brand = factory.brand(workspace)
    fine = factory.campaign(brand, name="Automne")
    needs_rate = factory.campaign(brand, name="Printemps")
    factory.cost(needs_rate, "100", currency="GBP", incurred_on=date(2026, 3, 2))
    user = factory.user(workspace, locale="fr")

    job = _run_recap_batch(app, session, workspace, user, [fine.id, needs_rate.id])

    assert job.status == "done", job.error
    assert json.loads(job.result)["errors"] == [
        "Printemps: no exchange rate from GBP to EUR on or before 2026-03-02; add it, then retry."
    ]
    login(user)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert (
        "<dt>Problèmes</dt><dd>Printemps : aucun taux de change de GBP vers EUR au 2026-03-02 ou "
        "avant ; ajoutez-le, puis relancez.</dd>" in page
    )


def test_each_line_of_a_batchs_error_is_translated_whatever_their_order(
    client, session, factory, login
):
    """A campaign's name could take in the line before it: each line is matched on its own."""
    workspace = factory.workspace()
    user = factory.user(workspace, locale="fr")
    error = (
        "Campaign #99 was not found.\n"
        "Printemps: no exchange rate from GBP to EUR on or before 2026-03-02; add it, then retry."
    )
    job = _job(session, workspace, "recap_batch", status="failed", error=error)
    login(user)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert (
        "<p>La campagne n° 99 est introuvable.</p><p>Printemps : aucun taux de change de GBP vers "
        "EUR au 2026-03-02 ou avant ; ajoutez-le, puis relancez.</p>" in page
    )
