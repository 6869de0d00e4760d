# ruff: noqa: F811  (the browser fixtures are imported, then requested by name)
"""The upload in a real browser: the script sends the file with a progress bar, and without
JavaScript the same form is a plain POST; both end on the same preview."""

from __future__ import annotations

import pytest

from ..browser.conftest import (  # noqa: F401  (fixtures)
    VIEWPORT,
    browser,
    live_factory,
    live_server,
    page,
    page_factory,
    screenshot,
    sign_in,
)
from ..importers.conftest import DATA
from ..importers.test_service import build_story

pytestmark = pytest.mark.browser


def test_the_script_uploads_with_progress_then_opens_the_preview(live_server, live_factory, page):
    story = build_story(live_factory)
    manager = live_factory.user(story.workspace, role="manager")
    sign_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}/campaigns/{story.campaign.id}/imports")
    assert page.locator("#upload-progress").is_hidden()

    page.set_input_files("input[type=file]", str(DATA / "tiktok_studio_content.csv"))
    page.fill("input[name=as_of]", "2026-03-20")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click("#import-upload button[type=submit]")
    assert answer.value.status == 201  # the script asked for JSON
    assert answer.value.request.headers["accept"] == "application/json"
    page.wait_for_url("**/imports/*")
    assert "New posts" in page.inner_text("main") and "8" in page.inner_text(
        "[data-count=posts_created]"
    )
    screenshot(page, "imports-preview")

    page.click("text=Import the file")
    page.wait_for_load_state("domcontentloaded")
    assert "The file was imported." in page.inner_text("main")


def test_a_refusal_is_shown_in_the_form_by_the_script(live_server, live_factory, page, tmp_path):
    story = build_story(live_factory)
    manager = live_factory.user(story.workspace, role="manager")
    sign_in(page, live_server.url, manager.email)
    page.goto(f"{live_server.url}/campaigns/{story.campaign.id}/imports")
    image = tmp_path / "photo.csv"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    page.set_input_files("input[type=file]", str(image))
    page.click("#import-upload button[type=submit]")
    page.wait_for_selector("#upload-error:not([hidden])")
    assert (
        page.inner_text("#upload-error") == "This looks like a PNG image, not a CSV or XLSX export."
    )
    assert page.url.endswith("/imports")


def test_without_javascript_the_form_posts_and_shows_the_preview(
    live_server, live_factory, browser
):
    story = build_story(live_factory)
    manager = live_factory.user(story.workspace, role="manager")
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, manager.email)
        page.goto(f"{live_server.url}/campaigns/{story.campaign.id}/imports")
        page.set_input_files("input[type=file]", str(DATA / "shopify_orders.csv"))
        page.click("#import-upload button[type=submit]")
        page.wait_for_url("**/imports/*")
        assert "Promo code TIKTOK20" in page.inner_text("main")
        assert page.inner_text("[data-count=conversions_created]") == "7"
    finally:
        context.close()
