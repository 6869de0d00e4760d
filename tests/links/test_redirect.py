"""GET /l/<code>: one click recorded, then a 302 to the destination with UTM parameters."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tracker.links import service
from tracker.models import Click, Participation

from .conftest import BROWSER


def _clicks(session):
    session.expire_all()
    return session.exec(select(Click).order_by(Click.id)).all()


def _at(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr("tracker.links.hotpath.utcnow", lambda: moment)


def _signed(click_id: int) -> str:
    """The tclid docs/tracking.md specifies, under the tests' SECRET_KEY "test-secret"."""
    key = hmac.new(b"test-secret", b"tracker.links.click-id", hashlib.sha256).digest()
    digest = hmac.new(key, str(click_id).encode(), hashlib.sha256).digest()
    return f"{click_id}.{base64.urlsafe_b64encode(digest).decode()[:16]}"


def test_redirect_keeps_the_destination_and_adds_utm_parameters_and_the_click_id(
    client, session, linked
):
    response = client.get(f"/l/{linked.lea.link_code}", headers={"User-Agent": BROWSER})

    assert response.status_code == 302
    [click] = _clicks(session)
    assert response.headers["Location"] == (
        "https://shop.example/eclat?ref=bio&lang=fr"
        "&utm_source=tiktok&utm_medium=influencer&utm_campaign=printemps-eclat"
        f"&utm_content={linked.lea.link_code}&tclid={_signed(click.id)}#buy"
    )
    assert response.headers["Cache-Control"] == "no-store, private"


def test_the_redirect_sets_no_cookie_and_keeps_the_security_headers(client, linked):
    response = client.get(f"/l/{linked.lea.link_code}", headers={"User-Agent": BROWSER})

    assert "Set-Cookie" not in response.headers
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_utm_source_is_the_participation_platform(client, session, linked):
    response = client.get(f"/l/{linked.noah.link_code}", headers={"User-Agent": BROWSER})

    assert "utm_source=instagram&" in response.headers["Location"]
    assert f"utm_content={linked.noah.link_code}&" in response.headers["Location"]


def test_utm_parameters_already_on_the_destination_are_replaced_not_repeated(
    client, session, factory, linked
):
    linked.campaign.destination_url = (
        "https://shop.example/p?utm_source=newsletter&a=1&utm_medium=email&tclid=9"
    )
    factory._save(linked.campaign)

    location = client.get(f"/l/{linked.lea.link_code}").headers["Location"]

    [click] = _clicks(session)
    assert location == (
        "https://shop.example/p?a=1&utm_source=tiktok&utm_medium=influencer"
        f"&utm_campaign=printemps-eclat&utm_content={linked.lea.link_code}"
        f"&tclid={_signed(click.id)}"
    )


def test_a_click_is_recorded_with_a_daily_keyed_hash_of_the_visitor_never_the_ip(
    client, session, linked, monkeypatch
):
    _at(monkeypatch, datetime(2026, 3, 10, 9, 30, tzinfo=UTC))

    client.get(
        f"/l/{linked.lea.link_code}",
        headers={"User-Agent": BROWSER},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )

    [click] = _clicks(session)
    assert click.participation_id == linked.lea.id
    assert click.clicked_at == datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    assert click.day == date(2026, 3, 10)
    assert click.ua_class == "browser"
    # HMAC-SHA256(ip \n user agent) under a key derived from SECRET_KEY ("test-secret") and the day.
    day_key = hmac.new(b"test-secret", b"tracker.links.visitor:2026-03-10", hashlib.sha256).digest()
    expected = hmac.new(day_key, f"203.0.113.7\n{BROWSER}".encode(), hashlib.sha256).hexdigest()
    assert click.visitor_hash == expected
    assert "203.0.113.7" not in click.visitor_hash
    assert click.visitor_hash != hashlib.sha256(b"203.0.113.7").hexdigest()


def test_the_same_visitor_hashes_differently_on_another_day(client, session, linked, monkeypatch):
    for day in (10, 10, 11):
        _at(monkeypatch, datetime(2026, 3, day, 12, tzinfo=UTC))
        client.get(
            f"/l/{linked.lea.link_code}",
            headers={"User-Agent": BROWSER},
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        )

    first, same_day, next_day = _clicks(session)
    assert first.visitor_hash == same_day.visitor_hash
    assert next_day.visitor_hash != first.visitor_hash


def test_the_click_day_is_the_campaign_time_zone_day(client, session, linked, monkeypatch):
    # 23:30 UTC on 10 March is 00:30 on 11 March in Paris, where the campaign runs.
    _at(monkeypatch, datetime(2026, 3, 10, 23, 30, tzinfo=UTC))

    client.get(f"/l/{linked.lea.link_code}", headers={"User-Agent": BROWSER})

    assert _clicks(session)[0].day == date(2026, 3, 11)


@pytest.mark.parametrize(
    "user_agent",
    [
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "WhatsApp/2.23.20.0",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "",
    ],
)
def test_bots_and_link_previews_are_redirected_but_stored_as_bots(
    client, session, linked, user_agent
):
    response = client.get(f"/l/{linked.lea.link_code}", headers={"User-Agent": user_agent})

    # Previews must reach the page to show its title and image, so bots get the redirect too.
    assert response.status_code == 302
    assert [c.ua_class for c in _clicks(session)] == ["bot"]


def test_head_requests_are_stored_as_prefetch(client, session, linked):
    response = client.head(f"/l/{linked.lea.link_code}", headers={"User-Agent": BROWSER})

    assert response.status_code == 302
    assert [c.ua_class for c in _clicks(session)] == ["prefetch"]


@pytest.mark.parametrize(
    "header",
    [("Sec-Purpose", "prefetch"), ("Sec-Purpose", "prefetch;prerender"), ("Purpose", "prefetch")],
)
def test_browser_prefetches_are_stored_apart_and_declined(client, session, linked, header):
    response = client.get(
        f"/l/{linked.lea.link_code}", headers={"User-Agent": BROWSER, header[0]: header[1]}
    )

    # Declined, so the person's real click later comes to us instead of replaying the prefetch.
    assert response.status_code == 503
    assert "Location" not in response.headers
    assert [c.ua_class for c in _clicks(session)] == ["prefetch"]


def test_unknown_code_shows_a_404_page_and_records_nothing(client, session, linked):
    for code in ("nosuchcode", "x" * 40, "bad-code!"):
        response = client.get(f"/l/{code}")
        assert response.status_code == 404
        assert "This link does not exist." in response.get_data(as_text=True)
    assert _clicks(session) == []


def test_a_code_typed_in_capitals_still_works(client, session, linked):
    response = client.get(f"/l/{linked.lea.link_code.upper()}")

    assert response.status_code == 302
    assert len(_clicks(session)) == 1


def test_campaign_without_destination_says_the_link_is_not_active(client, session, factory, linked):
    linked.campaign.destination_url = None
    factory._save(linked.campaign)

    response = client.get(f"/l/{linked.lea.link_code}")

    assert response.status_code == 404
    assert "its campaign has no destination page" in response.get_data(as_text=True)
    assert _clicks(session) == []


def test_a_destination_that_is_not_a_web_address_is_never_redirected_to(
    client, session, factory, linked
):
    linked.campaign.destination_url = "javascript:alert(1)"
    factory._save(linked.campaign)

    response = client.get(f"/l/{linked.lea.link_code}")

    assert response.status_code == 404
    assert _clicks(session) == []


def test_links_need_no_sign_in(client, linked):
    response = client.get(f"/l/{linked.lea.link_code}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://shop.example/")


def test_the_link_lookup_is_cached_per_process(client, session, linked, monkeypatch):
    lookups = []
    lookup = service._lookup
    monkeypatch.setattr(service, "_lookup", lambda *a: lookups.append(a[1]) or lookup(*a))

    for _ in range(3):
        assert client.get(f"/l/{linked.lea.link_code}").status_code == 302

    assert lookups == [linked.lea.link_code]
    assert len(_clicks(session)) == 3


def test_a_changed_destination_applies_from_the_next_click(client, session, factory, linked):
    # The edit goes straight to the database, as one made through another server process would.
    code = linked.lea.link_code
    assert client.get(f"/l/{code}").headers["Location"].startswith("https://shop.example/eclat?")
    linked.campaign.destination_url = "https://shop.example/summer"
    factory._save(linked.campaign)

    location = client.get(f"/l/{code}").headers["Location"]

    first, second = _clicks(session)
    assert location == (
        "https://shop.example/summer?utm_source=tiktok&utm_medium=influencer"
        f"&utm_campaign=printemps-eclat&utm_content={code}&tclid={_signed(second.id)}"
    )


def test_a_changed_slug_platform_or_time_zone_applies_from_the_next_click(
    client, session, factory, linked, monkeypatch
):
    _at(monkeypatch, datetime(2026, 3, 10, 23, 30, tzinfo=UTC))
    code = linked.lea.link_code
    assert client.get(f"/l/{code}").status_code == 302
    linked.campaign.slug = "ete-eclat"
    linked.campaign.timezone = "America/New_York"
    factory._save(linked.campaign)
    linked.lea.platform = "youtube"
    factory._save(linked.lea)

    location = client.get(f"/l/{code}").headers["Location"]

    assert "utm_source=youtube&" in location
    assert "utm_campaign=ete-eclat&" in location
    paris, new_york = _clicks(session)
    assert (paris.day, new_york.day) == (date(2026, 3, 11), date(2026, 3, 10))


def test_a_destination_removed_while_cached_stops_the_link_and_records_nothing(
    client, session, factory, linked
):
    code = linked.lea.link_code
    assert client.get(f"/l/{code}").status_code == 302
    linked.campaign.destination_url = None
    factory._save(linked.campaign)

    response = client.get(f"/l/{code}")

    assert response.status_code == 404
    assert "its campaign has no destination page" in response.get_data(as_text=True)
    assert len(_clicks(session)) == 1


def test_a_destination_added_to_an_inactive_link_applies_at_once(client, session, factory, linked):
    linked.campaign.destination_url = None
    factory._save(linked.campaign)
    assert client.get(f"/l/{linked.lea.link_code}").status_code == 404
    linked.campaign.destination_url = "https://shop.example/summer"
    factory._save(linked.campaign)

    response = client.get(f"/l/{linked.lea.link_code}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://shop.example/summer?")
    assert len(_clicks(session)) == 1


def test_a_link_whose_participation_was_removed_while_cached_answers_404(client, session, linked):
    code = linked.lea.link_code
    assert client.get(f"/l/{code}").status_code == 302
    session.delete(session.get(Participation, linked.lea.id))
    session.commit()

    response = client.get(f"/l/{code}")

    assert response.status_code == 404
    assert _clicks(session) == []  # the first click went with the participation


def test_a_click_the_fast_path_could_not_record_is_recorded_by_the_view(
    client, session, linked, monkeypatch
):
    """The WSGI fast path hands an error to Flask's view, which records the click once."""
    real = service.record_link_click
    calls = []

    def fails_first(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away for a moment")
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "record_link_click", fails_first)

    response = client.get(f"/l/{linked.lea.link_code}", headers={"User-Agent": BROWSER})

    assert response.status_code == 302
    [click] = _clicks(session)
    assert response.headers["Location"].endswith(f"&tclid={_signed(click.id)}#buy")
    assert len(calls) == 2
