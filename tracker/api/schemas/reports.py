from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from ...models import Report
from .common import Input, Page, Schema


class ReportCreate(Input):
    locale: Literal["en", "fr"] | None = Field(
        None, description="The recap's language; default: the campaign's."
    )


class ReportPublic(Schema):
    id: int
    campaign_id: int
    locale: str
    filename: str
    size_bytes: int
    created_at: datetime
    pdf_url: str = Field(description="Where to download the PDF (with the same token).")

    @classmethod
    def of(cls, report: Report) -> ReportPublic:
        values = report.model_dump()
        values["pdf_url"] = f"/api/v1/reports/{report.id}/pdf"
        return cls.model_validate(values)


class ReportPage(Page[ReportPublic]):
    """A page of recaps."""
