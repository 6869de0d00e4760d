from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from ...models import Brand
from .common import Input, Page, Schema, text

Colour = Annotated[str, StringConstraints(max_length=7, pattern=r"^#[0-9a-fA-F]{6}$")]
BrandName = text(120, 1)


class BrandCreate(Input):
    name: BrandName
    primary_color: Colour = Field("#1f4e79", description="Hex colour used on recaps.")


class BrandUpdate(Input):
    name: BrandName = None
    primary_color: Colour = None
    archived: bool = Field(None, description="Archived brands are not offered for new campaigns.")


class BrandPublic(Schema):
    id: int
    name: str
    slug: str
    primary_color: str
    archived_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, brand: Brand) -> BrandPublic:
        return cls.model_validate(brand, from_attributes=True)


class BrandPage(Page[BrandPublic]):
    """A page of brands."""
