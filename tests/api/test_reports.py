"""Recap PDFs through the API: render, list, download; the PDF has the dashboard's figures."""

from __future__ import annotations

import io

from pypdf import PdfReader

from ..reference import build_reference


def test_render_list_and_download_the_recap(factory, api_as):
    ref = build_reference(factory)
    api = api_as(factory.user(ref.workspace, role="manager"))

    created = api.post(f"/campaigns/{ref.campaign.id}/reports", json={"locale": "en"})

    assert created.status_code == 201, created.get_json()
    report = created.get_json()
    assert report["filename"].startswith("maison-lumiere_printemps-eclat-2026_")
    assert report["pdf_url"] == f"/api/v1/reports/{report['id']}/pdf"
    listed = api.get(f"/campaigns/{ref.campaign.id}/reports").get_json()
    assert [r["id"] for r in listed["items"]] == [report["id"]]
    pdf = api.get(f"/reports/{report['id']}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert len(pdf.data) == report["size_bytes"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Printemps Éclat 2026" in text and "10,810" in text


def test_viewers_can_download_but_not_render(factory, api_as):
    ref = build_reference(factory)
    viewer = api_as(factory.user(ref.workspace, role="viewer"))

    response = viewer.post(f"/campaigns/{ref.campaign.id}/reports", json={})

    assert response.status_code == 403


def test_a_report_of_another_workspace_is_not_found(factory, api_as, session):
    from tracker.models import Report

    ref = build_reference(factory)
    report = Report(campaign_id=ref.campaign.id, filename="x.pdf", size_bytes=1)
    session.add(report)
    session.commit()
    outsider = api_as(factory.user(factory.workspace(), role="admin"))

    assert outsider.get(f"/reports/{report.id}").status_code == 404
    assert outsider.get(f"/reports/{report.id}/pdf").status_code == 404
