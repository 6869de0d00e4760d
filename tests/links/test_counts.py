"""Clicks made through the links, as the dashboard counts them (analytics)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tracker import analytics

from .conftest import BROWSER

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


def _click(client, monkeypatch, code, when, ip="198.51.100.1", ua=BROWSER, **headers):
    monkeypatch.setattr("tracker.links.hotpath.utcnow", lambda: when)
    return client.get(
        f"/l/{code}", headers={"User-Agent": ua, **headers}, environ_base={"REMOTE_ADDR": ip}
    )


def test_unique_clicks_count_each_visitor_once_per_day_beside_total_clicks(
    client, session, linked, monkeypatch
):
    code = linked.lea.link_code
    ten, eleven = datetime(2026, 3, 10, 9, tzinfo=UTC), datetime(2026, 3, 11, 9, tzinfo=UTC)
    _click(client, monkeypatch, code, ten, ip="198.51.100.1")  # visitor A
    _click(client, monkeypatch, code, ten.replace(hour=15), ip="198.51.100.1")  # A again
    _click(
        client, monkeypatch, code, ten, ip="198.51.100.1", ua=FIREFOX
    )  # B: same IP, other browser
    _click(client, monkeypatch, code, ten, ip="198.51.100.2")  # C
    _click(client, monkeypatch, code, eleven, ip="198.51.100.1")  # A, next day

    [lea, noah] = analytics.participation_rows(session, linked.campaign)

    assert (lea.clicks_recorded, lea.unique_clicks) == (5, 4)  # A·10, B·10, C·10, A·11
    assert lea.totals["link_clicks"] == 5
    assert (noah.clicks_recorded, noah.unique_clicks) == (0, 0)


def test_bots_and_prefetches_are_counted_apart_not_as_clicks(client, session, linked, monkeypatch):
    code, when = linked.lea.link_code, datetime(2026, 3, 10, 9, tzinfo=UTC)
    _click(client, monkeypatch, code, when)
    _click(client, monkeypatch, code, when, ip="198.51.100.9")
    _click(client, monkeypatch, code, when, ua="facebookexternalhit/1.1")
    _click(client, monkeypatch, code, when, ua="Twitterbot/1.0")
    _click(client, monkeypatch, code, when, **{"Sec-Purpose": "prefetch"})
    client.head(f"/l/{code}", headers={"User-Agent": BROWSER})

    summary = analytics.campaign_summary(session, linked.campaign, today=date(2026, 3, 31))

    assert summary.clicks_recorded == 2
    assert summary.totals["link_clicks"] == 2
    assert summary.bot_clicks == 4  # 2 bots, 1 prefetch, 1 HEAD


def test_a_visitor_clicking_two_creators_links_is_unique_on_each(
    client, session, linked, monkeypatch
):
    when = datetime(2026, 3, 10, 9, tzinfo=UTC)
    _click(client, monkeypatch, linked.lea.link_code, when)
    _click(client, monkeypatch, linked.noah.link_code, when)

    summary = analytics.campaign_summary(session, linked.campaign, today=date(2026, 3, 31))

    assert (summary.clicks_recorded, summary.unique_clicks) == (2, 2)
