"""The influencer directory, and influencers joining a campaign."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlmodel import select

from tracker.models import CostLine, Influencer, Participation, SocialAccount

from .conftest import audit_entries, field_errors, text

NEW = {
    "name": "Jade Morel",
    "niche": "beauty",
    "country": "fr",
    "email": "jade@example.com",
    "phone": "",
    "notes": "",
    "tiktok-handle": "@Jade.Glow",
    "tiktok-followers": "48 500",
    "instagram-handle": "",
    "instagram-followers": "",
    "youtube-handle": "jadeyt",
    "youtube-followers": "1,200",
}


def _influencers(session, name: str) -> list[Influencer]:
    session.expire_all()
    return list(session.exec(select(Influencer).where(Influencer.name == name)).all())


def _accounts(session, influencer_id: int) -> dict[str, tuple[str, int]]:
    rows = session.exec(
        select(SocialAccount).where(SocialAccount.influencer_id == influencer_id)
    ).all()
    return {a.platform: (a.handle, a.followers) for a in rows}


def test_create_influencer_with_handles_per_platform(as_manager, session):
    assert as_manager.post("/influencers/new", data=NEW).status_code == 302
    (jade,) = _influencers(session, "Jade Morel")
    assert jade.country == "FR"
    assert _accounts(session, jade.id) == {
        "tiktok": ("jade.glow", 48_500),
        "youtube": ("jadeyt", 1_200),
    }


def test_influencer_form_errors_are_shown_and_nothing_is_written(as_manager, session):
    cases = [
        ({"tiktok-followers": "-5"}, "Enter zero or more."),
        ({"tiktok-followers": "12.5"}, "Enter a whole number."),
        ({"tiktok-followers": ""}, "Enter the follower count."),
        ({"instagram-followers": "100"}, "Enter the handle these followers belong to."),
        (
            {"tiktok-handle": "bad handle!"},
            "A handle has letters, digits, dots, dashes or underscores.",
        ),
        ({"country": "France"}, "Field cannot be longer than 2 characters."),
        ({"country": "ZZ"}, "Use a two-letter country code, such as FR or US."),
        ({"name": ""}, "Enter the influencer's name."),
        (
            {
                "tiktok-handle": "",
                "tiktok-followers": "",
                "youtube-handle": "",
                "youtube-followers": "",
            },
            "Give at least one platform handle.",
        ),
    ]
    for change, message in cases:
        response = as_manager.post("/influencers/new", data={**NEW, **change})
        assert response.status_code == 422, change
        assert message in field_errors(response), (change, field_errors(response))
    assert _influencers(session, "Jade Morel") == []


def test_edit_changes_accounts_and_drops_an_emptied_platform(as_manager, world, factory, session):
    inf = factory.influencer(world.workspace.id, handle="old", followers=9_000, name="Jade Morel")
    data = {**NEW, "youtube-handle": "", "youtube-followers": "", "tiktok-handle": "newhandle"}
    assert as_manager.post(f"/influencers/{inf.id}/edit", data=data).status_code == 302
    assert _accounts(session, inf.id) == {"tiktok": ("newhandle", 48_500)}


def test_directory_search_and_filters(as_manager, world, factory):
    ws = world.workspace.id
    factory.influencer(
        ws, handle="nanolea", followers=5_000, name="Léa", niche="beauty", country="FR"
    )
    factory.influencer(
        ws,
        handle="bigtom",
        platform="youtube",
        followers=700_000,
        name="Tom",
        niche="tech",
        country="GB",
    )
    factory.influencer(world.other_workspace.id, handle="hidden", name="Elsewhere")
    page = text(as_manager.get("/influencers"))
    assert "Léa" in page and "Tom" in page and "Elsewhere" not in page
    assert "Nano" in page and "Macro" in page  # tiers derived from followers
    assert "Tom" not in text(as_manager.get("/influencers?q=nanol"))  # by handle
    assert "Léa" in text(as_manager.get("/influencers?q=nanol"))
    macro = text(as_manager.get("/influencers?tier=macro"))
    assert "Tom" in macro and "Léa" not in macro
    assert "Léa" not in text(as_manager.get("/influencers?platform=youtube"))
    assert "Tom" not in text(as_manager.get("/influencers?niche=beauty"))
    assert "Léa" not in text(as_manager.get("/influencers?country=GB"))
    assert "Nobody matches" in text(as_manager.get("/influencers?q=zzz"))


def test_tier_filter_follows_the_workspace_bands(as_manager, world, factory, session):
    world.workspace.tier_micro_min = 5_000
    world.workspace.tier_mid_min = 20_000
    session.add(world.workspace)
    session.commit()
    factory.influencer(world.workspace.id, followers=8_000, name="Eight")
    assert "Eight" in text(as_manager.get("/influencers?tier=micro"))
    assert "Eight" not in text(as_manager.get("/influencers?tier=nano"))


def _join(as_manager, campaign, influencer, **changes):
    data = {
        "influencer_id": influencer.id,
        "platform": "tiktok",
        "joined_on": "2026-02-20",
        "fee": "1 500,00",
        "fee_currency": "EUR",
        "deliverables": "3",
        "deliverables_note": "3 TikToks",
        "promo_code": "jade10",
        "tier_override": "",
        **changes,
    }
    return as_manager.post(f"/campaigns/{campaign.id}/influencers/add", data=data)


def test_joining_freezes_followers_and_records_the_fee(as_manager, world, factory, session):
    inf = factory.influencer(world.workspace.id, followers=48_000, name="Jade")
    assert _join(as_manager, world.campaign, inf).status_code == 302
    session.expire_all()
    (part,) = session.exec(
        select(Participation).where(Participation.campaign_id == world.campaign.id)
    )
    assert part.followers_at_join == 48_000
    assert part.promo_code == "JADE10" and part.deliverables == 3
    (fee,) = session.exec(select(CostLine).where(CostLine.participation_id == part.id))
    assert (fee.category, fee.amount, fee.currency) == ("influencer_fee", Decimal("1500"), "EUR")
    assert audit_entries(session, "cost_line")[-1].entity_id == fee.id
    # A later follower change does not move the campaign's tier.
    account = session.exec(select(SocialAccount).where(SocialAccount.influencer_id == inf.id)).one()
    account.followers = 2_000_000
    session.add(account)
    session.commit()
    page = text(as_manager.get(f"/campaigns/{world.campaign.id}/influencers"))
    assert "48,000" in page and "Micro" in page and "Mega" not in page
    assert part.link_code in page and "JADE10" in page


def test_join_errors_are_shown_and_nothing_is_written(as_manager, world, factory, session):
    inf = factory.influencer(world.workspace.id, followers=48_000, name="Jade")
    other = factory.influencer(world.workspace.id, followers=1_000, name="Other")
    factory.participation(world.campaign, other, promo_code="TAKEN")
    cases = [
        (
            {"platform": "youtube"},
            "This influencer has no account on this platform: add the handle first.",
        ),
        ({"promo_code": "taken"}, "Another influencer of this campaign has this promo code."),
        ({"fee": "-1"}, "Enter zero or more."),
        ({"fee_currency": "XXY"}, "Unknown currency code: use ISO 4217, such as EUR or USD."),
        ({"deliverables": ""}, "Enter the number of posts contracted."),
        ({"promo_code": "with space"}, "A promo code has letters, digits, dashes or underscores."),
    ]
    for change, message in cases:
        response = _join(as_manager, world.campaign, inf, **change)
        assert response.status_code == 422, change
        assert message in field_errors(response), (change, field_errors(response))
    session.expire_all()
    assert (
        session.exec(select(Participation).where(Participation.influencer_id == inf.id)).all() == []
    )
    assert len(session.exec(select(CostLine)).all()) == 0


def test_joining_twice_on_the_same_platform_is_refused(as_manager, world, factory):
    inf = factory.influencer(world.workspace.id, name="Jade")
    factory.participation(world.campaign, inf, platform="tiktok")
    response = _join(as_manager, world.campaign, inf, promo_code="")
    assert "This influencer is already in the campaign on this platform." in field_errors(response)


def test_editing_terms_moves_the_fee_line_and_shows_the_override(
    as_manager, world, factory, session
):
    inf = factory.influencer(world.workspace.id, followers=30_000, name="Jade")
    _join(as_manager, world.campaign, inf)
    session.expire_all()
    part = session.exec(select(Participation).where(Participation.influencer_id == inf.id)).one()
    data = {
        "fee": "1800",
        "fee_currency": "EUR",
        "deliverables": "2",
        "deliverables_note": "",
        "promo_code": "JADE10",
        "tier_override": "mid",
        "followers_at_join": "30000",
    }
    url = f"/campaigns/{world.campaign.id}/influencers/{part.id}/edit"
    assert as_manager.post(url, data=data).status_code == 302
    session.expire_all()
    (fee,) = session.exec(select(CostLine).where(CostLine.participation_id == part.id))
    assert fee.amount == Decimal("1800")
    entry = audit_entries(session, "cost_line")[-1]
    assert entry.action == "update" and Decimal(
        json.loads(entry.detail)["before"]["amount"]
    ) == Decimal("1500")
    page = as_manager.get(f"/campaigns/{world.campaign.id}/influencers").get_data(as_text=True)
    assert "tier-mid override" in page


def test_removing_a_participation_takes_its_direct_costs(as_manager, world, factory, session):
    inf = factory.influencer(world.workspace.id, name="Jade")
    _join(as_manager, world.campaign, inf)
    session.expire_all()
    part_id = session.exec(
        select(Participation.id).where(Participation.influencer_id == inf.id)
    ).one()
    url = f"/campaigns/{world.campaign.id}/influencers/{part_id}/remove"
    assert as_manager.post(url).status_code == 302
    session.expire_all()
    assert session.exec(select(Participation)).all() == []
    assert session.exec(select(CostLine)).all() == []
    assert audit_entries(session, "cost_line")[-1].action == "delete"


def test_a_participation_with_posts_is_not_removed(as_manager, world, factory, session):
    part = factory.participation(world.campaign)
    factory.post(part)
    response = as_manager.post(f"/campaigns/{world.campaign.id}/influencers/{part.id}/remove")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Participation, part.id) is not None
    assert "has posts in this campaign" in text(as_manager.get(response.location))


def test_viewer_cannot_change_influencers(as_viewer, world, factory, session):
    inf = factory.influencer(world.workspace.id, name="Jade")
    part = factory.participation(world.campaign, inf)
    assert as_viewer.get("/influencers").status_code == 200
    assert as_viewer.post("/influencers/new", data=NEW).status_code == 403
    assert as_viewer.post(f"/influencers/{inf.id}/edit", data=NEW).status_code == 403
    assert _join(as_viewer, world.campaign, inf).status_code == 403
    cid = world.campaign.id
    assert (
        as_viewer.post(f"/campaigns/{cid}/influencers/{part.id}/edit", data={}).status_code == 403
    )
    assert as_viewer.post(f"/campaigns/{cid}/influencers/{part.id}/remove").status_code == 403
    assert _influencers(session, "Jade Morel") == []


def test_another_workspace_influencers_are_not_found(as_manager, world, factory):
    theirs = factory.influencer(world.other_workspace.id, name="Theirs")
    part = factory.participation(world.other_campaign, theirs)
    cid = world.other_campaign.id
    assert as_manager.get(f"/influencers/{theirs.id}/edit").status_code == 404
    assert as_manager.get(f"/campaigns/{cid}/influencers").status_code == 404
    assert as_manager.post(f"/campaigns/{cid}/influencers/{part.id}/remove").status_code == 404
    # Their influencer cannot be slipped into my campaign either.
    factory.influencer(world.workspace.id, name="Mine")
    response = _join(as_manager, world.campaign, theirs)
    assert response.status_code == 422
    assert "Not a valid choice." in field_errors(response)
    # Nor my campaign's participation reached through their campaign's id.
    mine = factory.participation(world.campaign)
    assert as_manager.get(f"/campaigns/{cid}/influencers/{mine.id}/edit").status_code == 404


def test_csrf_token_is_required(csrf_manager, session):
    assert csrf_manager.post("/influencers/new", data=NEW).status_code == 400
    assert _influencers(session, "Jade Morel") == []


def test_join_defaults_to_today(as_manager, world, factory):
    factory.influencer(world.workspace.id, name="Jade")
    page = as_manager.get(f"/campaigns/{world.campaign.id}/influencers/add").get_data(as_text=True)
    assert f'value="{date.today().isoformat()}"' in page
