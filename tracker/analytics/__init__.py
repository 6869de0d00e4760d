"""Campaign figures from the database: SQL picks the rows, pandas rolls them up, kpi.py does the maths.

Every page, the API, exports and recaps read their figures from here, so a number is the same
wherever it is shown. Results are plain dataclasses and dicts; no DataFrame leaves this package.
Each module holds one kind of figure; they all start from `loading` (the as-of values).
"""

from __future__ import annotations

from .costs import cost_breakdown
from .loading import rate_table, reading_history_once, tier_bands
from .participations import ParticipationRow, participation_rows
from .posts import PostRow, post_rows, post_totals
from .series import Attribution, daily_series, recorded_conversions
from .sources import DataSource, data_sources, last_data_day
from .summary import CampaignSummary, GoalResult, campaign_summaries, campaign_summary
from .tiers import TierComparison, TierRow, campaign_tiers, tier_comparison

__all__ = [
    "Attribution",
    "CampaignSummary",
    "DataSource",
    "GoalResult",
    "ParticipationRow",
    "PostRow",
    "TierComparison",
    "TierRow",
    "campaign_summaries",
    "campaign_summary",
    "campaign_tiers",
    "cost_breakdown",
    "daily_series",
    "data_sources",
    "last_data_day",
    "participation_rows",
    "post_rows",
    "post_totals",
    "rate_table",
    "reading_history_once",
    "recorded_conversions",
    "tier_bands",
    "tier_comparison",
]
