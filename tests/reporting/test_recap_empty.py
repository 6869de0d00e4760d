"""A campaign with nothing recorded yet still gets a recap: each empty section says so in one line."""

from __future__ import annotations

from datetime import date

from tracker.reporting import render_recap

from .support import pdf_pages


def test_campaign_without_goals_results_or_costs_renders_with_one_line_per_empty_section(
    factory, session
):
    campaign = factory.campaign(
        name="Launch teaser", start_date=date(2026, 12, 1), end_date=date(2026, 12, 31)
    )
    text = " ".join(
        " ".join(pdf_pages(render_recap(session, campaign, "en", today=date(2026, 11, 23)))).split()
    )

    assert "Launch teaser" in text
    assert "No goals were set for this campaign." in text
    assert "No goals were set, so there is no goal to chart." in text
    assert "No influencers have joined this campaign yet." in text
    assert "No costs have been recorded for this campaign yet." in text
    assert "No content has been published for this campaign yet." in text
    assert "No data has been recorded for this campaign yet." in text
    assert "No results have been recorded for this campaign yet." in text
    # Nothing to divide by: every ratio is undefined, and the methodology says why.
    assert "ROI RATIO —" in text  # the cover tile (labels are set in capitals)
    assert "CPM: no views were recorded." in text
    assert "ROI ratio: no costs were recorded." in text
