"""Types every API schema shares: exact decimals as strings, pages, errors.

Numbers in the API (docs/api.md says the same):

- money is a decimal string with exactly 4 decimals ("10810.0000"), in the currency named
  by the `currency` field of the object that holds it;
- rates, ratios and other non-integer figures are decimal strings rounded half-even to 6
  decimals, without trailing zeros ("0.030574"); rates are fractions (0.030574 = 3.06 %);
- counts are JSON integers; undefined figures are null, never 0;
- inputs accept a decimal string or a JSON number (read exactly, never through a float).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)
from sqlmodel import SQLModel

from ...currency import is_valid_currency

MAX_BIGINT = 2**63 - 1  # ids and counts: BIGINT on PostgreSQL, INTEGER on SQLite
MAX_INT = 2**31 - 1  # plain INTEGER columns on PostgreSQL
_WIDE = Context(prec=80)  # quantizing needs room for every digit before the point


def money_text(value: Decimal) -> str:
    """10810 → "10810.0000": money at the storage scale, rounded half-even."""
    return format(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN, context=_WIDE), "f")


def number_text(value: Decimal | int, places: int = 6) -> str:
    """0.0305744680 → "0.030574"; 500000.0000 → "500000"."""
    exact = Decimal(value).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN, context=_WIDE
    )
    text = format(exact, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


Money = Annotated[
    Decimal,
    PlainSerializer(money_text, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?\d+\.\d{4}$",
            "description": "Money: a decimal string with 4 decimals, in the object's currency.",
            "examples": ["10810.0000"],
        },
        mode="serialization",
    ),
]
Number = Annotated[
    Decimal,
    PlainSerializer(number_text, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^-?\d+(\.\d{1,6})?$",
            "description": "A decimal string rounded to at most 6 decimals.",
            "examples": ["0.030574"],
        },
        mode="serialization",
    ),
]
ExchangeRateNumber = Annotated[
    Decimal,
    PlainSerializer(lambda v: number_text(v, 8), return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d+(\.\d{1,8})?$", "examples": ["0.92"]},
        mode="serialization",
    ),
]


def decimal_input(
    *, places: int, max_digits: int, minimum: int = 0, exclusive: bool = False
) -> Any:
    """A non-negative exact decimal input: a JSON number or a decimal string."""
    pattern = rf"^\d{{1,{max_digits - places}}}(\.\d{{1,{places}}})?$"
    bound = {"exclusiveMinimum": minimum} if exclusive else {"minimum": minimum}
    schema = {
        "anyOf": [{"type": "number", **bound}, {"type": "string", "pattern": pattern}],
        "description": f"A decimal string or JSON number, at most {places} decimals.",
    }
    limit = {"gt": minimum} if exclusive else {"ge": minimum}
    return Annotated[
        Decimal,
        Field(max_digits=max_digits, decimal_places=places, allow_inf_nan=False, **limit),
        WithJsonSchema(schema, mode="validation"),
    ]


MoneyIn = decimal_input(places=4, max_digits=18)


def _currency(value: str) -> str:
    code = value.upper()
    if not is_valid_currency(code):
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


Currency = Annotated[
    str,
    StringConstraints(max_length=3, pattern=r"^[A-Za-z]{3}$"),
    AfterValidator(_currency),
    Field(description="ISO 4217 code, e.g. EUR.", examples=["EUR"]),
]


def text(max_length: int, min_length: int = 0) -> Any:
    """A string trimmed of surrounding spaces, within the column's length."""
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)
    ]


def _utc(value: datetime) -> datetime:
    """Naive means UTC; aware values are converted, so stored and returned times agree."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]
# Days people enter (campaign dates, costs, snapshots, rates): a sane window, so a typo such
# as 0202-03-01 is an error instead of a campaign spanning eighteen centuries of daily charts.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]
MAX_CAMPAIGN_DAYS = 5 * 366
Id = Annotated[int, Field(ge=1, le=MAX_BIGINT)]
Count = Annotated[int, Field(ge=0, le=MAX_BIGINT)]


# Building the validators of the API's ~90 models took ~0.1 s of every start: each is built on
# first use (a request, the OpenAPI document) instead of when create_app() imports the routes.
DEFERRED = ConfigDict(defer_build=True)


class Schema(SQLModel):
    """A request or response model of the API (not a table)."""

    model_config = DEFERRED


class Input(Schema):
    """Request bodies refuse unknown fields, so a typo is an error instead of being ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; `total` counts every item matching the filters.

    Subclass it per item type (`class BrandPage(Page[BrandPublic])`) so the OpenAPI
    component gets a plain name: component names allow no brackets.
    """

    model_config = DEFERRED

    items: list[T]
    total: int = Field(ge=0)
    limit: int
    offset: int


class ListQuery(BaseModel):
    model_config = DEFERRED

    limit: int = Field(50, ge=1, le=500, description="Items per page (1–500).")
    offset: int = Field(0, ge=0, le=MAX_INT, description="Items to skip.")


class ErrorBody(BaseModel):
    """Any error answer: a machine code, a sentence, and each bad field with its reason."""

    model_config = DEFERRED

    error: str = Field(examples=["validation_failed"])
    message: str = ""
    fields: dict[str, str] = Field(
        default_factory=dict, examples=[{"end_date": "is before start_date"}]
    )
