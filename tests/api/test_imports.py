"""Imports through the API: upload is a preview, commit writes all of it once."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from sqlmodel import select

from tracker.models import AuditEntry, ImportBatch, Snapshot

SAMPLE = Path("/work/shared/samples/tiktok_studio_content.csv")
LOCAL = Path(__file__).parents[1] / "importers" / "data" / "tiktok_studio_content.csv"


def _sample() -> bytes:
    return (LOCAL if LOCAL.exists() else SAMPLE).read_bytes()


def _campaign_with_lea(factory, workspace):
    campaign = factory.campaign(factory.brand(workspace), start_date=date(2026, 3, 1))
    lea = factory.influencer(workspace.id, handle="lea.glow", platform="tiktok")
    factory.participation(campaign, lea, platform="tiktok")
    return campaign


def _upload(api, campaign, data: bytes, **fields):
    return api.post(
        f"/campaigns/{campaign.id}/imports",
        data={"file": (io.BytesIO(data), "Content.csv"), "as_of": "2026-03-31", **fields},
        content_type="multipart/form-data",
    )


def test_upload_previews_then_commit_writes_once(api, factory, workspace, session):
    campaign = _campaign_with_lea(factory, workspace)

    uploaded = _upload(api, campaign, _sample())

    assert uploaded.status_code == 201, uploaded.get_json()
    batch = uploaded.get_json()
    assert (batch["status"], batch["format"], batch["filename"]) == (
        "previewed",
        "tiktok_studio",
        "Content.csv",
    )
    assert batch["rows_read"] > 0 and batch["preview"]
    assert session.exec(select(Snapshot)).all() == [], "a preview writes nothing"

    committed = api.post(f"/imports/{batch['id']}/commit")

    assert committed.status_code == 200, committed.get_json()
    assert committed.get_json()["status"] == "committed"
    written = len(session.exec(select(Snapshot)).all())
    assert written > 0
    again = api.post(f"/imports/{batch['id']}/commit")
    assert again.status_code == 409
    assert session.exec(select(AuditEntry).where(AuditEntry.entity == "import_batch")).one()


def test_the_same_file_imported_twice_changes_nothing(api, factory, workspace, session):
    campaign = _campaign_with_lea(factory, workspace)
    first = _upload(api, campaign, _sample()).get_json()
    api.post(f"/imports/{first['id']}/commit")
    before = [(s.id, s.views) for s in session.exec(select(Snapshot).order_by(Snapshot.id))]

    second = _upload(api, campaign, _sample()).get_json()
    api.post(f"/imports/{second['id']}/commit")

    session.expire_all()
    assert [(s.id, s.views) for s in session.exec(select(Snapshot).order_by(Snapshot.id))] == before


def test_a_file_that_is_no_export_is_refused_on_the_file_field(api, factory, workspace, session):
    campaign = _campaign_with_lea(factory, workspace)

    response = _upload(api, campaign, b"\x00\x01 not a table")

    assert response.status_code == 422
    assert "file" in response.get_json()["fields"]
    assert session.exec(select(ImportBatch)).all() == []


def test_choices_preview_again(api, factory, workspace):
    campaign = _campaign_with_lea(factory, workspace)
    batch = _upload(api, campaign, _sample()).get_json()

    response = api.patch(f"/imports/{batch['id']}", json={"as_of": "2026-03-20"})

    assert response.status_code == 200
    assert response.get_json()["captured_on"] == "2026-03-20"
    bad = api.patch(f"/imports/{batch['id']}", json={"mapping": {"x": "somewhere"}})
    assert bad.status_code == 422 and "mapping.x" in bad.get_json()["fields"]


def test_viewers_cannot_see_or_upload_imports(api_as, factory, workspace):
    campaign = _campaign_with_lea(factory, workspace)
    viewer = api_as(factory.user(workspace, role="viewer"))

    assert _upload(viewer, campaign, _sample()).status_code == 403
    assert viewer.get(f"/campaigns/{campaign.id}/imports").status_code == 403
