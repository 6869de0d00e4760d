"""Error pages in the app's style, JSON under /api/, and the missing-rate page."""

from __future__ import annotations

from datetime import date

import pytest

from tracker import create_app

from .conftest import sign_in, text


def test_not_found_page_in_the_app_style(as_manager):
    response = as_manager.get("/campaigns/424242/costs")
    assert response.status_code == 404
    assert "Page not found" in text(response) and 'class="topbar"' in response.get_data(
        as_text=True
    )


def test_forbidden_page_says_why(as_viewer):
    response = as_viewer.get("/campaigns/new")
    assert response.status_code == 403
    assert "You cannot do this" in text(response)


def test_api_paths_get_json_errors(as_manager):
    response = as_manager.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"] == "not_found"


def test_missing_rate_page_instead_of_a_crash(as_manager, world, factory, app):
    factory.cost(world.campaign, "100", currency="CHF", incurred_on=date(2026, 3, 2))
    if "dashboard.campaign" in app.view_functions:
        response = as_manager.get(f"/campaigns/{world.campaign.id}")
        assert response.status_code == 409
        page = text(response)
        assert "No exchange rate from CHF to EUR on or before 2026-03-02" in page
        assert "Add the rate" in page


def test_missing_rate_error_handler_answers_pages_and_api(app, client, world):
    from tracker.currency import MissingRateError

    def boom():
        raise MissingRateError("CHF", "EUR", date(2026, 3, 2))

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    sign_in(client, world.manager)
    as_manager = client
    page = as_manager.get("/boom")
    assert page.status_code == 409
    assert "/rates?base=CHF&amp;quote=EUR&amp;on=2026-03-02" in page.get_data(as_text=True)
    api = as_manager.get("/api/v1/boom")
    assert api.status_code == 409
    assert api.get_json() == {
        "error": "missing_exchange_rate",
        "message": "No exchange rate from CHF to EUR on or before 2026-03-02: figures in EUR cannot be computed.",
        "from": "CHF",
        "to": "EUR",
        "on": "2026-03-02",
    }


@pytest.fixture
def production_app(database_url, tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "x",
            "DATABASE_URL": database_url,
            "RATELIMIT_ENABLED": False,
            "TRACKER_REPORTS_DIR": str(tmp_path),
        }
    )
    yield app
    app.extensions["tracker.engine"].dispose()


def test_server_error_page_hides_the_traceback(production_app, factory):
    def crash():
        raise RuntimeError("secret detail")

    production_app.add_url_rule("/crash", "crash", crash)
    production_app.add_url_rule("/api/v1/crash", "api_crash", crash)
    user = factory.user()
    client = production_app.test_client()
    sign_in(client, user)
    response = client.get("/crash")
    assert response.status_code == 500
    assert "Something went wrong" in text(response) and "secret detail" not in text(response)
    api = client.get("/api/v1/crash")
    assert api.status_code == 500 and api.get_json()["error"] == "server_error"
