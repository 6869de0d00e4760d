"""The tier comparison page: pooled and median KPIs per tier, with their n, filters and scoping."""

from __future__ import annotations

from datetime import date

import pytest

from ..reference import build_reference
from .test_dashboard import find_all, page_text

TIERS = ("nano", "micro", "mid", "macro", "mega")


def column(html: str, line: str) -> dict[str, str]:
    """One line of the table (e.g. "cpm" or "cpm_median"), by tier."""
    found = {}
    for tier in TIERS:
        cells = [t for t, _c in find_all(html, "data-row", line)]
        found[tier] = cells[TIERS.index(tier)]
    return found


@pytest.fixture
def ref(factory):
    return build_reference(factory)


@pytest.fixture
def micro_campaign(ref, factory):
    """Another brand's campaign with three micro influencers whose ER and CPM differ widely.

    A: €300, 10,000 views, 1,000 likes (ER 10 %, CPM €30); B: €200, 90,000 views, 900 likes (1 %, €2.22);
    C: €600, 100,000 views, 5,000 likes (5 %, €6). Pooled ER 6,900 / 200,000 = 3.45 %, median 5.00 %;
    pooled CPM 1000 × 1,100 / 200,000 = €5.50, median €6.00; pooled CPE 1,100 / 6,900 = €0.16, median €0.22.
    """
    brand = factory.brand(ref.workspace, name="Atelier Nord")
    campaign = factory.campaign(
        brand,
        objective="awareness",
        start_date=date(2026, 5, 1),
        end_date=date(2026, 5, 31),
    )
    for cost, views, likes in (
        ("300", 10_000, 1_000),
        ("200", 90_000, 900),
        ("600", 100_000, 5_000),
    ):
        influencer = factory.influencer(ref.workspace.id, platform="instagram", followers=30_000)
        part = factory.participation(
            campaign, influencer, platform="instagram", followers_at_join=30_000
        )
        factory.cost(campaign, cost, participation=part)
        post = factory.post(part, platform="instagram")
        factory.snapshot(
            campaign=campaign, post=post, captured_on=date(2026, 5, 10), views=views, likes=likes
        )
    return campaign


@pytest.fixture
def manager(ref, factory, login):
    user = factory.user(ref.workspace, role="manager")
    login(user)
    return user


def tiers(client, query: str = "", status: int = 200, **headers) -> str:
    response = client.get(f"/tiers{query}", headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_each_tier_of_the_reference_campaign(client, ref, manager):
    html = tiers(client)
    assert column(html, "influencers") == {
        "nano": "1",
        "micro": "0",
        "mid": "1",
        "macro": "0",
        "mega": "1",
    }
    assert column(html, "posts") == {
        "nano": "1",
        "micro": "0",
        "mid": "1",
        "macro": "0",
        "mega": "1",
    }
    assert column(html, "direct_cost") == {
        "nano": "€400.00", "micro": "—", "mid": "€2,500.00", "macro": "—", "mega": "€6,460.00",
    }  # fmt: skip
    assert column(html, "views") == {
        "nano": "20,000", "micro": "—", "mid": "50,000", "macro": "—", "mega": "400,000",
    }  # fmt: skip
    assert column(html, "engagement_rate") == {
        "nano": "8.35%", "micro": "—", "mid": "7.40%", "macro": "—", "mega": "2.25%",
    }  # fmt: skip
    # CPM 1000 × 400 / 20,000; 1000 × 2,500 / 50,000; 1000 × 6,460 / 400,000
    assert column(html, "cpm") == {
        "nano": "€20.00", "micro": "—", "mid": "€50.00", "macro": "—", "mega": "€16.15",
    }  # fmt: skip
    assert column(html, "cpe") == {
        "nano": "€0.24", "micro": "—", "mid": "€0.68", "macro": "—", "mega": "€0.72",
    }  # fmt: skip
    # CPC 400 / 3 tracked clicks; 2,500 / 600; 6,460 / 900
    assert column(html, "cpc") == {
        "nano": "€133.33", "micro": "—", "mid": "€4.17", "macro": "—", "mega": "€7.18",
    }  # fmt: skip
    assert column(html, "cpa") == {
        "nano": "€200.00", "micro": "—", "mid": "—", "macro": "—", "mega": "€6,460.00",
    }  # fmt: skip
    assert column(html, "roas") == {
        "nano": "0.4:1", "micro": "—", "mid": "—", "macro": "—", "mega": "0.0:1",
    }  # fmt: skip
    # one influencer per tier: the median is that influencer's figure
    assert column(html, "cpm_median") == column(html, "cpm")
    text = page_text(html)
    assert "1 campaign · figures in EUR" in text
    assert (
        "Nano < 10,000; Micro 10,000–49,999; Mid 50,000–499,999; Macro 500,000–999,999; "
        "Mega ≥ 1,000,000." in text
    )
    assert "Costs are direct costs only" in text
    assert "Fewer than 3 influencers: too few to say much about Nano, Mid, Mega." in text


def test_pooled_and_median_figures_are_both_shown_and_labelled(
    client, ref, micro_campaign, manager
):
    html = tiers(client)
    assert column(html, "influencers")["micro"] == "3"
    assert column(html, "engagement_rate")["micro"] == "3.45%"
    assert column(html, "engagement_rate_median")["micro"] == "5.00%"
    assert column(html, "cpm")["micro"] == "€5.50"
    assert column(html, "cpm_median")["micro"] == "€6.00"
    assert column(html, "cpe")["micro"] == "€0.16"
    assert column(html, "cpe_median")["micro"] == "€0.22"
    text = page_text(html)
    assert "Engagement rate — median" in text and "CPM — median" in text
    assert "too few to say much about Nano, Mid, Mega." in text, "micro has 3: enough"
    assert "2 campaigns" in text


@pytest.mark.parametrize(
    ("query", "influencers"),
    [
        ("?brand={brand2}", {"nano": "0", "micro": "3", "mid": "0", "macro": "0", "mega": "0"}),
        ("?platform=tiktok", {"nano": "1", "micro": "0", "mid": "0", "macro": "0", "mega": "1"}),
        (
            "?objective=awareness",
            {"nano": "0", "micro": "3", "mid": "0", "macro": "0", "mega": "0"},
        ),
        ("?date_to=2026-04-15", {"nano": "1", "micro": "0", "mid": "1", "macro": "0", "mega": "1"}),
        (
            "?date_from=2026-05-01",
            {"nano": "0", "micro": "3", "mid": "0", "macro": "0", "mega": "0"},
        ),
    ],
)
def test_filters_narrow_the_campaigns_compared(
    client, ref, micro_campaign, manager, query, influencers
):
    html = tiers(client, query.format(brand2=micro_campaign.brand_id))
    assert column(html, "influencers") == influencers


def test_a_reporting_currency_converts_every_figure(client, ref, micro_campaign, manager, factory):
    factory.rate(ref.workspace.id, date(2026, 2, 20), "EUR", "USD", "1.10")
    html = tiers(client, "?currency=USD")
    assert "figures in USD" in page_text(html)
    # Léa's €400 fee × 1.10; Max: €6,000 × 1.10 + the $500 boost as paid
    assert column(html, "direct_cost")["nano"] == "$440.00"
    assert column(html, "direct_cost")["mega"] == "$7,100.00"
    # revenue converts too, so ROAS does not move: $165 / $440
    assert column(html, "roas")["nano"] == "0.4:1"


def test_a_missing_rate_for_the_reporting_currency_is_explained(client, ref, manager, factory):
    factory.rate(
        ref.workspace.id, date(2026, 1, 5), "GBP", "USD", "1.27"
    )  # GBP is offered, EUR→GBP is not
    response = client.get("/tiers?currency=GBP")
    assert response.status_code == 409
    assert "No exchange rate from EUR to GBP" in page_text(response.get_data(as_text=True))


def test_the_bands_used_follow_the_workspace_settings(client, ref, manager, session):
    ref.workspace.tier_micro_min = 5_000
    ref.workspace.tier_mid_min = 20_000
    session.add(ref.workspace)
    session.commit()
    html = tiers(client)
    assert "Nano < 5,000; Micro 5,000–19,999; Mid 20,000–499,999;" in page_text(html)
    assert column(html, "influencers")["micro"] == "1", "Léa's 8,000 followers are micro now"


def test_wrong_filters_are_named_and_ignored(client, ref, manager):
    html = tiers(client, "?date_from=2026-06-01&date_to=2026-01-01&platform=myspace")
    text = page_text(html)
    assert "The end date must be on or after the start date." in text
    assert "Not a valid choice." in text


def test_brand_users_compare_within_their_own_brand_only(
    client, ref, micro_campaign, factory, login
):
    login(factory.user(ref.workspace, role="brand", brand_id=ref.brand.id))
    html = tiers(client, f"?brand={micro_campaign.brand_id}")
    assert column(html, "influencers")["micro"] == "0"
    assert "Atelier Nord" not in html
    assert "1 campaign" in page_text(html)


def test_viewers_read_and_other_workspaces_see_none_of_it(client, ref, factory, login):
    login(factory.user(ref.workspace, role="viewer"))
    assert column(tiers(client), "influencers")["nano"] == "1"
    client.post("/logout")
    login(factory.user(factory.workspace(), role="admin"))
    html = tiers(client)
    assert "No campaign matches these filters" in page_text(html)
    assert "Maison Lumière" not in html


def test_the_tier_page_has_its_charts_and_reads_in_french(client, ref, manager):
    html = tiers(client, **{"Accept-Language": "fr"})
    assert column(html, "cpm")["nano"] == "20,00\u00a0€"
    assert column(html, "engagement_rate")["nano"] == "8,35\u00a0%"
    text = page_text(html)
    assert "Comparaison des paliers" in text
    assert "CPM — médiane" in text
    assert html.count("<svg") == 2
    assert "20,00\u00a0€" in html.split("<svg", 1)[1]
