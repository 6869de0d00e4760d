"""Recaps from the web and the API as jobs, on a real Redis with a real `tracker worker`.

The "Generate and save" button and `POST /api/v1/campaigns/{id}/reports` queue a `recap` job
when REDIS_URL is set; the worker renders it; the job page (or the API's job URL) then links
the kept PDF. A render that fails (a cost in a currency without an exchange rate) shows its
error, and once the rate is entered, Retry renders it.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from tracker.models import Job, Report
from tracker.tokens.service import create_token

from ..conftest import TEST_PASSWORD
from ..reference import build_reference
from .conftest import wait_for

pytestmark = pytest.mark.slow


def _job(session: Session, job_id: int) -> Job:
    session.expire_all()
    return session.get(Job, job_id)


def _finished(session: Session, job_id: int) -> Job:
    return wait_for(
        lambda: (j := _job(session, job_id)).status in ("done", "failed") and j,
        timeout=90,
        what=f"job {job_id} to finish",
    )


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_generate_button_queues_a_recap_job_that_a_worker_renders_and_the_job_page_links(
    queue_app, session, factory, start_workers
):
    ref = build_reference(factory)
    manager = factory.user(ref.workspace, role="manager")
    client = _signed_in(queue_app, manager)
    start_workers(1)

    response = client.post(f"/campaigns/{ref.campaign.id}/recap/reports", data={"lang": "en"})

    assert response.status_code == 302
    job_id = int(re.fullmatch(r"/jobs/(\d+)", response.headers["Location"]).group(1))
    job = _job(session, job_id)
    assert (job.kind, job.user_id, job.workspace_id) == ("recap", manager.id, ref.workspace.id)
    job = _finished(session, job_id)
    assert job.status == "done", job.error
    report = session.exec(select(Report)).one()
    assert (report.campaign_id, report.locale, report.created_by) == (
        ref.campaign.id,
        "en",
        manager.id,
    )

    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Done" in page
    assert f'href="/reports/{report.id}"' in page and report.filename in page
    download = client.get(f"/reports/{report.id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = _pdf_text(download.data)
    assert "Printemps Éclat 2026" in text and "€10,810.00" in text
    recap_page = client.get(f"/campaigns/{ref.campaign.id}/recap").get_data(as_text=True)
    assert report.filename in recap_page and "Rendering" not in recap_page


def test_a_failed_recap_shows_its_error_and_retry_renders_it_once_fixed(
    queue_app, session, factory, start_workers
):
    ref = build_reference(factory)
    factory.cost(ref.campaign, "100", currency="GBP", incurred_on=date(2026, 3, 2))
    manager = factory.user(ref.workspace, role="manager")
    client = _signed_in(queue_app, manager)
    start_workers(1)

    response = client.post(f"/campaigns/{ref.campaign.id}/recap/reports", data={"lang": "fr"})
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    job = _finished(session, job_id)

    assert job.status == "failed"
    assert "GBP" in job.error and "EUR" in job.error
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "What went wrong" in page and "GBP" in page
    assert f'action="/jobs/{job_id}/retry"' in page
    recap_page = client.get(f"/campaigns/{ref.campaign.id}/recap").get_data(as_text=True)
    assert f'href="/jobs/{job_id}"' in recap_page and "Error and retry" in recap_page
    assert session.exec(select(Report)).all() == []

    factory.rate(ref.workspace.id, date(2026, 3, 1), "GBP", "EUR", "1.17")
    retried = client.post(f"/jobs/{job_id}/retry")
    assert retried.status_code == 302
    job = _finished(session, job_id)

    assert job.status == "done", job.error
    assert job.attempts == 2
    report = session.exec(select(Report)).one()
    assert report.locale == "fr"
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f'href="/reports/{report.id}"' in page
    # 10,810 EUR + 100 GBP at 1.17 = 10,927 EUR, French formatting.
    text = _pdf_text(client.get(f"/reports/{report.id}").data).replace("\u202f", " ")
    assert re.search(r"10\s927,00\s€", text.replace("\u00a0", " ")), "cost with the new rate"


def test_api_recap_answers_202_with_a_job_to_poll_until_the_pdf_is_ready(
    queue_app, session, factory, start_workers
):
    ref = build_reference(factory)
    manager = factory.user(ref.workspace, role="manager")
    _row, token = create_token(session, user=manager, name="tests")
    session.commit()
    client = queue_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    start_workers(1)

    created = client.post(
        f"/api/v1/campaigns/{ref.campaign.id}/reports", json={"locale": "fr"}, headers=headers
    )

    assert created.status_code == 202, created.get_json()
    body = created.get_json()
    assert body["kind"] == "recap" and body["status"] == "queued" and body["reports"] == []
    assert created.headers["Location"] == body["url"] == f"/api/v1/jobs/{body['id']}"
    _finished(session, body["id"])
    polled = client.get(body["url"], headers=headers).get_json()
    assert polled["status"] == "done" and polled["error"] is None
    assert polled["progress"] == {"done": 1, "total": 1}
    [report] = polled["reports"]
    assert report["locale"] == "fr" and report["campaign_id"] == ref.campaign.id
    pdf = client.get(report["pdf_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "Printemps Éclat 2026" in _pdf_text(pdf.data)

    # Another workspace's token does not see the job.
    _row, other = create_token(session, user=factory.user(factory.workspace()), name="x")
    session.commit()
    hidden = client.get(body["url"], headers={"Authorization": f"Bearer {other}"})
    assert hidden.status_code == 404 and hidden.get_json()["message"] == "No such job."
