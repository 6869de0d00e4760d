"""Every table of the tracker; importing this package registers them all on the metadata."""

from .api import IdempotencyKey
from .base import PLATFORMS, ExactDecimal, utcnow
from .campaigns import CAMPAIGN_STATUSES, OBJECTIVES, Brand, Campaign, Goal
from .costs import CostLine, ExchangeRate
from .data_version import DataVersion
from .influencers import Influencer, Participation, SocialAccount
from .jobs import JOB_STATUSES, Job
from .results import Click, Conversion, ImportBatch, ImportFile, Post, Snapshot
from .rollups import SnapshotCurrent, SnapshotDay, SnapshotDayRevenue
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
    "DataVersion",
    "ExactDecimal",
    "ExchangeRate",
    "Goal",
    "IdempotencyKey",
    "ImportBatch",
    "ImportFile",
    "Influencer",
    "JOB_STATUSES",
    "Job",
    "Participation",
    "Post",
    "Report",
    "ShareLink",
    "Snapshot",
    "SnapshotCurrent",
    "SnapshotDay",
    "SnapshotDayRevenue",
    "SocialAccount",
    "User",
    "Workspace",
    "utcnow",
]
