"""The reference campaign shared by the analytics, dashboard, API and recap tests.

Every expected figure below is computed by hand from the data built here, so the
dashboard, the API and the PDF are all checked against the same numbers.

Data (campaign currency EUR, 2026-03-01 → 2026-03-31, target ratio 5:1):
- Léa (TikTok, 8,000 followers at join → nano), fee 400 EUR, promo LEA15, one organic post:
    2026-03-05 manual       views 10,000 likes 800 comments 50 shares 30 saves 20
    2026-03-12 tiktok_studio views 20,000 likes 1,500 comments 90 shares 60 (no saves column)
  → as of the end: views 20,000, likes 1,500, comments 90, shares 60, saves 20 (kept), E = 1,670
  3 browser clicks on her tracked link (2 visitors on 03-10, the first visitor again on 03-11 → 3 unique
  visitor-days), 1 bot click (not counted); 2 orders with LEA15: 60.00 + 90.00 EUR.
- Noah (Instagram, 120,000 → mid), fee 2,500 EUR, one organic post:
    2026-03-10 meta_posts   views 50,000 reach 40,000 likes 3,000 comments 200 shares 100 saves 400 link_clicks 600
  → E = 3,700
- Max (TikTok, 2,000,000 → mega), fee 6,000 EUR, one PAID post:
    2026-03-08 manual       views 400,000 likes 8,000 comments 500 shares 300 saves 200 link_clicks 900
  → E = 9,000; 1 order: 50.00 EUR. Spark Ads boost 500 USD on 03-10 (USD→EUR 0.92 on 03-09) = 460 EUR, direct.
- Campaign level: hashtag_uses 350 on 03-20; 1 unattributed order 40.00 EUR.
- Shared costs: agency fee 1,000 EUR; staff time 10 h × 45 EUR = 450 EUR.

Goals: views 500,000 at 0.02 EUR each; link_clicks 2,000 at 0.50 EUR each; conversions 100; revenue 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

D = Decimal

EXPECTED = {
    "cost_total": D("10810"),  # 400 + 2500 + 6000 + 460 + 1000 + 450
    "cost_shared": D("1450"),
    "views": 470_000,
    "engagements": 14_370,  # likes 12,500 + comments 790 + shares 460 + saves 620
    "link_clicks": 1_503,  # 600 + 900 imported, + 3 tracker clicks for Léa (no import covers her)
    "conversions": 4,
    "revenue": D("240"),
    "hashtag_uses": 350,
    "engagement_rate_pct": "3.06%",  # 14,370 / 470,000 = 3.0574 %
    "cpm": "€23.00",  # 1000 × 10,810 / 470,000 = 23 exactly
    "cpv": "€0.0230",
    "cpe": "€0.75",  # 10,810 / 14,370 = 0.7523
    "cpc": "€7.19",  # 10,810 / 1,503 = 7.1923
    "ctr_pct": "0.32%",  # 1,503 / 470,000 = 0.3198 %
    "cpa": "€2,702.50",  # 10,810 / 4
    "aov": "€60.00",
    "roas": "0.0:1",  # 240 / 10,810 = 0.0222
    "value_generated": D("10391.50"),  # 240 + 470,000 × 0.02 + 1,503 × 0.50 = 240 + 9,400 + 751.50
    "roi_ratio": "1.0:1",  # 10,391.50 / 10,810 = 0.9613
    "roi_pct": "-3.87%",  # (10,391.50 − 10,810) / 10,810 × 100 = −3.8714 %
    "attainment": {
        "views": "94.00%",
        "link_clicks": "75.15%",
        "conversions": "4.00%",
        "revenue": "2.40%",
    },
    # per influencer (direct costs only)
    "lea": {
        "tier": "nano",
        "direct_cost": D("400"),
        "views": 20_000,
        "engagements": 1_670,
        "er": "8.35%",
        "cpe": "€0.24",
        "clicks": 3,
        "conversions": 2,
        "revenue": D("150"),
        "roas": "0.4:1",
    },
    "noah": {
        "tier": "mid",
        "direct_cost": D("2500"),
        "views": 50_000,
        "engagements": 3_700,
        "er": "7.40%",
        "cpe": "€0.68",
        "clicks": 600,
        "cpc": "€4.17",
        "cpa": "—",
    },
    "max": {
        "tier": "mega",
        "direct_cost": D("6460"),
        "views": 400_000,
        "engagements": 9_000,
        "er": "2.25%",
        "cpm": "€16.15",
        "cpa": "€6,460.00",
        "clicks": 900,
        "conversions": 1,
    },
}


@dataclass
class Reference:
    workspace: object
    brand: object
    campaign: object
    lea: object
    noah: object
    max: object
    posts: dict


def build_reference(factory) -> Reference:
    ws = factory.workspace(name="Atelier Agency")
    brand = factory.brand(ws, name="Maison Lumière", slug="maison-lumiere")
    campaign = factory.campaign(
        brand,
        name="Printemps Éclat 2026",
        slug="printemps-eclat-2026",
        objective="sales",
        start_date=date(2026, 3, 1),
        end_date=date(2026, 3, 31),
        currency="EUR",
        budget=D("12000"),
        hashtags="#printempseclat",
        destination_url="https://maison-lumiere.example/eclat",
    )
    factory.goal(campaign, "views", 500_000, "0.02")
    factory.goal(campaign, "link_clicks", 2_000, "0.50")
    factory.goal(campaign, "conversions", 100)
    factory.goal(campaign, "revenue", 10_000)

    lea_inf = factory.influencer(
        ws.id, handle="lea.glow", platform="tiktok", followers=9_500, name="Léa Glow"
    )
    noah_inf = factory.influencer(
        ws.id, handle="noah", platform="instagram", followers=130_000, name="Noah Martin"
    )
    max_inf = factory.influencer(
        ws.id, handle="maxviral", platform="tiktok", followers=2_100_000, name="Max Viral"
    )
    lea = factory.participation(
        campaign,
        lea_inf,
        platform="tiktok",
        followers_at_join=8_000,
        fee=D("400"),
        promo_code="LEA15",
    )
    noah = factory.participation(
        campaign, noah_inf, platform="instagram", followers_at_join=120_000, fee=D("2500")
    )
    mx = factory.participation(
        campaign, max_inf, platform="tiktok", followers_at_join=2_000_000, fee=D("6000")
    )

    factory.cost(campaign, "400", participation=lea)
    factory.cost(campaign, "2500", participation=noah)
    factory.cost(campaign, "6000", participation=mx)
    factory.rate(ws.id, date(2026, 3, 9), "USD", "EUR", "0.92")
    factory.cost(
        campaign,
        "500",
        category="paid_amplification",
        participation=mx,
        currency="USD",
        incurred_on=date(2026, 3, 10),
    )
    factory.cost(campaign, "1000", category="agency_fee")
    factory.cost(campaign, "450", category="staff_time", hours=D("10"), hourly_rate=D("45"))

    p_lea = factory.post(
        lea,
        url="https://www.tiktok.com/@lea.glow/video/7616431466279434653",
        title="Ma routine du soir",
        posted_at=datetime(2026, 3, 4, 18, 30),
    )
    p_noah = factory.post(
        noah,
        url="https://www.instagram.com/reel/DA1b2C3d4E5/",
        platform="instagram",
        title="Chair test",
        posted_at=datetime(2026, 3, 9, 8, 31),
    )
    p_max = factory.post(
        mx,
        url="https://www.tiktok.com/@maxviral/video/7614845590286905727",
        title="Sérum éclat",
        is_paid=True,
        posted_at=datetime(2026, 3, 7, 20, 0),
    )
    factory.snapshot(
        campaign=campaign,
        post=p_lea,
        captured_on=date(2026, 3, 5),
        source="manual",
        views=10_000,
        likes=800,
        comments=50,
        shares=30,
        saves=20,
    )
    factory.snapshot(
        campaign=campaign,
        post=p_lea,
        captured_on=date(2026, 3, 12),
        source="tiktok_studio",
        views=20_000,
        likes=1_500,
        comments=90,
        shares=60,
    )
    factory.snapshot(
        campaign=campaign,
        post=p_noah,
        captured_on=date(2026, 3, 10),
        source="meta_posts",
        views=50_000,
        reach=40_000,
        likes=3_000,
        comments=200,
        shares=100,
        saves=400,
        link_clicks=600,
    )
    factory.snapshot(
        campaign=campaign,
        post=p_max,
        captured_on=date(2026, 3, 8),
        source="manual",
        views=400_000,
        likes=8_000,
        comments=500,
        shares=300,
        saves=200,
        link_clicks=900,
    )
    factory.snapshot(
        campaign=campaign, captured_on=date(2026, 3, 20), source="manual", hashtag_uses=350
    )

    factory.click(lea, date(2026, 3, 10), visitor="a")
    factory.click(lea, date(2026, 3, 10), visitor="b")
    factory.click(lea, date(2026, 3, 11), visitor="a")
    factory.click(lea, date(2026, 3, 11), visitor="crawler", ua_class="bot")
    factory.conversion(campaign, "#1001", "60.00", participation=lea, at=datetime(2026, 3, 11, 10))
    factory.conversion(campaign, "#1002", "90.00", participation=lea, at=datetime(2026, 3, 12, 10))
    factory.conversion(campaign, "#1003", "50.00", participation=mx, at=datetime(2026, 3, 13, 10))
    factory.conversion(campaign, "#1004", "40.00", at=datetime(2026, 3, 14, 10))
    return Reference(
        ws, brand, campaign, lea, noah, mx, {"lea": p_lea, "noah": p_noah, "max": p_max}
    )
