"""Who works here: workspaces, users, API tokens and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from .base import one_of, utcnow

ROLES = ("admin", "manager", "viewer", "brand")


class Workspace(SQLModel, table=True):
    """An agency or in-house team; owns brands, influencers, rates and users."""

    __table_args__ = (
        CheckConstraint(
            "0 < tier_micro_min AND tier_micro_min < tier_mid_min"
            " AND tier_mid_min < tier_macro_min AND tier_macro_min < tier_mega_min",
            name="tier_bands_increasing",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    slug: str = Field(max_length=80, unique=True)
    default_locale: str = Field(default="en", max_length=5)
    tier_micro_min: int = Field(default=10_000, sa_type=BigInteger)
    tier_mid_min: int = Field(default=50_000, sa_type=BigInteger)
    tier_macro_min: int = Field(default=500_000, sa_type=BigInteger)
    tier_mega_min: int = Field(default=1_000_000, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    __tablename__ = "app_user"  # "user" is reserved on PostgreSQL
    __table_args__ = (
        one_of("role", ROLES, "role"),
        CheckConstraint("role != 'brand' OR brand_id IS NOT NULL", name="brand_user_has_brand"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=254, unique=True)
    name: str = Field(default="", max_length=120)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="manager", max_length=16)
    brand_id: int | None = Field(default=None, foreign_key="brand.id", ondelete="CASCADE")
    locale: str | None = Field(default=None, max_length=5)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    """A personal API token; only its hash is stored, the token is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(max_length=128, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Who changed what (cost lines, snapshots, goals…), for admins."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow)
    action: str = Field(max_length=16)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
