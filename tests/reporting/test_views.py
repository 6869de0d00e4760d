"""The campaign's Recap page: PDF downloads in each language, kept files, the web version."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from tracker.jobs.service import state
from tracker.models import Job, Report

from ..reference import build_reference
from .support import pdf_pages


@pytest.fixture
def ref(factory):
    return build_reference(factory)


@pytest.fixture
def manager(factory, ref):
    return factory.user(ref.workspace, role="manager")


def test_recap_page_offers_both_languages_and_lists_kept_files(client, login, ref, manager):
    login(manager)
    page = client.get(f"/campaigns/{ref.campaign.id}/recap").get_data(as_text=True)
    assert f"/campaigns/{ref.campaign.id}/recap.pdf?lang=en" in page
    assert f"/campaigns/{ref.campaign.id}/recap.pdf?lang=fr" in page
    assert "No recap has been saved yet." in page


def test_generating_keeps_the_file_with_a_report_row_and_it_downloads(
    app, client, login, session, ref, manager
):
    login(manager)
    response = client.post(f"/campaigns/{ref.campaign.id}/recap/reports", data={"lang": "fr"})
    # No REDIS_URL: the in-process job runner renders it beside the request.
    assert response.status_code == 302
    job_url = response.headers["Location"]
    assert re.fullmatch(r"/jobs/\d+", job_url)
    state(app).wait()
    report = session.exec(select(Report)).one()
    expected = f"maison-lumiere_printemps-eclat-2026_{date.today().isoformat()}_fr.pdf"
    assert (report.filename, report.locale, report.created_by) == (expected, "fr", manager.id)
    path = Path(app.config["TRACKER_REPORTS_DIR"]) / expected
    assert path.stat().st_size == report.size_bytes
    job_page = client.get(job_url).get_data(as_text=True)
    assert f'href="/reports/{report.id}"' in job_page and expected in job_page
    page = client.get(f"/campaigns/{ref.campaign.id}/recap").get_data(as_text=True)
    assert expected in page
    download = client.get(f"/reports/{report.id}")
    assert download.status_code == 200
    assert download.data == path.read_bytes()
    assert "Synthèse" in " ".join(pdf_pages(download.data))


def test_a_viewer_downloads_but_cannot_keep_files(client, login, factory, ref):
    login(factory.user(ref.workspace, role="viewer"))
    page = client.get(f"/campaigns/{ref.campaign.id}/recap").get_data(as_text=True)
    assert "Generate and save" not in page
    response = client.post(f"/campaigns/{ref.campaign.id}/recap/reports", data={"lang": "en"})
    assert response.status_code == 403


def test_another_workspace_sees_neither_the_recap_nor_its_files(
    client, login, factory, session, ref
):
    session.add(Report(campaign_id=ref.campaign.id, filename="x.pdf", locale="en"))
    session.commit()
    report_id = session.exec(select(Report.id)).one()
    login(factory.user(role="manager"))
    for url in (
        f"/campaigns/{ref.campaign.id}/recap",
        f"/campaigns/{ref.campaign.id}/recap.pdf",
        f"/campaigns/{ref.campaign.id}/recap/preview",
        f"/reports/{report_id}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/campaigns/{ref.campaign.id}/recap/reports").status_code == 404


def test_web_version_shows_the_figures_without_inline_styles(client, login, ref, manager):
    login(manager)
    response = client.get(f"/campaigns/{ref.campaign.id}/recap/preview?lang=fr")
    html = response.get_data(as_text=True).replace("\u202f", " ").replace("\u00a0", " ")
    assert response.status_code == 200
    assert "10 810,00 €" in html and "23,00 €" in html
    assert "style=" not in html and "<style" not in html and "<script" not in html
    assert (
        "data:image/svg+xml;base64," in html
    )  # charts as images: the CSP forbids inline SVG styles
    css = client.get(f"/recap-assets/brand/{ref.brand.primary_color[1:]}.css")
    assert f"--brand:{ref.brand.primary_color}" in css.get_data(as_text=True)


def test_recap_assets_serve_only_the_asset_folder(client):
    assert client.get("/recap-assets/recap.css").status_code == 200  # public: share pages use it
    for bad in ("../config.py", "..%2F..%2Ftracker%2Fconfig.py", "missing.css", "brand/zzz.css"):
        assert client.get(f"/recap-assets/{bad}").status_code == 404, bad


def test_a_missing_exchange_rate_names_the_pair_instead_of_a_recap(
    client, login, factory, ref, manager
):
    factory.cost(ref.campaign, "100", currency="GBP", incurred_on=date(2026, 3, 2))
    login(manager)
    response = client.get(f"/campaigns/{ref.campaign.id}/recap.pdf")
    assert response.status_code != 200
    assert "GBP" in response.get_data(as_text=True)


def test_downloaded_pdf_is_named_after_brand_campaign_and_date(client, login, ref, manager):
    login(manager)
    response = client.get(f"/campaigns/{ref.campaign.id}/recap.pdf?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    name = f"maison-lumiere_printemps-eclat-2026_{date.today().isoformat()}_en.pdf"
    assert name in response.headers["Content-Disposition"]
    assert io.BytesIO(response.data).read(5) == b"%PDF-"


def test_a_recap_that_cannot_render_is_listed_with_its_error_until_retried(
    app, client, login, factory, session, ref, manager
):
    factory.cost(ref.campaign, "100", currency="GBP", incurred_on=date(2026, 3, 2))
    login(manager)
    response = client.post(f"/campaigns/{ref.campaign.id}/recap/reports", data={"lang": "en"})
    state(app).wait()
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    job = session.get(Job, job_id)
    session.refresh(job)
    assert job.status == "failed" and "GBP" in job.error

    page = client.get(f"/campaigns/{ref.campaign.id}/recap").get_data(as_text=True)
    assert f'href="/jobs/{job_id}"' in page and "Error and retry" in page
    assert "No recap has been saved yet." not in page
    job_page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "What went wrong" in job_page and "GBP" in job_page

    factory.rate(ref.workspace.id, date(2026, 3, 1), "GBP", "EUR", "1.17")
    assert client.post(f"/jobs/{job_id}/retry").status_code == 302
    state(app).wait()
    session.refresh(job)
    assert job.status == "done" and job.attempts == 2
    report = session.exec(select(Report)).one()
    page = client.get(f"/campaigns/{ref.campaign.id}/recap").get_data(as_text=True)
    assert report.filename in page and "Error and retry" not in page


def test_the_recap_page_lists_only_this_campaigns_unfinished_or_recently_failed_jobs(
    client, login, factory, session, ref, manager
):
    from datetime import timedelta

    from tracker.models import utcnow

    other = factory.campaign(ref.brand, name="Other campaign")
    now = utcnow()
    rows = {
        "queued": Job(kind="recap", status="queued"),
        "running": Job(kind="recap", status="running"),
        "failed_today": Job(kind="recap", status="failed", finished_at=now, error="x"),
        "failed_long_ago": Job(
            kind="recap", status="failed", finished_at=now - timedelta(days=3), error="x"
        ),
        "done": Job(kind="recap", status="done", finished_at=now),
        "other_campaign": Job(
            kind="recap", status="queued", arguments=f'{{"campaign_id": {other.id}}}'
        ),
    }
    for name, job in rows.items():
        job.workspace_id = ref.workspace.id
        if name != "other_campaign":
            job.arguments = f'{{"campaign_id": {ref.campaign.id}, "locale": "fr"}}'
        session.add(job)
    session.commit()
    login(manager)

    page = client.get(f"/campaigns/{ref.campaign.id}/recap").get_data(as_text=True)

    listed = {name for name, job in rows.items() if f'href="/jobs/{job.id}"' in page}
    assert listed == {"queued", "running", "failed_today"}
    assert "Queued" in page and "Rendering" in page and "Failed" in page
