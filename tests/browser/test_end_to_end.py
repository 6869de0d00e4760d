"""A manager's whole path through the forms, in a real browser, to the ROI ratio and the tier table.

Hand-computed: one micro influencer (25,000 followers) with a €500 fee, €100 of shared production,
one organic post at 20,000 views and 1,000 likes, a views goal of 100,000 valued at €0.05 each.
Cost 600; value 20,000 × 0.05 = 1,000; ROI ratio 1,000 / 600 = 1.67 → "1.7:1", below the 5:1
target; ER 1,000 / 20,000 = 5.00 %; CPM 1000 × 600 / 20,000 = €30.00. On the tier page the
micro tier counts direct costs only: CPM 1000 × 500 / 20,000 = €25.00.
"""

from __future__ import annotations

import re

import pytest

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def submit(page, expect_path: str | None = None) -> None:
    """Send the page's main form and check it was accepted (no field error shown)."""
    page.click("form.card button.btn-primary")
    page.wait_for_load_state("domcontentloaded")
    errors = page.locator("p.error").all_inner_texts()
    assert not errors, f"{page.url}: {errors}"
    if expect_path:
        assert re.search(expect_path, page.url), page.url


def choose(page, name: str, text: str) -> None:
    """Pick the option of a select whose text contains `text`, as a person reading the list would."""
    value = page.locator(f"select[name={name}] option", has_text=text).first.get_attribute("value")
    page.select_option(f"select[name={name}]", value)


def test_a_manager_builds_a_campaign_through_the_forms_and_reads_its_roi(
    live_server, live_factory, page
):
    base = live_server.url
    manager = live_factory.user(role="manager")
    sign_in(page, base, manager.email)

    page.goto(f"{base}/brands/new")
    page.fill("input[name=name]", "Maison Test")
    submit(page)

    page.goto(f"{base}/campaigns/new")
    page.fill("input[name=name]", "Été 2026")
    choose(page, "brand_id", "Maison Test")
    page.select_option("select[name=objective]", "awareness")
    page.fill("input[name=start_date]", "2026-03-01")
    page.fill("input[name=end_date]", "2026-03-31")
    page.fill("input[name=currency]", "EUR")
    page.fill("input[name=target_roi_ratio]", "5")
    page.select_option("select[name='goals-0-metric']", "views")
    page.fill("input[name='goals-0-target']", "100000")
    page.fill("input[name='goals-0-unit_value']", "0.05")
    submit(page)
    campaign_id = int(re.search(r"/campaigns/(\d+)", page.url).group(1))

    page.goto(f"{base}/influencers/new")
    page.fill("input[name=name]", "Zoé Lumen")
    page.fill("input[name='tiktok-handle']", "zoe.lumen")
    page.fill("input[name='tiktok-followers']", "25000")
    submit(page)

    page.goto(f"{base}/campaigns/{campaign_id}/influencers/add")
    choose(page, "influencer_id", "Zoé Lumen")
    page.select_option("select[name=platform]", "tiktok")
    page.fill("input[name=joined_on]", "2026-03-01")
    page.fill("input[name=fee]", "500")
    page.fill("input[name=fee_currency]", "EUR")
    submit(page, rf"/campaigns/{campaign_id}/influencers")

    page.goto(f"{base}/campaigns/{campaign_id}/costs/new")
    page.select_option("select[name=category]", "production")
    page.fill("input[name=amount]", "100")
    page.fill("input[name=currency]", "EUR")
    page.fill("input[name=incurred_on]", "2026-03-02")
    submit(page, rf"/campaigns/{campaign_id}/costs")

    page.goto(f"{base}/campaigns/{campaign_id}/posts/new")
    page.fill("input[name=url]", "https://www.tiktok.com/@zoe.lumen/video/7600000000000000042")
    page.fill("input[name=posted_at]", "2026-03-05T18:00")
    submit(page, r"/snapshots/new")
    page.fill("input[name=captured_on]", "2026-03-10")
    page.fill("input[name=views]", "20000")
    page.fill("input[name=likes]", "1000")
    submit(page)

    page.goto(f"{base}/campaigns/{campaign_id}")
    assert page.locator("[data-kpi=roi_ratio]").inner_text() == "1.7:1"
    assert page.locator("[data-kpi=cost]").inner_text() == "€600.00"
    assert page.locator("[data-kpi=cpm]").inner_text() == "€30.00"
    assert page.locator("[data-kpi=engagement_rate]").inner_text() == "5.00%"
    assert "below target" in page.locator(".kpi-roi").inner_text()
    assert page.locator("[data-goal=views] .attain-pct").inner_text() == "20.00%"
    screenshot(page, "screens/end-to-end-dashboard")

    page.goto(f"{base}/tiers")
    assert page.locator("[data-tier=micro][data-row=influencers]").inner_text() == "1"
    assert page.locator("[data-tier=micro][data-row=cpm]").inner_text() == "€25.00"
    assert page.locator("[data-tier=micro][data-row=direct_cost]").inner_text() == "€500.00"
    screenshot(page, "screens/end-to-end-tiers")
