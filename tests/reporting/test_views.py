"""The campaign's Recap page: PDF downloads in each language, kept files, the web version."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from tracker.models import Report

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
    assert response.status_code == 302
    report = session.exec(select(Report)).one()
    expected = f"maison-lumiere_printemps-eclat-2026_{date.today().isoformat()}_fr.pdf"
    assert (report.filename, report.locale, report.created_by) == (expected, "fr", manager.id)
    path = Path(app.config["TRACKER_REPORTS_DIR"]) / expected
    assert path.stat().st_size == report.size_bytes
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
