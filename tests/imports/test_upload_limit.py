"""The upload limit: 200 MB by default (a 1M-row CSV fits), set by TRACKER_MAX_UPLOAD_MB."""

from __future__ import annotations

import io

import pytest

from tracker.config import from_environment, upload_limit_mb
from tracker.importers.errors import ImportRefused
from tracker.importers.reading import MAX_BYTES, check_size, read_upload

from ..support.uploads import batches
from ..web.conftest import text

MB = 1024 * 1024


def test_the_limit_is_200_mb_unless_tracker_max_upload_mb_says_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_MAX_UPLOAD_MB", raising=False)
    assert from_environment(str(tmp_path))["MAX_CONTENT_LENGTH"] == 200 * MB

    monkeypatch.setenv("TRACKER_MAX_UPLOAD_MB", "350")
    assert from_environment(str(tmp_path))["MAX_CONTENT_LENGTH"] == 350 * MB


@pytest.mark.parametrize("value", ["0", "-5", "lots", "1.5"])
def test_a_limit_that_is_not_a_whole_number_of_mb_stops_the_start(value):
    with pytest.raises(ValueError, match="TRACKER_MAX_UPLOAD_MB must be a whole number of MB"):
        upload_limit_mb(value)


def test_a_60_mb_file_passes_the_size_checks_that_refused_it_at_50_mb():
    data = read_upload(io.BytesIO(b"x" * (60 * MB)))
    assert len(data) == 60 * MB
    check_size(60 * MB)
    with pytest.raises(ImportRefused, match="The file is larger than the 200 MB limit."):
        check_size(MAX_BYTES + 1)


def test_the_upload_page_states_the_limit_to_the_user_and_to_its_script(as_manager, story):
    response = as_manager.get(f"/campaigns/{story.campaign.id}/imports")
    assert "Up to 200 MB." in text(response)
    assert f'data-max-bytes="{200 * MB}"' in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused_with_a_clear_message_in_french(
    app, in_french, story, session
):
    app.config["MAX_CONTENT_LENGTH"] = 1 * MB
    body = b"post_url,captured_on\n" + b"https://www.tiktok.com/@a/video/1,2026-03-01\n" * 30_000
    response = in_french.post(
        f"/campaigns/{story.campaign.id}/imports",
        data={"file": (io.BytesIO(body), "big.csv")},
        content_type="multipart/form-data",
        environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert "Le fichier dépasse la limite de 1 Mo : il a été refusé avant d’être lu." in text(
        response
    )
    assert batches(session) == []
