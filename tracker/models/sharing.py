"""What leaves the workspace: recap files and read-only share links for brands."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from .base import utcnow


class ShareLink(SQLModel, table=True):
    """A read-only link to one campaign's recap; only the token's hash is stored."""

    __tablename__ = "share_link"

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=128, unique=True)
    locale: str = Field(default="en", max_length=5)
    created_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


class Report(SQLModel, table=True):
    """A rendered recap PDF kept under TRACKER_REPORTS_DIR."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    locale: str = Field(default="en", max_length=5)
    filename: str = Field(max_length=255)
    size_bytes: int = 0
    created_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
