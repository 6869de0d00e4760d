"""Cost lines: conversion to the campaign currency and direct vs shared split."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tracker.costs import COST_CATEGORIES, CostItem, allocate, staff_time_amount
from tracker.currency import MissingRateError, RateTable

RATES = RateTable(
    [
        (date(2026, 3, 2), "USD", "EUR", Decimal("0.90")),
        (date(2026, 3, 9), "USD", "EUR", Decimal("0.80")),
        (date(2026, 3, 2), "EUR", "GBP", Decimal("0.8")),
    ]
)


def item(amount: str, category: str, pid: int | None, ccy: str = "EUR", day: int = 3) -> CostItem:
    return CostItem(Decimal(amount), ccy, date(2026, 3, day), category, pid)


def test_cost_categories_cover_kpi_md():
    assert COST_CATEGORIES == (
        "influencer_fee",
        "product_gifting",
        "production",
        "agency_fee",
        "paid_amplification",
        "shipping",
        "tools",
        "staff_time",
    )


def test_direct_costs_go_to_their_participation_and_shared_costs_do_not():
    items = [
        item("1000", "influencer_fee", 1),
        item("250", "product_gifting", 1),
        item("600", "influencer_fee", 2),
        item("400", "agency_fee", None),
        item("50", "tools", None),
    ]
    result = allocate(items, "EUR", RATES)
    assert result.direct == {1: Decimal("1250"), 2: Decimal("600")}
    assert result.shared == Decimal("450")
    assert result.total == Decimal("2300")


def test_campaign_total_is_direct_plus_shared():
    items = [item("10", "shipping", 7), item("5", "tools", None)]
    result = allocate(items, "EUR", RATES)
    assert result.total == result.shared + sum(result.direct.values()) == Decimal("15")


def test_a_participation_without_direct_lines_has_no_direct_entry():
    result = allocate([item("400", "agency_fee", None)], "EUR", RATES)
    assert result.direct == {}
    assert result.direct.get(1) is None


def test_by_category_sums_in_campaign_currency_in_category_order():
    items = [
        item("50", "tools", None),
        item("100", "influencer_fee", 1, ccy="USD", day=3),  # 90 EUR
        item("200", "influencer_fee", 2),
    ]
    result = allocate(items, "EUR", RATES)
    assert result.by_category == {"influencer_fee": Decimal("290"), "tools": Decimal("50")}
    assert list(result.by_category) == ["influencer_fee", "tools"]


def test_each_line_is_converted_at_the_rate_of_its_own_date():
    items = [
        item("100", "influencer_fee", 1, ccy="USD", day=3),  # rate of 2 March: 0.90
        item("100", "influencer_fee", 1, ccy="USD", day=9),  # rate of 9 March: 0.80
    ]
    result = allocate(items, "EUR", RATES)
    assert result.direct == {1: Decimal("170")}


def test_conversions_used_lists_each_rate_once_with_its_publication_date():
    items = [
        item("100", "influencer_fee", 1, ccy="USD", day=3),
        item("20", "shipping", 1, ccy="USD", day=4),
        item("100", "production", None, ccy="USD", day=9),
        item("8", "tools", None, ccy="GBP", day=3),  # inverse of EUR→GBP 0.8
        item("5", "tools", None),
    ]
    result = allocate(items, "EUR", RATES)
    assert result.conversions_used == [
        ("USD", date(2026, 3, 2), Decimal("0.90")),
        ("USD", date(2026, 3, 9), Decimal("0.80")),
        ("GBP", date(2026, 3, 2), Decimal("1.25")),
    ]
    assert result.total == Decimal("90") + Decimal("18") + Decimal("80") + Decimal("10") + 5


def test_a_missing_rate_raises_instead_of_converting_one_to_one():
    with pytest.raises(MissingRateError, match="No exchange rate CHF→EUR on or before 2026-03-03"):
        allocate([item("100", "production", None, ccy="CHF")], "EUR", RATES)


def test_a_cost_dated_before_the_first_rate_raises():
    with pytest.raises(MissingRateError, match="USD→EUR on or before 2026-03-01"):
        allocate([item("100", "production", None, ccy="USD", day=1)], "EUR", RATES)


def test_no_cost_lines_total_zero():
    result = allocate([], "EUR", RATES)
    assert (result.total, result.shared, result.direct, result.by_category) == (0, 0, {}, {})


def test_staff_time_is_hours_times_hourly_rate():
    assert staff_time_amount(Decimal("7.5"), Decimal("48.20")) == Decimal("361.5")
    assert staff_time_amount(3, Decimal("40")) == Decimal("120")


def test_staff_time_refuses_negative_hours():
    with pytest.raises(ValueError, match="hours"):
        staff_time_amount(Decimal("-1"), Decimal("40"))


def test_staff_time_refuses_float_rates():
    with pytest.raises(TypeError, match="hourly rate"):
        staff_time_amount(2, 40.5)


def test_cost_item_refuses_unknown_category():
    with pytest.raises(ValueError, match="Unknown cost category 'catering'"):
        item("10", "catering", None)


def test_cost_item_refuses_unknown_currency():
    with pytest.raises(ValueError, match="Unknown currency code 'EURO'"):
        item("10", "tools", None, ccy="EURO")


def test_cost_item_refuses_float_amount():
    with pytest.raises(TypeError, match="Decimal"):
        CostItem(10.0, "EUR", date(2026, 3, 1), "tools", None)


def test_cost_item_refuses_negative_amount():
    with pytest.raises(ValueError, match="zero or more"):
        item("-10", "tools", None)


def test_allocate_refuses_unknown_campaign_currency():
    with pytest.raises(ValueError, match="Unknown currency code 'eur'"):
        allocate([], "eur", RATES)
