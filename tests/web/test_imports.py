"""The import pages: upload, refusals, preview with choices, commit whole, history, access."""

from __future__ import annotations

import io
import json
import re

import pytest

from tracker.importers import commit as commit_module
from tracker.jobs import service as jobs_service
from tracker.jobs.service import state as jobs_state
from tracker.models import ImportFile, Job, Post, Snapshot

from ..importers.conftest import DATA, build_csv
from ..importers.test_service import build_story
from ..support.uploads import batches, count, upload
from .conftest import audit_entries, csrf_token, sign_in, text

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@pytest.fixture
def story(factory):
    return build_story(factory)


@pytest.fixture
def manager(factory, story):
    return factory.user(story.workspace, role="manager")


@pytest.fixture
def as_manager(client, manager):
    sign_in(client, manager)
    return client


# ---------------------------------------------------------------------------- upload and preview


def test_the_upload_page_has_the_form_and_the_progress_script(as_manager, story):
    response = as_manager.get(f"/campaigns/{story.campaign.id}/imports")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and "/static/imports.js" in html
    assert "<script>" not in html  # strict CSP: no inline script
    page = text(response)
    assert "Import an export" in page and "No imports yet." in page


def test_upload_shows_a_preview_and_imports_nothing_until_confirmed(as_manager, story, session):
    response = upload(
        as_manager,
        story.campaign,
        "Content_lea.glow.csv",
        (DATA / "tiktok_studio_content.csv").read_bytes(),
        as_of="2026-03-20",
    )
    assert response.status_code == 302
    (batch,) = batches(session)
    assert response.location.endswith(f"/campaigns/{story.campaign.id}/imports/{batch.id}")
    page = text(as_manager.get(response.location))
    assert "Preview: nothing is imported yet" in page
    assert "TikTok Studio export" in page and "Rows read 13" in page
    assert "New posts 8" in page
    assert "outside the campaign" in page  # the five older videos, listed but not ticked
    assert count(session, Post) == 0

    done = as_manager.post(f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit")
    assert done.status_code == 302
    page = text(as_manager.get(done.location))
    assert "Imported on" in page and "16 created, 0 updated, 0 unchanged, 0 rejected" in page
    assert count(session, Post) == 8 and count(session, Snapshot) == 8
    (entry,) = audit_entries(session, "import_batch")
    assert json.loads(entry.detail)["posts_created"] == 8

    history = text(as_manager.get(f"/campaigns/{story.campaign.id}/imports"))
    assert "Content_lea.glow.csv" in history and "Imported" in history


def test_the_upload_answers_json_to_the_progress_script(as_manager, story, session):
    response = as_manager.post(
        f"/campaigns/{story.campaign.id}/imports",
        data={"file": (io.BytesIO((DATA / "ga4_utm.csv").read_bytes()), "ga4.csv")},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    (batch,) = batches(session)
    assert response.json == {"location": f"/campaigns/{story.campaign.id}/imports/{batch.id}"}

    refused = as_manager.post(
        f"/campaigns/{story.campaign.id}/imports",
        data={"file": (io.BytesIO(PNG), "photo.csv")},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 422
    assert refused.json == {"error": "This looks like a PNG image, not a CSV or XLSX export."}


def test_a_missing_file_is_a_field_error(as_manager, story):
    response = as_manager.post(
        f"/campaigns/{story.campaign.id}/imports", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Choose a file to import." in text(response)


# ---------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.csv", PNG, "This looks like a PNG image, not a CSV or XLSX export."),
        ("empty.csv", b"", "This file is empty."),
        ("blank.csv", b"\xef\xbb\xbf\r\n \r\n", "This file is empty."),
        (
            "bomb.csv",
            b"a," * (600 * 1024),
            "Line 1 is longer than 1 MB: this is not a platform export.",
        ),
        ("notes.csv", b"hello,world\nfoo,bar\n", "This file is not an export we know"),
    ],
)
def test_a_file_that_is_not_an_export_gets_a_refusal_page(
    as_manager, story, session, name, data, message
):
    response = upload(as_manager, story.campaign, name, data)
    assert response.status_code == 422
    page = text(response)
    assert "File refused" in page and message in page and "Nothing was imported." in page
    assert "Traceback" not in page
    assert batches(session) == []


def test_an_oversized_upload_is_refused_by_its_declared_size_before_it_is_read(
    csrf_app, manager, story, session
):
    client = csrf_app.test_client()
    sign_in(client, manager)
    token = csrf_token(client, f"/campaigns/{story.campaign.id}/imports")
    response = client.post(
        f"/campaigns/{story.campaign.id}/imports",
        data={"csrf_token": token, "file": (io.BytesIO(b"Sessions\n1\n"), "huge.csv")},
        content_type="multipart/form-data",
        environ_overrides={"CONTENT_LENGTH": str(2 * 1024**3)},  # a 2 GB file, announced
    )
    assert response.status_code == 413
    page = text(response)
    assert "The file is larger than the 200 MB limit: it was refused before being read." in page
    assert batches(session) == []


def test_an_oversized_upload_from_a_stranger_is_refused_too(csrf_app, story):
    client = csrf_app.test_client()
    response = client.post(
        f"/campaigns/{story.campaign.id}/imports",
        data={"file": (io.BytesIO(b"x"), "huge.csv")},
        content_type="multipart/form-data",
        environ_overrides={"CONTENT_LENGTH": str(2 * 1024**3)},
    )
    assert response.status_code == 413


def test_an_upload_over_the_limit_without_a_declared_size_is_refused(
    app, as_manager, story, session
):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    body = b"post_url,captured_on\n" + b"https://www.tiktok.com/@a/video/1,2026-03-01\n" * 50_000
    response = as_manager.post(
        f"/campaigns/{story.campaign.id}/imports",
        data={"file": (io.BytesIO(body), "big.csv")},
        content_type="multipart/form-data",
        # A chunked upload: no Content-Length, so the size is only known while reading.
        environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert "The file is larger than the 1 MB limit" in text(response)
    assert batches(session) == []


# ---------------------------------------------------------------------------- choices


def test_an_ambiguous_file_asks_which_format_it_is(as_manager, story, session):
    header = ["post_url", "captured_on", "Video link", "Total views"]
    link = "https://www.tiktok.com/@lea.glow/video/7616431466279434653"
    response = upload(
        as_manager, story.campaign, "both.csv", build_csv([header, [link, "2026-03-20", link, "5"]])
    )
    (batch,) = batches(session)
    page = as_manager.get(response.location)
    html = page.get_data(as_text=True)
    assert "Which export is this?" in text(page)
    options = re.findall(
        r'<option[^>]*value="(\w+)"', html.split('name="format"')[1].split("</select>")[0]
    )
    assert sorted(options) == ["generic", "tiktok_studio"]
    assert f'action="/campaigns/{story.campaign.id}/imports/{batch.id}/commit"' not in html

    chosen = as_manager.post(
        f"/campaigns/{story.campaign.id}/imports/{batch.id}/choices", data={"format": "generic"}
    )
    assert chosen.status_code == 302
    page = text(as_manager.get(chosen.location))
    assert "Tracker CSV" in page and "New posts 1" in page


def test_mapping_an_unknown_handle_in_the_preview_form(client, factory, session):
    story = build_story(factory, lea_handle="lea.officiel")
    as_manager = client
    sign_in(as_manager, factory.user(story.workspace, role="manager"))
    response = upload(
        as_manager, story.campaign, "Content.csv", (DATA / "tiktok_studio_content.csv").read_bytes()
    )
    page = as_manager.get(response.location)
    html = page.get_data(as_text=True)
    assert "TikTok account @lea.glow" in text(page)
    assert 'name="key-0" value="handle:tiktok:lea.glow"' in html
    # Only the TikTok participant is offered for a TikTok handle.
    select_html = html.split('name="map-0"')[1].split("</select>")[0]
    assert "Léa Martin · TikTok" in select_html and "Noah" not in select_html
    (batch,) = batches(session)

    mapped = as_manager.post(
        f"/campaigns/{story.campaign.id}/imports/{batch.id}/choices",
        data={"key-0": "handle:tiktok:lea.glow", "map-0": str(story.lea.id), "as_of": "2026-03-20"},
    )
    page = text(as_manager.get(mapped.location))
    assert "New posts 8" in page
    as_manager.post(f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit")
    assert count(session, Post) == 8


def test_discarding_a_preview_removes_it_and_its_file(as_manager, story, session):
    upload(as_manager, story.campaign, "ga4.csv", (DATA / "ga4_utm.csv").read_bytes())
    (batch,) = batches(session)
    response = as_manager.post(f"/campaigns/{story.campaign.id}/imports/{batch.id}/discard")
    assert response.status_code == 302
    assert batches(session) == [] and count(session, ImportFile) == 0


# ---------------------------------------------------------------------------- all or nothing


def test_a_failure_mid_commit_writes_nothing_and_can_be_retried(
    as_manager, story, session, monkeypatch
):
    upload(
        as_manager, story.campaign, "Content.csv", (DATA / "tiktok_studio_content.csv").read_bytes()
    )
    (batch,) = batches(session)
    real = commit_module.write_snapshots

    def failing(db, inputs, import_id=None):
        real(db, inputs, import_id=import_id)  # posts and snapshots are written, then…
        raise RuntimeError("disk full")

    monkeypatch.setattr(commit_module, "write_snapshots", failing)
    response = as_manager.post(f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit")
    page = text(as_manager.get(response.location))
    assert "The import failed and nothing was written." in page
    assert count(session, Post) == 0 and count(session, Snapshot) == 0
    (batch,) = batches(session)
    assert batch.status == "failed" and count(session, ImportFile) == 1

    monkeypatch.setattr(commit_module, "write_snapshots", real)
    as_manager.post(f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit")
    assert count(session, Post) == 8 and count(session, Snapshot) == 8
    assert batches(session)[0].status == "committed"


def test_committing_twice_writes_once(as_manager, story, session):
    upload(as_manager, story.campaign, "orders.csv", (DATA / "shopify_orders.csv").read_bytes())
    (batch,) = batches(session)
    as_manager.post(f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit")
    second = as_manager.post(
        f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit", follow_redirects=True
    )
    assert "This import was committed already." in text(second)


def test_a_large_file_is_committed_by_a_job_with_progress(app, as_manager, story, session):
    app.config["IMPORT_INLINE_ROWS"] = 5
    jobs_state(app).mode = "sync"  # the job runs when the request commits
    upload(
        as_manager, story.campaign, "Content.csv", (DATA / "tiktok_studio_content.csv").read_bytes()
    )
    (batch,) = batches(session)
    response = as_manager.post(f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit")
    assert response.status_code == 302
    (batch,) = batches(session)
    job = session.get(Job, batch.job_id)
    assert job.kind == "import" and job.status == "done"
    assert json.loads(job.result)["created"] == 16 and job.progress_total == 13
    assert batch.status == "committed" and count(session, Post) == 8


def test_a_large_upload_is_read_by_a_job_and_previewed_when_it_is_done(
    app, as_manager, story, session
):
    app.config["IMPORT_INLINE_BYTES"] = 1000
    jobs_state(app).mode = "sync"
    response = upload(
        as_manager, story.campaign, "Content.csv", (DATA / "tiktok_studio_content.csv").read_bytes()
    )
    (batch,) = batches(session)
    job = session.get(Job, batch.job_id)
    assert job.kind == "import_preview" and job.status == "done"
    page = text(as_manager.get(response.location))
    assert "New posts 8" in page and "Rows read 13" in page


def test_a_large_upload_that_is_not_an_export_is_refused_by_the_job(
    app, as_manager, story, session
):
    app.config["IMPORT_INLINE_BYTES"] = 10
    jobs_state(app).mode = "sync"
    response = upload(as_manager, story.campaign, "photo.csv", PNG)
    page = as_manager.get(response.location)
    assert (
        "This file cannot be imported: This looks like a PNG image, not a CSV or XLSX export."
        in text(page)
    )
    assert "/commit" not in page.get_data(as_text=True)  # nothing to import, only to discard
    (batch,) = batches(session)
    assert (
        as_manager.post(f"/campaigns/{story.campaign.id}/imports/{batch.id}/discard").status_code
        == 302
    )
    assert batches(session) == []


def test_a_preview_being_read_cannot_be_committed(app, as_manager, story, session, monkeypatch):
    app.config["IMPORT_INLINE_BYTES"] = 1000
    monkeypatch.setattr(jobs_service, "start", lambda app, job_id: None)  # the job stays queued
    upload(
        as_manager, story.campaign, "Content.csv", (DATA / "tiktok_studio_content.csv").read_bytes()
    )
    (batch,) = batches(session)
    response = as_manager.post(
        f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit", follow_redirects=True
    )
    assert "This file is being read or written: wait for it to finish." in text(response)
    assert "Reading the file: this page updates by itself." in text(response)
    assert count(session, Post) == 0


# ---------------------------------------------------------------------------- access


def test_viewers_cannot_import_and_other_workspaces_see_nothing(client, factory, story, session):
    viewer = factory.user(story.workspace, role="viewer")
    sign_in(client, viewer)
    assert client.get(f"/campaigns/{story.campaign.id}/imports").status_code == 403

    manager = factory.user(story.workspace, role="manager")
    sign_in(client, manager)
    upload(client, story.campaign, "ga4.csv", (DATA / "ga4_utm.csv").read_bytes())
    (batch,) = batches(session)

    stranger = factory.user(factory.workspace(), role="manager")
    sign_in(client, stranger)
    assert client.get(f"/campaigns/{story.campaign.id}/imports/{batch.id}").status_code == 404
    assert (
        client.post(f"/campaigns/{story.campaign.id}/imports/{batch.id}/commit").status_code == 404
    )


def test_the_pages_speak_french(as_manager, story):
    with as_manager.session_transaction() as flask_session:
        flask_session["lang"] = "fr"
    assert "Importer un export" in text(as_manager.get(f"/campaigns/{story.campaign.id}/imports"))
    response = upload(
        as_manager, story.campaign, "Content.csv", (DATA / "tiktok_studio_content.csv").read_bytes()
    )
    page = text(as_manager.get(response.location))
    assert "Aperçu : rien n’est encore importé." in page and "Nouvelles publications 8" in page
    assert "Une publication du 30/12/2025, hors des dates de la campagne." in page
    refused = upload(as_manager, story.campaign, "vide.csv", b"")
    assert "Fichier refusé" in text(refused)
