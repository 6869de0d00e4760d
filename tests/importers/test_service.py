"""Matching sample exports to a campaign, previewing, and committing them (tracker.importers.commit).

The campaign is the samples' story: Maison Lumière's March 2026 campaign
`printemps_eclat_2026`, with @lea.glow on TikTok (code LEA15) and @noah on Instagram (NOAH10).
Every expected figure below is read off the sample files by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from tracker.importers.commit import commit_import, prepare, replan
from tracker.importers.matching import Options
from tracker.models import Conversion, CostLine, ImportBatch, ImportFile, Post, Snapshot

from .conftest import DATA

AS_OF = date(2026, 3, 20)


@dataclass
class Story:
    workspace: object
    campaign: object
    lea: object
    noah: object


def build_story(
    factory, *, lea_handle: str = "lea.glow", slug: str = "printemps_eclat_2026"
) -> Story:
    workspace = factory.workspace(name="Atelier")
    brand = factory.brand(workspace, name="Maison Lumière", slug="maison-lumiere")
    campaign = factory.campaign(
        brand,
        name="Printemps Éclat 2026",
        slug=slug,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
        currency="EUR",
        timezone="Europe/Paris",
    )
    lea_person = factory.influencer(
        workspace.id, handle=lea_handle, platform="tiktok", name="Léa Martin"
    )
    noah_person = factory.influencer(
        workspace.id, handle="noah", platform="instagram", name="Noah Petit"
    )
    lea = factory.participation(
        campaign, lea_person, platform="tiktok", promo_code="LEA15", link_code="lea7k2m"
    )
    noah = factory.participation(
        campaign, noah_person, platform="instagram", promo_code="NOAH10", link_code="noah9xq"
    )
    return Story(workspace, campaign, lea, noah)


def run_import(
    session: Session, campaign, name: str, data: bytes | None = None, **options
) -> tuple[ImportBatch, dict]:
    """Preview then commit a file, as the web app and the CLI do; return the batch and counts."""
    batch = prepare(
        session,
        campaign=campaign,
        filename=name,
        data=data if data is not None else (DATA / name).read_bytes(),
        options=Options(**options),
    )
    session.commit()
    counts = commit_import(session, batch.id)
    session.commit()
    return batch, counts


def preview(
    session: Session, campaign, name: str, data: bytes | None = None, **options
) -> tuple[ImportBatch, dict]:
    batch = prepare(
        session,
        campaign=campaign,
        filename=name,
        data=data if data is not None else (DATA / name).read_bytes(),
        options=Options(**options),
    )
    session.commit()
    return batch, json.loads(batch.summary)


def count(session: Session, model, **where) -> int:
    session.expire_all()
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return session.exec(query).one()


@pytest.fixture
def story(factory) -> Story:
    return build_story(factory)


# ---------------------------------------------------------------------------- TikTok Studio


def test_tiktok_studio_preview_lists_march_videos_as_new_posts_and_writes_nothing(session, story):
    batch, summary = preview(session, story.campaign, "tiktok_studio_content.csv", as_of=AS_OF)

    assert summary["format"] == "tiktok_studio" and summary["rows_read"] == 13
    included = sorted(p["posted_at"][:10] for p in summary["new_posts"] if p["include"])
    # The 8 videos posted in March 2026 (Paris time); the 5 older ones are listed, not ticked.
    assert included == [
        "2026-03-04", "2026-03-05", "2026-03-08", "2026-03-12",
        "2026-03-15", "2026-03-20", "2026-03-24", "2026-03-28",
    ]  # fmt: skip
    outside = sorted(p["posted_at"][:10] for p in summary["new_posts"] if not p["include"])
    assert outside == ["2025-04-22", "2025-10-14", "2025-12-30", "2026-01-02", "2026-02-27"]
    assert summary["counts"]["posts_created"] == 8
    assert summary["counts"]["snapshots_created"] == 8
    assert summary["counts"]["left_out"] == 5
    row_7 = next(i for i in summary["left_out"]["outside_dates"]["items"] if i["row"] == 7)
    assert row_7["params"]["day"] == "2025-12-30"
    assert count(session, Post) == 0 and count(session, Snapshot) == 0
    assert count(session, ImportFile, import_id=batch.id) == 1  # kept for the commit


def test_tiktok_studio_commit_creates_posts_and_snapshots_with_the_file_figures(session, story):
    batch, counts = run_import(session, story.campaign, "tiktok_studio_content.csv", as_of=AS_OF)

    assert counts["posts_created"] == 8 and counts["snapshots_created"] == 8
    post = session.exec(select(Post).where(Post.url_key.endswith("/7616431466279434653"))).one()
    assert post.participation_id == story.lea.id and post.platform == "tiktok"
    assert post.url_key == "https://tiktok.com/@lea.glow/video/7616431466279434653"
    assert post.posted_at.isoformat() == "2026-03-12T18:04:00+00:00"  # 19:04 in Paris
    snap = session.exec(select(Snapshot).where(Snapshot.post_id == post.id)).one()
    # "5,431" likes, 212 comments, 389 shares, 148203 views; Studio has no saves column.
    assert (snap.views, snap.likes, snap.comments, snap.shares, snap.saves) == (
        148203,
        5431,
        212,
        389,
        None,
    )
    assert (
        snap.captured_on == AS_OF and snap.source == "tiktok_studio" and snap.import_id == batch.id
    )
    views = session.exec(select(func.sum(Snapshot.views))).one()
    assert views == 373_798  # 148203 + 61877 + 30112 + 52340 + 26818 + 12087 + 24455 + 17906
    session.refresh(batch)
    assert batch.status == "committed" and batch.committed_at is not None
    assert count(session, ImportFile, import_id=batch.id) == 0  # the bytes are not kept


def test_the_same_file_imported_twice_changes_nothing(session, story):
    run_import(session, story.campaign, "tiktok_studio_content.csv", as_of=AS_OF)
    before = session.exec(select(Snapshot.id, Snapshot.recorded_at)).all()

    # Second time without a date: the day of the first import is reused.
    batch, summary = preview(session, story.campaign, "tiktok_studio_content.csv")
    assert summary["same_file"]["id"] is not None
    assert summary["counts"]["posts_created"] == 0
    assert summary["counts"]["snapshots_created"] == 0
    assert summary["counts"]["snapshots_unchanged"] == 8
    counts = commit_import(session, batch.id)
    session.commit()

    assert counts["snapshots_unchanged"] == 8 and counts["snapshots_created"] == 0
    assert counts["posts_created"] == 0
    assert session.exec(select(Snapshot.id, Snapshot.recorded_at)).all() == before
    assert count(session, Post) == 8


def test_a_later_export_of_the_same_day_replaces_the_figures_and_the_preview_shows_them(
    session, story, make_csv
):
    link = "https://www.tiktok.com/@lea.glow/video/7616431466279434653"
    header = ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views"]  # fmt: skip
    run_import(session, story.campaign, "Content.csv", make_csv([header, ["March 4", "t", link, "March 12", "10", "2", "1", "100"]]), as_of=AS_OF)  # fmt: skip

    batch, summary = preview(session, story.campaign, "Content.csv", make_csv([header, ["March 4", "t", link, "March 12", "12", "2", "1", "150"]]), as_of=AS_OF)  # fmt: skip

    assert summary["counts"]["snapshots_updated"] == 1
    assert summary["changes"][0]["metrics"] == {"likes": [10, 12], "views": [100, 150]}
    commit_import(session, batch.id)
    session.commit()
    assert session.exec(select(Snapshot.views, Snapshot.likes)).all() == [(150, 12)]


def test_a_known_post_typed_by_hand_with_another_link_form_gets_the_snapshot(
    session, story, factory
):
    # Entered by hand as a mobile link with tracking parameters; the export writes www.
    post = factory.post(
        story.lea,
        url="https://m.tiktok.com/@Lea.Glow/video/7614845590286905727/?is_from_webapp=1&sender_device=pc",
        url_key="https://tiktok.com/@lea.glow/video/7614845590286905727",
    )
    _batch, counts = run_import(session, story.campaign, "tiktok_studio_content.csv", as_of=AS_OF)

    assert counts["posts_created"] == 7  # the eighth March video is the one typed by hand
    snap = session.exec(select(Snapshot).where(Snapshot.post_id == post.id)).one()
    assert (snap.views, snap.likes) == (61877, 2210)


# ---------------------------------------------------------------------------- unknown rows


def test_an_unknown_handle_is_listed_with_its_rows_and_nothing_is_dropped_silently(
    session, factory
):
    story = build_story(factory, lea_handle="lea.glow.officiel")
    _batch, summary = preview(session, story.campaign, "tiktok_studio_content.csv", as_of=AS_OF)

    [unknown] = summary["unknowns"]
    assert unknown["key"] == "handle:tiktok:lea.glow"
    assert unknown["count"] == 13 and unknown["rows"][:3] == [2, 3, 4]
    assert unknown["choice"] == "skip"
    assert summary["counts"]["posts_created"] == 0
    assert summary["counts"]["left_out"] == 13
    assert summary["left_out"]["unmatched"]["count"] == 13


def test_mapping_an_unknown_handle_to_a_participation_imports_its_posts(session, factory):
    story = build_story(factory, lea_handle="lea.glow.officiel")
    batch, _summary = preview(session, story.campaign, "tiktok_studio_content.csv", as_of=AS_OF)

    replan(
        session, batch, Options(as_of=AS_OF, mapping={"handle:tiktok:lea.glow": str(story.lea.id)})
    )
    session.commit()
    summary = json.loads(batch.summary)
    assert summary["unknowns"][0]["choice"] == str(story.lea.id)
    assert summary["counts"]["posts_created"] == 8
    commit_import(session, batch.id)
    session.commit()
    assert count(session, Post, participation_id=story.lea.id) == 8


def test_a_handle_cannot_be_mapped_to_a_participation_on_another_platform(session, factory):
    story = build_story(factory, lea_handle="lea.glow.officiel")
    batch, _summary = preview(session, story.campaign, "tiktok_studio_content.csv", as_of=AS_OF)

    replan(
        session, batch, Options(as_of=AS_OF, mapping={"handle:tiktok:lea.glow": str(story.noah.id)})
    )
    assert json.loads(batch.summary)["unknowns"][0]["choice"] == "skip"


def test_unticking_a_new_post_leaves_it_out(session, story):
    batch, summary = preview(session, story.campaign, "tiktok_studio_content.csv", as_of=AS_OF)
    first = next(p for p in summary["new_posts"] if p["include"])
    older = next(p for p in summary["new_posts"] if not p["include"])

    replan(session, batch, Options(as_of=AS_OF, posts={first["key"]: False, older["key"]: True}))
    summary = json.loads(batch.summary)
    assert [i["row"] for i in summary["left_out"]["post_not_included"]["items"]] == [first["row"]]
    assert summary["left_out"]["outside_dates"]["count"] == 4
    commit_import(session, batch.id)
    session.commit()

    keys = set(session.exec(select(Post.url_key)).all())
    assert first["key"] not in keys and older["key"] in keys and len(keys) == 8


# ---------------------------------------------------------------------------- GA4


def test_ga4_rows_of_the_campaign_become_one_campaign_level_snapshot(session, story):
    batch, summary = preview(session, story.campaign, "ga4_utm.csv")

    # tiktok / influencer, instagram / influencer, Instagram / Influencer, tiktok / influenceur
    # and tiktok / paid carry printemps_eclat_2026 but no utm_content: the campaign's traffic.
    assert summary["counts"]["snapshots_created"] == 1
    assert summary["left_out"]["other_campaign"]["count"] == 9
    commit_import(session, batch.id)
    session.commit()
    snap = session.exec(select(Snapshot)).one()
    assert snap.participation_id is None and snap.post_id is None
    assert snap.captured_on == date(2026, 3, 31)  # the report's "# End date: 20260331"
    assert snap.sessions == 6024  # 2954 + 1211 + 87 + 142 + 1630
    assert snap.conversions == 172  # 85 + 38 + 3 + 2 + 44
    assert snap.revenue == Decimal("8277.55")  # 4187.65 + 1764.2 + 171.5 + 98.9 + 2055.3
    assert snap.revenue_currency == "EUR"  # GA4 states none: the campaign's currency
    assert snap.source == "ga4"


def test_ga4_utm_content_is_the_participation_link_code_and_campaign_case_does_not_matter(
    session, story, make_csv
):
    data = make_csv(
        [
            ["# Start date: 20260301"],
            ["# End date: 20260315"],
            ["Session source / medium", "Session campaign", "Session manual ad content", "Sessions", "Key events", "Total revenue"],
            ["tiktok / influencer", "Printemps_Eclat_2026", "lea7k2m", "300", "12", "480.50"],
            ["TikTok / influencer", "printemps_eclat_2026", "LEA7K2M", "20", "1", "30"],
            ["instagram / influencer", "printemps_eclat_2026", "noah9xq", "150", "4", "120"],
            ["instagram / influencer", "printemps_eclat_2026", "someone", "7", "0", "0"],
            ["tiktok / influencer", "soldes_ete", "lea7k2m", "99", "9", "99"],
        ]
    )  # fmt: skip
    batch, summary = preview(session, story.campaign, "ga4.csv", data)

    assert [u["key"] for u in summary["unknowns"]] == ["utm_content:someone"]
    assert summary["left_out"]["other_campaign"]["items"][0]["params"]["what"] == "soldes_ete"
    commit_import(session, batch.id)
    session.commit()
    rows = {
        s.participation_id: (s.sessions, s.conversions, s.revenue, s.captured_on)
        for s in session.exec(select(Snapshot)).all()
    }
    assert rows == {
        story.lea.id: (320, 13, Decimal("510.50"), date(2026, 3, 15)),
        story.noah.id: (150, 4, Decimal("120"), date(2026, 3, 15)),
    }


# ---------------------------------------------------------------------------- orders


def test_shopify_orders_become_conversions_by_promo_code_once_each(session, story, factory):
    factory.conversion(
        story.campaign, "#1284", "49.30", participation=story.lea
    )  # via the endpoint
    batch, summary = preview(session, story.campaign, "shopify_orders.csv")

    assert {u["key"]: (u["count"], u["amount"]) for u in summary["unknowns"]} == {
        "promo:BIENVENUE10": (1, "39.10"),
        "promo:TIKTOK20": (1, "54.40"),
    }
    assert summary["left_out"]["no_code"]["count"] == 2  # #1287 and #1295
    assert summary["counts"]["conversions_duplicate"] == 1  # #1284, recorded by the shop already
    assert summary["counts"]["conversions_created"] == 6
    commit_import(session, batch.id)
    session.commit()

    rows = session.exec(
        select(
            Conversion.order_id, Conversion.participation_id, Conversion.amount, Conversion.source
        ).order_by(Conversion.order_id)
    ).all()
    lea, noah = story.lea.id, story.noah.id
    assert [(o, p, a) for o, p, a, _s in rows] == [
        ("#1284", lea, Decimal("49.30")),
        ("#1285", lea, Decimal("66.30")),
        ("#1286", lea, Decimal("58.65")),
        ("#1288", noah, Decimal("82.80")),
        ("#1291", lea, Decimal("74.80")),
        ("#1292", noah, Decimal("40.00")),
        ("#1294", lea, Decimal("4.90")),  # partially refunded: 38.05 − 33.15
    ]
    assert {s for *_rest, s in rows[1:]} == {"shopify_orders"}

    _again, counts = run_import(session, story.campaign, "shopify_orders.csv")
    assert counts["conversions_created"] == 0 and counts["conversions_duplicate"] == 7


def test_an_unknown_promo_code_mapped_to_an_influencer_counts_for_them(session, story):
    batch, _summary = preview(session, story.campaign, "shopify_orders.csv")
    replan(session, batch, Options(mapping={"promo:TIKTOK20": str(story.lea.id)}))
    commit_import(session, batch.id)
    session.commit()

    order = session.exec(select(Conversion).where(Conversion.order_id == "#1293")).one()
    assert (order.participation_id, order.promo_code, order.attributed_by) == (
        story.lea.id,
        "TIKTOK20",
        "promo_code",
    )


# ---------------------------------------------------------------------------- TikTok Ads


def test_tiktok_ads_cost_becomes_paid_amplification_lines_per_ad_and_day(session, story):
    batch, summary = preview(session, story.campaign, "tiktok_ads_report.csv")

    suggested = {u["value"]: u["choice"] for u in summary["unknowns"]}
    assert suggested == {
        "Spark - Léa routine du soir": str(story.lea.id),  # the ad names Léa
        "Spark - Noah duo": str(story.noah.id),
    }
    assert summary["counts"]["costs_created"] == 14
    assert any("not stored" in w for w in summary["warnings"])
    commit_import(session, batch.id)
    session.commit()

    def total(participation) -> Decimal:
        lines = session.exec(
            select(CostLine.amount).where(CostLine.participation_id == participation.id)
        ).all()
        return sum(lines, Decimal(0))

    assert total(story.lea) == Decimal(
        "378.51"
    )  # 56.54 + 66.81 + 50.59 + 62.41 + 40.16 + 59.72 + 42.28
    assert total(story.noah) == Decimal(
        "143.66"
    )  # 17.01 + 15.46 + 23.52 + 28.16 + 17.28 + 18.53 + 23.70
    line = session.exec(select(CostLine).where(CostLine.incurred_on == date(2026, 3, 10), CostLine.participation_id == story.lea.id)).one()  # fmt: skip
    assert (line.category, line.amount, line.currency) == (
        "paid_amplification",
        Decimal("56.54"),
        "EUR",
    )
    assert count(session, Snapshot) == 0  # the ads' views are the boosted posts' own

    _again, counts = run_import(session, story.campaign, "tiktok_ads_report.csv")
    assert counts["costs_created"] == 0 and counts["costs_unchanged"] == 14


def test_the_french_excel_resave_of_the_ads_report_gives_the_same_cost_lines(session, story):
    run_import(session, story.campaign, "tiktok_ads_report.csv")
    _batch, counts = run_import(session, story.campaign, "tiktok_ads_report_fr_excel.csv")
    assert counts["costs_unchanged"] == 14 and counts["costs_created"] == 0


# ---------------------------------------------------------------------------- generic CSV


def test_generic_csv_rows_for_post_participation_and_campaign(session, story, make_csv):
    data = make_csv(
        [
            ["post_url", "handle", "platform", "scope", "captured_on", "views", "likes", "hashtag_uses", "link_clicks"],
            ["https://www.instagram.com/reel/C4xYz_12-Ab/?igsh=abc", "noah", "", "", "2026-03-18", "12 400", "610", "", ""],
            ["", "noah", "instagram", "", "2026-03-18", "", "", "", "412"],
            ["", "", "", "campaign", "2026-03-18", "", "", "87", ""],
            ["", "ghost", "tiktok", "", "2026-03-18", "", "", "", "3"],
            ["https://www.instagram.com/reel/C4xYz_12-Ab/", "noah", "", "", "not a date", "5", "", "", ""],
        ]
    )  # fmt: skip
    batch, summary = preview(session, story.campaign, "mine.csv", data)

    assert summary["counts"]["posts_created"] == 1
    assert summary["rejected"] == [
        {
            "row": 6,
            "column": "captured_on",
            "value": "not a date",
            "reason": "write the date as YYYY-MM-DD",
        }
    ]
    assert [u["key"] for u in summary["unknowns"]] == ["handle:tiktok:ghost"]
    commit_import(session, batch.id)
    session.commit()
    post = session.exec(select(Post)).one()
    assert (post.url_key, post.participation_id) == (
        "https://instagram.com/p/C4xYz_12-Ab",
        story.noah.id,
    )
    shapes = {
        (s.post_id is not None, s.participation_id, s.views, s.likes, s.hashtag_uses, s.link_clicks)
        for s in session.exec(select(Snapshot)).all()
    }
    assert shapes == {
        (True, story.noah.id, 12400, 610, None, None),
        (False, story.noah.id, None, None, None, 412),
        (False, None, None, None, 87, None),
    }


# ---------------------------------------------------------------------------- Meta, YouTube, WooCommerce


META_HEADER = [
    "Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)",
    "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes",
    "Shares", "Follows", "Comments", "Saves",
]  # fmt: skip


def test_meta_posts_export_creates_the_reel_of_a_participant_with_its_figures(
    session, story, make_csv
):
    data = make_csv(
        [
            META_HEADER,
            ["18011000000000001", "17841400000000001", "noah", "Noah Petit", "Chair test", "44", "03/10/2026 08:31", "https://www.instagram.com/reel/C4xYz_12-Ab/", "IG reel", "", "Lifetime", "12,400", "9100", "610", "88", "41", "57", "230"],
            ["18011000000000002", "17841400000000002", "someone", "Some One", "Other", "12", "03/11/2026 10:00", "https://www.instagram.com/p/Zz9_abcdEF1/", "IG image", "", "Lifetime", "500", "400", "20", "1", "0", "2", "3"],
        ]
    )  # fmt: skip
    batch, summary = preview(session, story.campaign, "Instagram posts.csv", data, as_of=AS_OF)

    assert summary["format"] == "meta_posts"
    assert [u["key"] for u in summary["unknowns"]] == ["handle:instagram:someone"]
    commit_import(session, batch.id)
    session.commit()
    post = session.exec(select(Post)).one()
    assert (post.participation_id, post.url_key) == (
        story.noah.id,
        "https://instagram.com/p/C4xYz_12-Ab",
    )
    assert post.external_id == "18011000000000001"
    assert post.posted_at.isoformat() == "2026-03-10T07:31:00+00:00"  # 08:31 in Paris, month first
    snap = session.exec(select(Snapshot)).one()
    assert (snap.views, snap.reach, snap.likes, snap.shares, snap.followers_gained, snap.comments, snap.saves) == (
        12400, 9100, 610, 88, 41, 57, 230,
    )  # fmt: skip
    assert (snap.captured_on, snap.source) == (AS_OF, "meta_posts")  # "Lifetime": the upload's day


def test_youtube_studio_videos_are_mapped_to_the_channel_owner(session, story, factory, make_csv):
    jade = factory.participation(
        story.campaign,
        factory.influencer(story.workspace.id, handle="jadecooks", platform="youtube", name="Jade"),
        platform="youtube",
    )
    data = make_csv(
        [
            ["Content", "Video title", "Video publish time", "Duration", "Views", "Watch time (hours)", "Subscribers", "Impressions"],
            ["Total", "", "", "", "11000", "55.0", "11", "90000"],
            ["dQw4w9WgXcQ", "Ma routine", "Mar 12, 2026", "45", "10400", "52.5", "12", "80000"],
            ["aBcDeFgHiJk", "Vieille vidéo", "Jan 8, 2025", "30", "600", "2.5", "-1", "10000"],
        ]
    )  # fmt: skip
    name = "Table data 2026-03-01_2026-03-31.csv"
    batch, summary = preview(session, story.campaign, name, data)
    assert [u["key"] for u in summary["unknowns"]] == ["account:youtube"]

    replan(session, batch, Options(mapping={"account:youtube": str(jade.id)}))
    summary = json.loads(batch.summary)
    assert [(p["key"], p["include"]) for p in summary["new_posts"]] == [
        ("https://youtube.com/watch?v=dQw4w9WgXcQ", True),
        ("https://youtube.com/watch?v=aBcDeFgHiJk", False),  # published in 2025
    ]
    commit_import(session, batch.id)
    session.commit()
    snap = session.exec(select(Snapshot)).one()
    assert (snap.views, snap.watch_time_s, snap.followers_gained, snap.impressions) == (
        10400,
        189_000,
        12,
        80000,
    )
    assert snap.captured_on == date(2026, 3, 31)  # the period in the file's name


def test_woocommerce_orders_count_by_coupon_in_the_campaign_currency(session, story, make_csv):
    data = make_csv(
        [
            ["Date", "Order #", "Status", "Customer", "Customer type", "Payment method", "Product(s)", "Items sold", "Coupon(s)", "Net sales", "Attribution"],
            ["2026-03-12 21:14:03", "1001", "Completed", "Camille", "new", "Card", "1× Sérum", "1", "lea15", "41.08", "Instagram"],
            ["2026-03-13 09:00:00", "1002", "Processing", "Inès", "returning", "Card", "2× Crème", "2", "BIENVENUE10, NOAH10", "55.00", "Direct"],
            ["2026-03-14 10:00:00", "1003", "Completed", "Zoé", "new", "Card", "1× Crème", "1", "", "30.00", "Direct"],
        ]
    )  # fmt: skip
    batch, summary = preview(session, story.campaign, "orders.csv", data)
    assert (
        summary["format"] == "woocommerce_orders" and summary["left_out"]["no_code"]["count"] == 1
    )
    commit_import(session, batch.id)
    session.commit()
    rows = session.exec(
        select(Conversion.order_id, Conversion.participation_id, Conversion.amount, Conversion.currency, Conversion.promo_code)
        .order_by(Conversion.order_id)
    ).all()  # fmt: skip
    assert rows == [
        ("1001", story.lea.id, Decimal("41.08"), "EUR", "LEA15"),
        ("1002", story.noah.id, Decimal("55.00"), "EUR", "NOAH10"),  # the participant's code wins
    ]


def test_values_too_long_for_the_database_are_rejected_rows_not_a_failed_commit(
    session, story, make_csv
):
    long_link = "https://www.instagram.com/noah/" + "a/" * 250
    data = make_csv(
        [
            ["post_url", "handle", "captured_on", "views"],
            [long_link, "noah", "2026-03-18", "5"],
            ["https://www.instagram.com/reel/C4xYz_12-Ab/", "noah", "2026-03-18", "7"],
        ]
    )
    batch, summary = preview(session, story.campaign, "mine.csv", data)
    assert [(e["row"], e["reason"]) for e in summary["rejected"]] == [(2, "this link is too long")]
    commit_import(session, batch.id)
    session.commit()
    assert count(session, Post) == 1
