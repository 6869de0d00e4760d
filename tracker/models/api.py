"""What the JSON API keeps between requests: the responses of idempotent writes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class IdempotencyKey(SQLModel, table=True):
    """A write sent with an Idempotency-Key header, and the response it got.

    The same key with the same request replays `response_body`; the same key with another
    request is refused (409), so a client retrying after a timeout never writes twice.
    """

    __tablename__ = "api_idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response_body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
