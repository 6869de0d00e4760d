"""Every table of the tracker; importing this package registers them all on the metadata."""

from .base import PLATFORMS, ExactDecimal, utcnow
from .campaigns import CAMPAIGN_STATUSES, OBJECTIVES, Brand, Campaign, Goal
from .costs import CostLine, ExchangeRate
from .influencers import Influencer, Participation, SocialAccount
from .results import Click, Conversion, ImportBatch, Post, Snapshot
from .sharing import Report, ShareLink
from .workspace import ROLES, ApiToken, AuditEntry, User, Workspace

__all__ = [
    "CAMPAIGN_STATUSES",
    "OBJECTIVES",
    "PLATFORMS",
    "ROLES",
    "ApiToken",
    "AuditEntry",
    "Brand",
    "Campaign",
    "Click",
    "Conversion",
    "CostLine",
    "ExactDecimal",
    "ExchangeRate",
    "Goal",
    "ImportBatch",
    "Influencer",
    "Participation",
    "Post",
    "Report",
    "ShareLink",
    "Snapshot",
    "SocialAccount",
    "User",
    "Workspace",
    "utcnow",
]
