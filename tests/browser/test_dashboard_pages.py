"""The analytical pages in a real browser, on the reference campaign: figures, layout, both languages."""

from __future__ import annotations

import pytest

from ..reference import EXPECTED, build_reference
from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def _no_horizontal_overflow(page) -> None:
    """Nothing sticks out of the 1366-px window (wide tables scroll inside their own box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the window"


def test_dashboard_and_tiers_show_the_reference_figures_in_both_languages(
    live_server, live_factory, page_factory
):
    ref = build_reference(live_factory)
    user = live_factory.user(ref.workspace, role="viewer")
    base = live_server.url

    page = page_factory("en-GB")
    sign_in(page, base, user.email)
    page.goto(f"{base}/campaigns/{ref.campaign.id}")
    assert page.locator("[data-kpi=roi_ratio]").inner_text() == EXPECTED["roi_ratio"]
    assert page.locator("[data-kpi=cpm]").inner_text() == EXPECTED["cpm"]
    assert page.locator("[data-chart=views] svg").count() == 1
    _no_horizontal_overflow(page)
    screenshot(page, "screens/dashboard-en")

    page.goto(f"{base}/campaigns/{ref.campaign.id}?as_of=2026-03-16")
    assert page.locator("[data-goal=conversions] .badge").inner_text() == "Off track"
    _no_horizontal_overflow(page)
    screenshot(page, "screens/dashboard-running-en")

    page.goto(f"{base}/tiers")
    nano = page.locator("table.tiers [data-tier=nano][data-row=influencers]")
    assert nano.inner_text().strip().startswith("1")
    _no_horizontal_overflow(page)
    screenshot(page, "screens/tiers-en")

    fr = page_factory("fr-FR")
    sign_in(fr, base, user.email)
    fr.goto(f"{base}/campaigns/{ref.campaign.id}")
    assert fr.locator("[data-kpi=roi_ratio]").inner_text() == "1,0:1"
    assert fr.locator("[data-kpi=cpm]").inner_text() == "23,00\u00a0€"
    _no_horizontal_overflow(fr)
    screenshot(fr, "screens/dashboard-fr")
    fr.goto(f"{base}/tiers")
    _no_horizontal_overflow(fr)
    screenshot(fr, "screens/tiers-fr")


def test_a_campaign_without_results_shows_what_to_do_next(live_server, live_factory, page):
    workspace = live_factory.workspace()
    campaign = live_factory.campaign(live_factory.brand(workspace), name="Lancement été")
    live_factory.goal(campaign, "views", 100_000)
    user = live_factory.user(workspace)
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/campaigns/{campaign.id}")
    assert page.locator(".empty-state h2").inner_text() == "No results yet"
    assert page.locator("svg").count() == 0
    screenshot(page, "screens/dashboard-empty-en")
