"""Request and response bodies of POST /api/v1/conversions (also used by the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ..currency import is_valid_currency

MAX_ORDER_ID = 80
MAX_PROMO_CODE = 40
MAX_CLICK_TOKEN = 40


class ConversionRequest(BaseModel):
    """An order (or sign-up) the shop reports; attributed by promo code or by the click id.

    `amount` may be a JSON number or a decimal string; either way it is read as an exact
    decimal (never through a binary float), with at most 4 decimal places.
    """

    model_config = ConfigDict(
        extra="ignore",  # shops send their whole order object; keep what we use
        coerce_numbers_to_str=True,  # Shopify order ids are numbers
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "order_id": "1001",
                    "amount": "59.90",
                    "currency": "EUR",
                    "occurred_at": "2026-03-10T14:03:00+01:00",
                    "promo_code": "LEA15",
                },
                {
                    "order_id": "1002",
                    "amount": 24.5,
                    "currency": "EUR",
                    "click_id": "48213.hG4kT0pX9qLm2cVb",
                },
            ]
        },
    )

    order_id: Annotated[str, StringConstraints(min_length=1, max_length=MAX_ORDER_ID)] = Field(
        description="The shop's order number; the same order id is recorded once per campaign."
    )
    amount: Decimal = Field(
        ge=0,
        max_digits=18,
        decimal_places=4,
        description='Order value, as a decimal string ("19.99") or a JSON number.',
    )
    currency: str = Field(description="ISO 4217 code of the amount, e.g. EUR.")
    occurred_at: datetime | None = Field(
        default=None,
        description="When the order was placed (ISO 8601); without an offset it is read as UTC. "
        "Default: when it is received.",
    )
    promo_code: Annotated[str, StringConstraints(max_length=MAX_PROMO_CODE)] | None = Field(
        default=None, description="Discount code used; matched case-insensitively."
    )
    click_id: Annotated[str, StringConstraints(max_length=MAX_CLICK_TOKEN)] | None = Field(
        default=None,
        description="The `tclid` parameter of the landing URL the buyer arrived on, unchanged "
        '(a signed click id such as "48213.hG4kT0pX9qLm2cVb"; an altered or bare number is '
        "refused).",
    )

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        code = value.strip().upper()
        if not is_valid_currency(code):
            raise ValueError(f"{value!r} is not an ISO 4217 currency code")
        return code

    @field_validator("promo_code", "click_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class ConversionResponse(BaseModel):
    """The conversion as recorded; `duplicate` is true when the order id was already known."""

    id: int
    campaign_id: int
    order_id: str
    amount: str = Field(description='Exact decimal as a string, e.g. "19.99".')
    currency: str
    occurred_at: datetime
    attributed_by: Literal["promo_code", "click", "none"]
    participation_id: int | None
    promo_code: str | None
    click_id: int | None = Field(description="The id of the click row the order came through.")
    duplicate: bool
