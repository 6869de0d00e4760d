"""TRACKER_TRUSTED_PROXIES: behind n proxies, X-Forwarded-For names the visitor; with 0 it is ignored."""

from __future__ import annotations

from datetime import date

import pytest

from tracker import analytics, create_app
from tracker.config import from_environment

from .conftest import BROWSER


@pytest.fixture
def proxied_client(app):
    """A second app on the same database, told that one proxy stands in front of it."""
    behind_proxy = create_app({**app.config, "TRACKER_TRUSTED_PROXIES": 1})
    yield behind_proxy.test_client()
    behind_proxy.extensions["tracker.engine"].dispose()


def _click_through_the_proxy(client, code: str, visitor_ip: str):
    # The proxy connects from 10.0.0.5 and appends the address it saw to X-Forwarded-For.
    return client.get(
        f"/l/{code}",
        headers={"User-Agent": BROWSER, "X-Forwarded-For": visitor_ip},
        environ_base={"REMOTE_ADDR": "10.0.0.5"},
    )


def _unique_clicks(session, linked) -> tuple[int, int]:
    [lea, _noah] = analytics.participation_rows(session, linked.campaign)
    return lea.clicks_recorded, lea.unique_clicks


def test_behind_one_trusted_proxy_two_visitors_are_two_unique_clicks(
    proxied_client, session, linked
):
    code = linked.lea.link_code
    assert _click_through_the_proxy(proxied_client, code, "198.51.100.1").status_code == 302
    assert _click_through_the_proxy(proxied_client, code, "198.51.100.2").status_code == 302
    _click_through_the_proxy(proxied_client, code, "198.51.100.1")  # the first one again

    assert _unique_clicks(session, linked) == (3, 2)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, session, linked):
    code = linked.lea.link_code
    _click_through_the_proxy(client, code, "198.51.100.1")
    _click_through_the_proxy(client, code, "198.51.100.2")

    # Both requests came from 10.0.0.5 with one browser: one visitor, as far as we may know.
    assert _unique_clicks(session, linked) == (2, 1)


def test_a_visitor_cannot_pick_their_ip_through_a_trusted_proxy(proxied_client, session, linked):
    # A forged header arrives first; the proxy appends the real address last, and with one
    # trusted proxy only that last address is believed.
    code = linked.lea.link_code
    for forged in ("203.0.113.1", "203.0.113.2"):
        proxied_client.get(
            f"/l/{code}",
            headers={"User-Agent": BROWSER, "X-Forwarded-For": f"{forged}, 198.51.100.7"},
            environ_base={"REMOTE_ADDR": "10.0.0.5"},
        )

    assert _unique_clicks(session, linked) == (2, 1)


def test_the_forwarded_scheme_and_host_make_the_shown_links_https(
    proxied_client, session, factory, linked
):
    user = factory.user(linked.workspace)
    with proxied_client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user.id)
        flask_session["_fresh"] = True

    page = proxied_client.get(
        f"/campaigns/{linked.campaign.id}/tracking",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "go.example.com"},
        environ_base={"REMOTE_ADDR": "10.0.0.5"},
    ).get_data(as_text=True)

    assert f"https://go.example.com/l/{linked.lea.link_code}" in page


@pytest.mark.parametrize(("value", "expected"), [("", 0), ("0", 0), ("1", 1), (" 2 ", 2)])
def test_the_setting_is_read_from_the_environment(monkeypatch, tmp_path, value, expected):
    monkeypatch.setenv("TRACKER_TRUSTED_PROXIES", value)

    assert from_environment(str(tmp_path))["TRACKER_TRUSTED_PROXIES"] == expected


def test_the_default_trusts_no_proxy(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_TRUSTED_PROXIES", raising=False)

    assert from_environment(str(tmp_path))["TRACKER_TRUSTED_PROXIES"] == 0


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_bad_setting_stops_the_start_with_its_name(monkeypatch, tmp_path, value):
    monkeypatch.setenv("TRACKER_TRUSTED_PROXIES", value)

    with pytest.raises(ValueError, match="TRACKER_TRUSTED_PROXIES must be a whole number"):
        from_environment(str(tmp_path))


def test_unique_clicks_reach_the_campaign_summary(proxied_client, session, linked):
    code = linked.lea.link_code
    _click_through_the_proxy(proxied_client, code, "198.51.100.1")
    _click_through_the_proxy(proxied_client, code, "198.51.100.2")

    summary = analytics.campaign_summary(session, linked.campaign, today=date(2026, 12, 31))

    assert (summary.clicks_recorded, summary.unique_clicks) == (2, 2)
