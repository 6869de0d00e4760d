"""API input models keep the tables' limits, so valid input never fails in the database."""

from __future__ import annotations

import pytest

from tracker.api.schemas.brands import BrandCreate
from tracker.api.schemas.campaigns import CampaignCreate
from tracker.api.schemas.common import money_text, number_text
from tracker.api.schemas.costs import CostLineCreate, ExchangeRateIn
from tracker.api.schemas.influencers import AccountIn, InfluencerCreate, ParticipationCreate
from tracker.api.schemas.results import PostCreate, SnapshotIn
from tracker.models import (
    Brand,
    Campaign,
    CostLine,
    ExchangeRate,
    Influencer,
    Participation,
    Post,
    Snapshot,
    SocialAccount,
)

PAIRS = [
    (BrandCreate, Brand),
    (CampaignCreate, Campaign),
    (InfluencerCreate, Influencer),
    (AccountIn, SocialAccount),
    (ParticipationCreate, Participation),
    (CostLineCreate, CostLine),
    (ExchangeRateIn, ExchangeRate),
    (PostCreate, Post),
    (SnapshotIn, Snapshot),
]


def _longest(prop: dict) -> int | None:
    """The longest text the schema lets through, or None when it has no bound."""
    for branch in (prop, *prop.get("anyOf", [])):
        if "maxLength" in branch:
            return branch["maxLength"]
        if "enum" in branch:
            return max(len(value) for value in branch["enum"])
    return None


@pytest.mark.parametrize(("model", "table"), PAIRS, ids=[m.__name__ for m, _ in PAIRS])
def test_text_limits_match_the_columns(model, table):
    properties = model.model_json_schema()["properties"]
    checked = 0
    for name, column in table.__table__.columns.items():
        if name in properties and getattr(column.type, "length", None):
            longest = _longest(properties[name])
            assert longest is not None and longest <= column.type.length, name
            checked += 1
    assert checked or model in (SnapshotIn, ExchangeRateIn)


def test_money_and_numbers_are_written_as_documented():
    from decimal import Decimal

    assert money_text(Decimal("10810")) == "10810.0000"
    assert money_text(Decimal("0.75226165")) == "0.7523"
    assert money_text(Decimal("0.00005")) == "0.0000", "half-even"
    assert number_text(Decimal("0.0305744680851")) == "0.030574"
    assert number_text(Decimal("500000.0000")) == "500000"
    assert number_text(Decimal("-3.8714153561517")) == "-3.871415"
    assert number_text(Decimal("-0.0000001")) == "0"
    assert number_text(Decimal("123456789012345678901234.5")) == "123456789012345678901234.5"
