"""Posts and manual snapshots: forms, snapshot rules, history, audit log."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel import select

from tracker.models import Post, Snapshot

from ..reference import build_reference
from .conftest import audit_entries, field_errors, sign_in, text

TIKTOK_URL = "https://www.tiktok.com/@jade/video/7616431466279434653?is_from_webapp=1"


def _posts(session) -> list[Post]:
    session.expire_all()
    return list(session.exec(select(Post).order_by(Post.id)).all())


def _snapshots(session) -> list[Snapshot]:
    session.expire_all()
    return list(session.exec(select(Snapshot).order_by(Snapshot.id)).all())


def _post_data(participation, **changes):
    return {
        "participation_id": participation.id,
        "url": TIKTOK_URL,
        "posted_at": "2026-03-04T19:30",
        "is_paid": "paid",
        "title": "Routine",
        **changes,
    }


def test_add_a_post_in_the_campaign_time_zone(as_manager, world, factory, session):
    part = factory.participation(world.campaign)
    url = f"/campaigns/{world.campaign.id}/posts/new"
    response = as_manager.post(url, data=_post_data(part))
    assert response.status_code == 302
    (post,) = _posts(session)
    assert post.url_key == "https://tiktok.com/@jade/video/7616431466279434653"
    assert post.is_paid and post.platform == "tiktok"
    assert post.posted_at == datetime(2026, 3, 4, 18, 30, tzinfo=UTC)  # 19:30 in Paris
    assert response.location.endswith(f"/posts/{post.id}/snapshots/new")


def test_post_form_errors_are_shown_and_nothing_is_written(as_manager, world, factory, session):
    part = factory.participation(world.campaign)
    factory.post(
        part,
        url="https://www.tiktok.com/@jade/video/7616431466279434653",
        url_key="https://tiktok.com/@jade/video/7616431466279434653",
    )
    before = len(_posts(session))
    cases = [
        ({"url": ""}, "Paste the link to the post."),
        ({"url": "not a link"}, "Enter a full link, starting with https://"),
        ({"url": TIKTOK_URL}, "This post is already in the campaign."),
        (
            {"url": "https://www.instagram.com/reel/DA1b2C3d4E5/"},
            "This link points to Instagram, but this influencer takes part on TikTok.",
        ),
        ({"posted_at": "yesterday"}, "Not a valid datetime value."),
        ({"participation_id": "99999"}, "Not a valid choice."),
    ]
    for change, message in cases:
        response = as_manager.post(
            f"/campaigns/{world.campaign.id}/posts/new", data=_post_data(part, **change)
        )
        assert response.status_code == 422, change
        assert message in field_errors(response), (change, field_errors(response))
    assert len(_posts(session)) == before


def _figures(**values):
    data = {"captured_on": "2026-03-05", "revenue": "", "revenue_currency": "EUR"}
    return {**data, **{k: str(v) for k, v in values.items()}}


def test_manual_figures_become_a_manual_snapshot(as_manager, world, factory, session):
    post = factory.post(factory.participation(world.campaign))
    url = f"/campaigns/{world.campaign.id}/posts/{post.id}/snapshots/new"
    response = as_manager.post(url, data=_figures(views="12 000", likes="800"))
    assert response.status_code == 302
    (snap,) = _snapshots(session)
    assert (snap.source, snap.captured_on, snap.views, snap.likes, snap.saves) == (
        "manual",
        date(2026, 3, 5),
        12_000,
        800,
        None,  # left empty: not zero
    )
    (entry,) = audit_entries(session, "snapshot")
    assert entry.action == "create" and json.loads(entry.detail)["after"] == {
        "views": 12000,
        "likes": 800,
    }


def test_adding_to_the_same_day_merges_and_editing_replaces(as_manager, world, factory, session):
    post = factory.post(factory.participation(world.campaign))
    cid = world.campaign.id
    as_manager.post(f"/campaigns/{cid}/posts/{post.id}/snapshots/new", data=_figures(views=100))
    as_manager.post(f"/campaigns/{cid}/posts/{post.id}/snapshots/new", data=_figures(likes=9))
    (snap,) = _snapshots(session)
    assert (snap.views, snap.likes) == (100, 9)
    edit = f"/campaigns/{cid}/snapshots/{snap.id}/edit"
    assert as_manager.post(edit, data=_figures(views=150)).status_code == 302
    (snap,) = _snapshots(session)
    assert (snap.views, snap.likes) == (150, None)
    actions = [e.action for e in audit_entries(session, "snapshot")]
    assert actions == ["create", "update", "update"]
    last = json.loads(audit_entries(session, "snapshot")[-1].detail)
    assert last["before"] == {"views": 100, "likes": 9} and last["after"] == {"views": 150}


def test_revenue_is_a_decimal_with_its_currency(as_manager, world, factory, session):
    post = factory.post(factory.participation(world.campaign))
    url = f"/campaigns/{world.campaign.id}/posts/{post.id}/snapshots/new"
    data = _figures(conversions=3, revenue="149,90", revenue_currency="eur")
    assert as_manager.post(url, data=data).status_code == 302
    (snap,) = _snapshots(session)
    assert (snap.revenue, snap.revenue_currency, snap.conversions) == (Decimal("149.90"), "EUR", 3)


def test_snapshot_form_errors_are_shown_and_nothing_is_written(as_manager, world, factory, session):
    post = factory.post(factory.participation(world.campaign))
    url = f"/campaigns/{world.campaign.id}/posts/{post.id}/snapshots/new"
    cases = [
        ({"views": "-1"}, "Enter zero or more."),
        ({"views": "12.5"}, "Enter a whole number."),
        ({"likes": "many"}, "Enter a whole number."),
        ({"revenue": "-3"}, "Enter zero or more."),
        ({"revenue": "10", "revenue_currency": ""}, "Enter the currency of the revenue."),
        (
            {"revenue": "10", "revenue_currency": "EUA"},
            "Unknown currency code: use ISO 4217, such as EUR or USD.",
        ),
        ({"views": "10", "captured_on": "2099-01-01"}, "Figures cannot be dated in the future."),
        ({"views": "10", "captured_on": ""}, "Enter the date of these figures."),
    ]
    for change, message in cases:
        response = as_manager.post(url, data={**_figures(), **change})
        assert response.status_code == 422, change
        assert message in field_errors(response), (change, field_errors(response))
    response = as_manager.post(url, data=_figures())
    assert response.status_code == 422
    assert "Enter at least one figure." in text(response)
    assert _snapshots(session) == []


def test_campaign_level_hashtag_uses(as_manager, world, session):
    url = f"/campaigns/{world.campaign.id}/snapshots/new"
    assert as_manager.post(url, data=_figures(hashtag_uses="1 234")).status_code == 302
    (snap,) = _snapshots(session)
    assert (snap.post_id, snap.participation_id, snap.hashtag_uses) == (None, None, 1234)
    page = text(as_manager.get(f"/campaigns/{world.campaign.id}/results"))
    assert "1,234" in page


def test_post_history_shows_every_source_and_the_latest_values(client, factory):
    ref = build_reference(factory)
    sign_in(client, factory.user(ref.workspace))
    lea_post = next(p for p in ref.posts.values() if p.participation_id == ref.lea.id)
    response = client.get(f"/campaigns/{ref.campaign.id}/posts/{lea_post.id}")
    page = text(response)
    assert "Entered by hand" in page and "TikTok Studio" in page
    assert "Mar 5, 2026" in page and "Mar 12, 2026" in page
    # As of the end: views 20,000 from the studio export, saves 20 kept from the manual one.
    assert "20,000" in page and "1,670" in page and "8.35%" in page
    results = text(client.get(f"/campaigns/{ref.campaign.id}/results"))
    assert "400,000" in results and "9,000" in results and "2.25%" in results


def test_imported_snapshots_cannot_be_edited_by_hand(as_manager, world, factory):
    post = factory.post(factory.participation(world.campaign))
    snap = factory.snapshot(
        campaign=world.campaign,
        post=post,
        captured_on=date(2026, 3, 5),
        source="tiktok_studio",
        views=5,
    )
    cid = world.campaign.id
    assert as_manager.get(f"/campaigns/{cid}/snapshots/{snap.id}/edit").status_code == 404
    assert as_manager.post(f"/campaigns/{cid}/snapshots/{snap.id}/delete").status_code == 404


def test_delete_a_manual_snapshot_and_a_post(as_manager, world, factory, session):
    post = factory.post(factory.participation(world.campaign))
    snap = factory.snapshot(
        campaign=world.campaign, post=post, captured_on=date(2026, 3, 5), views=5
    )
    cid, post_id, snap_id = world.campaign.id, post.id, snap.id
    assert as_manager.post(f"/campaigns/{cid}/snapshots/{snap_id}/delete").status_code == 302
    assert _snapshots(session) == []
    assert audit_entries(session, "snapshot")[-1].action == "delete"
    assert as_manager.post(f"/campaigns/{cid}/posts/{post_id}/delete").status_code == 302
    assert _posts(session) == []


def test_edit_a_post(as_manager, world, factory, session):
    post = factory.post(factory.participation(world.campaign))
    url = f"/campaigns/{world.campaign.id}/posts/{post.id}/edit"
    data = {"url": TIKTOK_URL, "posted_at": "", "is_paid": "organic", "title": "New title"}
    assert as_manager.post(url, data=data).status_code == 302
    (post,) = _posts(session)
    assert (post.title, post.is_paid, post.posted_at) == ("New title", False, None)


def test_viewer_reads_results_but_cannot_write(as_viewer, world, factory, session):
    part = factory.participation(world.campaign)
    post = factory.post(part)
    snap = factory.snapshot(
        campaign=world.campaign, post=post, captured_on=date(2026, 3, 5), views=5
    )
    cid = world.campaign.id
    assert as_viewer.get(f"/campaigns/{cid}/results").status_code == 200
    assert as_viewer.get(f"/campaigns/{cid}/posts/{post.id}").status_code == 200
    assert "Enter figures" not in text(as_viewer.get(f"/campaigns/{cid}/posts/{post.id}"))
    writes = [
        (f"/campaigns/{cid}/posts/new", _post_data(part, url=TIKTOK_URL)),
        (f"/campaigns/{cid}/posts/{post.id}/edit", _post_data(part)),
        (f"/campaigns/{cid}/posts/{post.id}/delete", {}),
        (f"/campaigns/{cid}/posts/{post.id}/snapshots/new", _figures(views=1)),
        (f"/campaigns/{cid}/snapshots/new", _figures(hashtag_uses=1)),
        (f"/campaigns/{cid}/snapshots/{snap.id}/edit", _figures(views=1)),
        (f"/campaigns/{cid}/snapshots/{snap.id}/delete", {}),
    ]
    for url, data in writes:
        assert as_viewer.post(url, data=data).status_code == 403, url
    assert len(_posts(session)) == 1 and _snapshots(session)[0].views == 5


def test_another_workspace_results_are_not_found(as_manager, world, factory):
    their_post = factory.post(factory.participation(world.other_campaign))
    snap = factory.snapshot(
        campaign=world.other_campaign, post=their_post, captured_on=date(2026, 3, 5), views=5
    )
    cid, mine = world.other_campaign.id, world.campaign.id
    assert as_manager.get(f"/campaigns/{cid}/results").status_code == 404
    assert as_manager.get(f"/campaigns/{cid}/posts/{their_post.id}").status_code == 404
    assert as_manager.get(f"/campaigns/{mine}/posts/{their_post.id}").status_code == 404
    assert as_manager.post(f"/campaigns/{mine}/snapshots/{snap.id}/delete").status_code == 404
    assert (
        as_manager.post(
            f"/campaigns/{mine}/posts/{their_post.id}/snapshots/new", data=_figures(views=1)
        ).status_code
        == 404
    )


def test_csrf_token_is_required(csrf_manager, world, factory, session):
    post = factory.post(factory.participation(world.campaign))
    url = f"/campaigns/{world.campaign.id}/posts/{post.id}/snapshots/new"
    assert csrf_manager.post(url, data=_figures(views=1)).status_code == 400
    assert _snapshots(session) == []
