from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from ...importers import FORMAT_NAMES
from ...models import ImportBatch
from .common import Currency, Day, Input, Page, Schema

Format = Literal[FORMAT_NAMES]
MappingTarget = Annotated[
    str,
    StringConstraints(max_length=20, pattern=r"^(skip|campaign|[1-9][0-9]{0,18})$"),
    Field(description='"skip", "campaign" (campaign-level), or a participation id.'),
]


class ImportUpload(Input):
    """An export file and what the file itself may not say."""

    file: bytes = Field(
        description="The export (CSV, TSV, XLSX or ZIP), at most TRACKER_MAX_UPLOAD_MB (200 MB by default)."
    )
    format: Format | None = Field(None, description="Default: recognised from the columns.")
    as_of: Day | None = Field(
        None, description="The day figures are dated when the file does not say (default: today)."
    )
    currency: Currency | None = Field(
        None,
        description="Currency of unlabelled money (GA4, WooCommerce); default: the campaign's.",
    )


class ImportChoices(Input):
    """Choices after the preview; the preview is computed again with them."""

    format: Format | None = None
    as_of: Day | None = None
    currency: Currency | None = None
    mapping: dict[Annotated[str, StringConstraints(max_length=400)], MappingTarget] | None = Field(
        None, description="Unknown row key (from the preview) → where its figures go."
    )
    posts: dict[Annotated[str, StringConstraints(max_length=400)], bool] | None = Field(
        None, description="New post key (from the preview) → import it or not."
    )


class ImportPublic(Schema):
    id: int
    campaign_id: int
    status: Literal["previewed", "committed", "failed"]
    filename: str
    format: str
    size_bytes: int
    rows_read: int
    captured_on: date | None
    created_at: datetime
    committed_at: datetime | None
    error: str | None
    options: dict[str, Any] = Field(description="The choices the preview used.")
    preview: dict[str, Any] = Field(
        description="What importing does (counts, new posts, unknown rows, rejected rows with "
        "row, column and reason); once committed, `committed` has what was written."
    )

    @classmethod
    def of(cls, batch: ImportBatch) -> ImportPublic:
        values = batch.model_dump(exclude={"summary", "options"})
        values["options"] = json.loads(batch.options or "{}")
        values["preview"] = json.loads(batch.summary or "{}")
        return cls.model_validate(values)


class ImportPage(Page[ImportPublic]):
    """A page of imports."""
