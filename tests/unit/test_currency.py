"""Exchange conversion: exact, dated, never a silent 1:1."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tracker.currency import MissingRateError, RateTable, is_valid_currency

RATES = RateTable(
    [
        (date(2026, 3, 6), "USD", "EUR", Decimal("0.92")),  # Friday
        (date(2026, 3, 9), "USD", "EUR", Decimal("0.90")),  # Monday
        (date(2026, 3, 9), "EUR", "GBP", Decimal("0.8")),
    ]
)


def test_convert_uses_the_rate_of_the_date():
    assert RATES.convert(Decimal("100"), "USD", "EUR", date(2026, 3, 9)) == Decimal("90.00")


def test_convert_uses_the_most_recent_earlier_rate_over_a_weekend():
    assert RATES.convert(Decimal("100"), "USD", "EUR", date(2026, 3, 8)) == Decimal("92.00")


def test_convert_never_uses_a_later_rate():
    with pytest.raises(MissingRateError):
        RATES.convert(Decimal("100"), "USD", "EUR", date(2026, 3, 5))


def test_convert_accepts_the_inverse_pair():
    # Only EUR→GBP 0.8 exists: 100 GBP = 100 / 0.8 EUR.
    assert RATES.convert(Decimal("100"), "GBP", "EUR", date(2026, 3, 10)) == Decimal("125")


def test_inverse_conversion_divides_by_the_published_rate():
    # 1 / 0.9 does not terminate; dividing keeps 90 USD worth exactly 100 EUR.
    assert RATES.convert(Decimal("90"), "EUR", "USD", date(2026, 3, 9)) == Decimal("100")


def test_same_currency_returns_the_amount_unchanged_without_any_rate():
    amount = Decimal("12.345")
    assert RateTable().convert(amount, "JPY", "JPY", date(2026, 1, 1)) is amount


def test_missing_rate_message_names_the_pair_and_the_date():
    with pytest.raises(MissingRateError) as info:
        RATES.convert(Decimal("1"), "USD", "CHF", date(2026, 3, 10))
    assert str(info.value) == "No exchange rate USD→CHF on or before 2026-03-10"
    assert (info.value.from_ccy, info.value.to_ccy, info.value.on) == (
        "USD",
        "CHF",
        date(2026, 3, 10),
    )


def test_missing_rate_is_a_lookup_error():
    assert issubclass(MissingRateError, LookupError)


def test_no_triangulation_through_a_third_currency():
    # USD→EUR and EUR→GBP exist, but USD→GBP was never entered.
    with pytest.raises(MissingRateError, match="USD→GBP"):
        RATES.convert(Decimal("1"), "USD", "GBP", date(2026, 3, 10))


def test_quote_reports_the_publication_date_and_direction():
    quote = RATES.quote("USD", "EUR", date(2026, 3, 8))
    assert (quote.rate, quote.published_on, quote.inverted) == (
        Decimal("0.92"),
        date(2026, 3, 6),
        False,
    )
    inverse = RATES.quote("GBP", "EUR", date(2026, 3, 9))
    assert (inverse.rate, inverse.inverted) == (Decimal("1.25"), True)


def test_a_more_recent_inverse_rate_beats_an_older_direct_one():
    table = RateTable(
        [
            (date(2026, 1, 2), "USD", "EUR", Decimal("0.95")),
            (date(2026, 3, 2), "EUR", "USD", Decimal("1.25")),
        ]
    )
    assert table.convert(Decimal("100"), "USD", "EUR", date(2026, 3, 3)) == Decimal("80")


def test_the_direct_rate_wins_a_same_day_tie():
    table = RateTable(
        [
            (date(2026, 3, 2), "USD", "EUR", Decimal("0.80")),
            (date(2026, 3, 2), "EUR", "USD", Decimal("1.30")),
        ]
    )
    assert table.convert(Decimal("100"), "USD", "EUR", date(2026, 3, 2)) == Decimal("80")


def test_conflicting_rates_for_one_day_are_refused():
    with pytest.raises(ValueError, match="Two different rates USD→EUR"):
        RateTable(
            [
                (date(2026, 3, 2), "USD", "EUR", Decimal("0.80")),
                (date(2026, 3, 2), "USD", "EUR", Decimal("0.81")),
            ]
        )


def test_the_same_rate_entered_twice_is_accepted():
    row = (date(2026, 3, 2), "USD", "EUR", Decimal("0.80"))
    assert RateTable([row, row]).convert(Decimal("10"), "USD", "EUR", date(2026, 3, 2)) == 8


@pytest.mark.parametrize("bad", [Decimal("0"), Decimal("-1"), Decimal("NaN")])
def test_a_rate_must_be_positive(bad):
    with pytest.raises(ValueError, match="positive"):
        RateTable([(date(2026, 3, 2), "USD", "EUR", bad)])


def test_a_float_rate_is_refused():
    with pytest.raises(TypeError, match="Decimal"):
        RateTable([(date(2026, 3, 2), "USD", "EUR", 0.9)])


def test_a_float_amount_is_refused():
    with pytest.raises(TypeError, match="Decimal"):
        RATES.convert(10.5, "USD", "EUR", date(2026, 3, 9))


def test_a_rate_with_an_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="Unknown currency code 'EURO'"):
        RateTable([(date(2026, 3, 2), "USD", "EURO", Decimal("1"))])


@pytest.mark.parametrize("code", ["EUR", "USD", "JPY", "CHF", "GBP"])
def test_iso_codes_are_valid(code):
    assert is_valid_currency(code)


@pytest.mark.parametrize("code", ["eur", "EURO", "EU", "ABC", "", "€"])
def test_other_codes_are_invalid(code):
    assert not is_valid_currency(code)
