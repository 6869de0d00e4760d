from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.importers.numbers import (
    infer_decimal_comma,
    is_null,
    parse_count,
    parse_count_column,
    parse_currency,
    parse_decimal,
    parse_decimal_column,
    parse_percent,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5431", 5431),
        ("5,431", 5431),  # TikTok Studio thousands comma
        ("14 041", 14041),  # plain space
        ("14\u00a0041", 14041),  # U+00A0, French Excel
        ("14\u202f041", 14041),  # U+202F, CLDR fr
        ("1\u202f234\u202f567", 1234567),
        ("124.010", 124010),  # dot thousands (de, es, id)
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("1.2K", 1200),
        ("1.2k", 1200),
        ("137,4K", 137400),  # TikTok's own UI
        ("3,4 M", 3400000),
        ("3,4\u00a0M", 3400000),
        ("1,2 k", 1200),
        ("1,2 Md", 1200000000),
        ("2 Mio.", 2000000),
        ("1.5B", 1500000000),
        ("0", 0),
        (" 42 ", 42),
        ("85.0", 85),
    ],
)
def test_counts_in_every_export_locale(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("56,54", None, Decimal("56.54")),  # two digits after the comma: only decimal
        ("56.54", None, Decimal("56.54")),
        ("0,123", None, Decimal("0.123")),  # a leading zero cannot start a thousands group
        ("1234,567", None, Decimal("1234.567")),  # nor can four digits
        ("1.234,56", None, Decimal("1234.56")),
        ("1,234.56", None, Decimal("1234.56")),
        ("1 234 567,89", None, Decimal("1234567.89")),
        ("1\u202f234,5", True, Decimal("1234.5")),
        ("5,431", True, Decimal("5.431")),  # the caller knows the file's comma is decimal
        ("5.431", False, Decimal("5.431")),
        ("5.431", True, Decimal("5431")),
        ("4.854368932038835E-4", False, Decimal("0.0004854368932038835")),
        ("-12.50", None, Decimal("-12.50")),
        ("\u221212,5", None, Decimal("-12.5")),  # the minus sign CLDR writes
        ("'-12.50", None, Decimal("-12.50")),  # WooCommerce's spreadsheet-safe escape
        ("+3", None, Decimal("3")),
    ],
)
def test_decimals_follow_the_separator_rules(
    text: str, decimal_comma: bool | None, expected: Decimal
) -> None:
    assert parse_decimal(text, decimal_comma) == expected


@pytest.mark.parametrize("text", ["", "  ", "--", "-", "—", "undefined", "N/A", "n/a", "<5"])
def test_null_markers_mean_no_value_not_zero(text: str) -> None:
    assert is_null(text)
    assert parse_count(text) is None
    assert parse_decimal(text) is None
    assert parse_percent(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "not a number"),
        ("12a3", "not a number"),
        ("1 23", "groups of three"),
        ("1,23,456", "groups of three"),
        ("5,43.1", "mixed up"),
        ("1.2 km", "unknown suffix"),
        ("1.2m", "unknown suffix"),  # minutes? metres? refused, not guessed
        ("1,5", "whole number"),
        ("56,54", "whole number"),
        ("1.2345K", "whole number"),
        ("-1", "negative"),
    ],
)
def test_unreadable_counts_raise_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_count(text)


def test_decimal_comma_contradicted_by_the_value_is_refused() -> None:
    with pytest.raises(ValueError, match="not the decimal separator"):
        parse_decimal("1,234.5", decimal_comma=True)
    with pytest.raises(ValueError, match="not followed by three digits"):
        parse_decimal("12.5", decimal_comma=True)
    with pytest.raises(ValueError, match="more than once"):
        parse_decimal("1,234,567", decimal_comma=True)


def test_negative_counts_only_where_the_caller_allows() -> None:
    assert parse_count("-1", allow_negative=True) == -1
    with pytest.raises(ValueError, match="negative"):
        parse_count("-1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5%", Decimal("0.125")),
        ("0.56%", Decimal("0.0056")),
        ("0,56%", Decimal("0.0056")),
        ("34,62 %", Decimal("0.3462")),
        ("34,62\u00a0%", Decimal("0.3462")),
        ("100%", Decimal("1")),
    ],
)
def test_percentages_become_fractions(text: str, expected: Decimal) -> None:
    assert parse_percent(text) == expected


def test_a_bare_number_is_a_percentage_only_when_the_caller_says_how() -> None:
    with pytest.raises(ValueError, match="percentage"):
        parse_percent("0.6667")
    assert parse_percent("0.6667", bare="fraction") == Decimal("0.6667")
    assert parse_percent("4.5", bare="percent") == Decimal("0.045")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["56,54", "14 041", "0,56%"], True),
        (["56.54", "1200", "0.86%"], False),
        (["1.234,5"], True),
        (["1,234.5"], False),
        (["1.234.567"], True),
        (["1,2 k"], True),
        (["5,431", "1200", "undefined"], None),  # a comma before three digits tells nothing
        (["56,54", "12.5"], None),  # values disagree
        ([], None),
    ],
)
def test_infer_decimal_comma_from_the_values_that_can_tell(
    values: list[str], expected: bool | None
) -> None:
    assert infer_decimal_comma(values) is expected


def test_count_column_parses_plain_cells_fast_and_reports_bad_ones_by_index() -> None:
    values, errors = parse_count_column(["12", "", "5,431", "--", "x", "-3", "3,4 M"])
    assert values == [12, None, 5431, None, None, None, 3400000]
    assert errors == {4: "not a number", 5: "a count cannot be negative"}


def test_decimal_column_keeps_exact_decimals() -> None:
    values, errors = parse_decimal_column(["29.98", "0.1", "1e-3", "--", "bad"], False)
    assert values == [Decimal("29.98"), Decimal("0.1"), Decimal("0.001"), None, None]
    assert all(isinstance(v, Decimal) for v in values if v is not None)
    assert errors == {4: "not a number"}


def test_currency_codes_are_upper_case_iso() -> None:
    assert parse_currency(" eur ") == "EUR"
    assert parse_currency("--") is None
    with pytest.raises(ValueError, match="ISO currency"):
        parse_currency("€")


_GROUPINGS = [
    (",", False),
    (",", None),
    (".", True),
    (".", None),
    (" ", None),
    ("\u00a0", True),
    ("\u202f", None),
]


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(_GROUPINGS))
def test_any_grouped_count_reads_back(n: int, grouping: tuple[str, bool | None]) -> None:
    separator, decimal_comma = grouping
    assert parse_count(f"{n:,}".replace(",", separator), decimal_comma) == n


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_french_formatted_amounts_read_back(amount: Decimal) -> None:
    english = f"{amount:,.2f}"  # 1,234,567.89
    french = english.replace(",", "\u202f").replace(".", ",")  # 1 234 567,89
    assert parse_decimal(french, decimal_comma=True) == amount
    assert parse_decimal(english, decimal_comma=False) == amount
    assert parse_decimal(french) == amount  # two decimals: unambiguous even without a hint
