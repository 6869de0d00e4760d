"""The cached dashboard is never stale: after each kind of write, the next load shows it.

Every test loads the page once (so its body is cached), reads a figure as a person would,
writes through the path a person or system uses (a form, a public endpoint, the API, another
process), loads again and reads the new, hand-computed figure. Only
test_a_reload_without_a_write_is_not_computed_again looks inside (it counts computations).
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest

from tracker import create_app
from tracker.db import make_engine, session_scope
from tracker.models import Snapshot
from tracker.tokens.service import create_token

from .conftest import sign_in
from .test_dashboard import cells, find_all, text_of

SECRET = "shop-secret-0123456789abcdef"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


@dataclass
class Live:
    """The world's campaign with results: one creator, one post, figures on every card."""

    campaign: object
    participation: object
    influencer: object
    post: object


@pytest.fixture
def live(world, factory, session) -> Live:
    campaign = world.campaign  # Mar 1–31, 2026, EUR: ended by the time these tests run
    campaign.destination_url = "https://shop.example/printemps"
    campaign.conversion_secret = SECRET
    session.add(campaign)
    session.commit()
    jade = factory.influencer(world.workspace.id, handle="jade", name="Jade Martin")
    part = factory.participation(campaign, jade, promo_code="JADE10", followers_at_join=25_000)
    post = factory.post(part)
    factory.snapshot(campaign=campaign, post=post, captured_on=date(2026, 3, 5), views=1_000)
    factory.cost(campaign, "1000.00", participation=part)
    factory.conversion(campaign, "A-1", "40.00", participation=part)
    factory.click(part, date(2026, 3, 5))
    return Live(campaign=campaign, participation=part, influencer=jade, post=post)


@pytest.fixture
def manager(app, world, live):
    return client_for(app, world.manager)


def load(client, live: Live, query: str = "") -> str:
    response = client.get(f"/campaigns/{live.campaign.id}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def kpi(html: str, key: str) -> str:
    return text_of(html, "data-kpi", key)


def clicks(html: str) -> str:
    return text_of(html, "data-attr", "clicks")


def creator(html: str, live: Live) -> list[str]:
    """The creator's row of the influencers table: name cell, then tier cell."""
    return cells(html, "data-participation", str(live.participation.id))[:2]


def body(html: str) -> str:
    """The part of the page below the campaign's header (the part the cache keeps)."""
    return html[html.index('<div class="dash">') : html.index("</main>")]


@contextmanager
def another_process(app):
    """A session on an engine of its own, as a worker or a script in another process has."""
    engine = make_engine(app.config["DATABASE_URL"])
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def client_for(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def add_cost(client, live: Live, amount: str) -> None:
    """A shared production cost, entered on the costs form."""
    response = client.post(
        f"/campaigns/{live.campaign.id}/costs/new",
        data={
            "category": "production",
            "participation_id": "",
            "description": "Studio day",
            "amount": amount,
            "currency": "EUR",
            "incurred_on": "2026-03-03",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def follow(app, code: str, answers: list[int] | None = None) -> None:
    """Follow a tracked link as a visitor would, on a client (and thread) of its own."""
    response = app.test_client().get(f"/l/{code}", headers={"User-Agent": BROWSER})
    if answers is not None:
        answers.append(response.status_code)
    assert response.status_code == 302


def wait_for_a_lock_wait(cursor) -> None:
    """Until a session of this database waits on a lock (PostgreSQL)."""
    for _ in range(200):
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        if cursor.fetchone()[0]:
            return
        time.sleep(0.05)
    raise AssertionError("the first redirect never waited on the lock")


def freeze_today(monkeypatch, day: date) -> None:
    class Today(date):
        @classmethod
        def today(cls) -> date:
            return day

    monkeypatch.setattr("tracker.dashboard.views.date", Today)


# ---------------------------------------------------------------------------- writes


def test_a_snapshot_added_through_the_results_form_shows_on_the_next_load(manager, live):
    assert kpi(load(manager, live), "views") == "1,000"

    response = manager.post(
        f"/campaigns/{live.campaign.id}/posts/{live.post.id}/snapshots/new",
        data={
            "captured_on": "2026-03-12",
            "views": "1500",
            "revenue": "",
            "revenue_currency": "EUR",
        },
    )
    assert response.status_code == 302

    assert kpi(load(manager, live), "views") == "1,500"  # the post's latest snapshot


def test_a_cost_added_through_the_costs_form_shows_on_the_next_load(manager, live):
    assert kpi(load(manager, live), "cost") == "€1,000.00"

    add_cost(manager, live, "250.50")

    assert kpi(load(manager, live), "cost") == "€1,250.50"  # 1,000 direct + 250.50 shared


def test_a_click_through_the_tracked_link_shows_on_the_next_load(manager, app, live):
    assert clicks(load(manager, live)) == "1"

    follow(app, live.participation.link_code)

    assert clicks(load(manager, live)) == "2"


def test_a_click_that_commits_after_a_later_click_shows_on_the_next_load(
    manager, app, factory, live, db_kind
):
    """Two visitors at once: the redirect holding the lower click id may commit last.

    Each redirect's INSERT takes its id, then commits. Here the first one is held between the
    two by a lock on its creator's row (its foreign-key check waits, id already taken), which
    only makes the timing certain: PostgreSQL hands out ids in one order and may commit in
    another. A page computed in between has seen the higher id.
    """
    if db_kind == "sqlite":
        pytest.skip("SQLite takes one writer at a time: click ids commit in the order taken")
    noah = factory.participation(live.campaign, platform="instagram")
    assert clicks(load(manager, live)) == "1"

    engine = make_engine(app.config["DATABASE_URL"])
    locker = engine.raw_connection()
    try:
        held = locker.cursor()
        held.execute(f"SELECT 1 FROM participation WHERE id = {live.participation.id} FOR UPDATE")
        answers: list[int] = []
        slow = threading.Thread(target=follow, args=(app, live.participation.link_code, answers))
        slow.start()
        wait_for_a_lock_wait(held)  # its click has taken id 2 and waits to commit
        follow(app, noah.link_code)  # click 3, committed
        assert clicks(load(manager, live)) == "2"  # clicks 1 and 3
        locker.rollback()
        slow.join(timeout=10)
    finally:
        locker.close()
        engine.dispose()
    assert answers == [302]

    assert clicks(load(manager, live, "?sort=views")) == "3"  # a page computed now has it…
    assert clicks(load(manager, live)) == "3"  # …and so must the reload


def test_a_conversion_reported_by_the_shop_shows_on_the_next_load(manager, client, live):
    assert cells(load(manager, live), "data-attribution", "promo_code") == [
        "Promo code",
        "1",
        "€40.00",
    ]

    response = client.post(
        "/api/v1/conversions",
        data=json.dumps(
            {
                "order_id": "A-2",
                "amount": "59.90",
                "currency": "EUR",
                "occurred_at": "2026-03-10T14:03:00+01:00",
                "promo_code": "jade10",
            }
        ),
        headers={"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.get_json()

    assert cells(load(manager, live), "data-attribution", "promo_code") == [
        "Promo code",
        "2",
        "€99.90",  # 40.00 + 59.90
    ]


def test_an_influencer_renamed_through_its_form_shows_on_the_next_load(manager, live):
    assert creator(load(manager, live), live)[0] == "Jade Martin @jade · TikTok · code JADE10"

    response = manager.post(
        f"/influencers/{live.influencer.id}/edit",
        data={
            "name": "Jade Morel",
            "tiktok-handle": "jade",
            "tiktok-followers": "25000",
            **{f"{p}-{f}": "" for p in ("instagram", "youtube") for f in ("handle", "followers")},
        },
    )
    assert response.status_code == 302

    assert creator(load(manager, live), live)[0] == "Jade Morel @jade · TikTok · code JADE10"


def test_new_tier_bands_show_on_the_next_load(manager, app, world, factory, live):
    assert creator(load(manager, live), live)[1] == "Micro 25,000"  # 10,000–49,999 by default

    admin = client_for(app, factory.user(world.workspace, role="admin"))
    response = admin.post(
        "/admin/workspace",
        data={
            "tier_micro_min": "10000",
            "tier_mid_min": "20000",
            "tier_macro_min": "500000",
            "tier_mega_min": "1000000",
        },
    )
    assert response.status_code == 302

    assert creator(load(manager, live), live)[1] == "Mid 25,000"  # now 20,000–499,999


def test_a_write_committed_by_another_process_shows_on_the_next_load(manager, app, live):
    assert kpi(load(manager, live), "views") == "1,000"

    with another_process(app) as session:
        session.add(
            Snapshot(
                campaign_id=live.campaign.id,
                participation_id=live.participation.id,
                post_id=live.post.id,
                captured_on=date(2026, 3, 20),
                source="manual",
                views=2_000,
            )
        )

    assert kpi(load(manager, live), "views") == "2,000"


def test_a_thousand_snapshots_through_the_api_bulk_path_show_on_the_next_load(
    manager, session, world, live
):
    # From 1,000 rows on, snapshots go to the DBAPI cursor (COPY / executemany), out of
    # SQLAlchemy's sight; the same transaction's rollups and audit entry go through it.
    _row, token = create_token(session, user=world.manager, name="bulk")
    session.commit()
    assert kpi(load(manager, live), "views") == "1,000"

    days = [date.fromordinal(date(2024, 1, 1).toordinal() + i) for i in range(1_000)]
    response = manager.post(
        f"/api/v1/campaigns/{live.campaign.id}/snapshots/bulk",
        json={
            "snapshots": [
                {"post_id": live.post.id, "captured_on": d.isoformat(), "metrics": {"views": 5 * n}}
                for n, d in enumerate(days, start=1)
            ]
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 1_000

    # The post's latest snapshot is the 1,000th (Sep 26, 2026): 5 × 1,000 views.
    assert kpi(load(manager, live), "views") == "5,000"


# ---------------------------------------------------------------------------- the key


def test_the_next_day_shows_the_new_day(manager, live, monkeypatch):
    freeze_today(monkeypatch, date(2026, 3, 10))
    assert text_of(load(manager, live), "data-asof", None).endswith("Day 10 of 31.")

    freeze_today(monkeypatch, date(2026, 3, 11))

    assert text_of(load(manager, live), "data-asof", None).endswith("Day 11 of 31.")


def test_switching_to_french_shows_the_page_in_french(manager, live):
    html = load(manager, live)
    assert text_of(html, "data-asof", None) == "Latest figures: the latest snapshot of each post."
    assert kpi(html, "views") == "1,000"

    response = manager.post("/lang", data={"lang": "fr", "next": f"/campaigns/{live.campaign.id}"})
    assert response.status_code == 302

    html = load(manager, live)
    assert text_of(html, "data-asof", None) == (
        "Derniers chiffres : le dernier relevé de chaque publication."
    )
    assert kpi(html, "views") == "1\u202f000"


def test_a_reload_without_a_write_is_not_computed_again(manager, live, monkeypatch):
    from tracker.dashboard import views

    computed = []

    def counting(*args, **kwargs):
        computed.append(1)
        return campaign_page(*args, **kwargs)

    campaign_page = views.campaign_page
    monkeypatch.setattr(views, "campaign_page", counting)

    assert load(manager, live) == load(manager, live)
    assert len(computed) == 1

    load(manager, live, "?sort=views")
    load(manager, live, "?as_of=2026-03-05")
    assert len(computed) == 3

    load(manager, live, "?sort=views")
    load(manager, live)
    assert len(computed) == 3

    load(manager, live, "?utm_source=newsletter")  # an argument the page does not read
    load(manager, live, "?sort=views&order=asc")
    assert len(computed) == 4


# ---------------------------------------------------------------------------- who sees it


def test_a_viewer_and_a_manager_get_their_own_header_around_the_same_body(app, world, live):
    as_manager, as_viewer = client_for(app, world.manager), client_for(app, world.viewer)
    tabs = "Dashboard Influencers Costs Results Tracked links"

    first = load(as_manager, live)  # cached here
    seen = load(as_viewer, live)
    again = load(as_manager, live)

    assert text_of(first, "class", "tabs") == f"{tabs} Imports Recap Share links Settings"
    assert text_of(seen, "class", "tabs") == f"{tabs} Recap"
    assert text_of(first, "class", "user") == f"{world.manager.email} · Manager"
    assert text_of(seen, "class", "user") == f"{world.viewer.email} · Viewer"
    assert again == first
    assert body(seen) == body(first)


def test_another_workspace_or_brand_still_gets_404_once_the_page_is_cached(
    app, world, factory, live
):
    assert kpi(load(client_for(app, world.manager), live), "views") == "1,000"
    brand_user = factory.user(
        world.workspace, role="brand", brand_id=factory.brand(world.workspace).id
    )

    for user in (world.other_manager, brand_user):
        response = client_for(app, user).get(f"/campaigns/{live.campaign.id}")
        assert response.status_code == 404
        assert find_all(response.get_data(as_text=True), "data-kpi") == []


# ---------------------------------------------------------------------------- no cache


@pytest.fixture
def uncached_app(app):
    """The same database, served by an app made with the page cache turned off."""
    keys = ("TESTING", "SECRET_KEY", "DATABASE_URL", "WTF_CSRF_ENABLED", "TRACKER_REPORTS_DIR")
    other = create_app(
        {**{k: app.config[k] for k in keys}, "RATELIMIT_ENABLED": False, "TRACKER_PAGE_CACHE_MB": 0}
    )
    yield other
    other.extensions["tracker.engine"].dispose()


def test_with_the_cache_off_the_page_works_and_is_always_fresh(uncached_app, world, live):
    client = client_for(uncached_app, world.manager)
    assert kpi(load(client, live), "cost") == "€1,000.00"

    add_cost(client, live, "250.50")
    assert kpi(load(client, live), "cost") == "€1,250.50"

    # Even a write the data version cannot see (raw SQL) shows: nothing is kept.
    raw = uncached_app.extensions["tracker.engine"].raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"UPDATE influencer SET name = 'Jade Morel' WHERE id = {live.influencer.id}")
        raw.commit()
    finally:
        raw.close()
    assert creator(load(client, live), live)[0] == "Jade Morel @jade · TikTok · code JADE10"
