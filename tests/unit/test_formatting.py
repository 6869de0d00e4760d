"""Display rounding (half-even) and localisation.

French output keeps babel's spacing characters: U+202F (narrow no-break
space) groups thousands and U+00A0 (no-break space) precedes € and %.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel import Locale

from tracker import formatting as fmt

NNBSP = "\u202f"
NBSP = "\u00a0"


def test_dash_is_an_em_dash():
    assert fmt.DASH == "\u2014"


@pytest.mark.parametrize(
    "call",
    [
        lambda: fmt.money(None, "EUR", "en"),
        lambda: fmt.money4(None, "EUR", "fr"),
        lambda: fmt.percent(None, "en"),
        lambda: fmt.percent_points(None, "en"),
        lambda: fmt.ratio(None),
        lambda: fmt.number(None, "fr"),
        lambda: fmt.date_(None, "en"),
    ],
)
def test_undefined_values_show_a_dash(call):
    assert call() == "—"


def test_money_in_english():
    assert fmt.money(Decimal("1234.56"), "EUR", "en") == "€1,234.56"


def test_money_in_french_uses_babel_spaces_and_decimal_comma():
    assert fmt.money(Decimal("1234.56"), "EUR", "fr") == f"1{NNBSP}234,56{NBSP}€"


def test_money_in_french_reads_as_expected_once_spaces_are_normalised():
    text = fmt.money(Decimal("1234.56"), "EUR", "fr")
    assert text.replace(NNBSP, " ").replace(NBSP, " ") == "1 234,56 €"


def test_money_accepts_a_babel_locale():
    assert fmt.money(Decimal("1"), "USD", Locale.parse("en_US")) == "$1.00"


def test_money_always_shows_two_decimals():
    assert fmt.money(Decimal("6"), "EUR", "en") == "€6.00"
    assert fmt.money(1500, "USD", "en") == "$1,500.00"


def test_money_rounds_half_to_even():
    assert fmt.money(Decimal("0.125"), "EUR", "en") == "€0.12"
    assert fmt.money(Decimal("0.135"), "EUR", "en") == "€0.14"
    assert fmt.money(Decimal("1234.565"), "EUR", "en") == "€1,234.56"


def test_money_rounds_above_half_up():
    assert fmt.money(Decimal("0.1251"), "EUR", "en") == "€0.13"


def test_money_does_not_show_a_negative_zero():
    assert fmt.money(Decimal("-0.001"), "EUR", "en") == "€0.00"


def test_money_shows_negative_amounts():
    assert fmt.money(Decimal("-12.345"), "EUR", "en") == "-€12.34"


def test_money4_shows_four_decimals_for_cpv():
    assert fmt.money4(Decimal("0.006"), "EUR", "en") == "€0.0060"
    assert fmt.money4(Decimal("0.00605"), "EUR", "en") == "€0.0060"
    assert fmt.money4(Decimal("0.00615"), "EUR", "en") == "€0.0062"
    assert fmt.money4(Decimal("0.0060"), "EUR", "fr") == f"0,0060{NBSP}€"


def test_percent_shows_a_fraction_with_two_decimals():
    assert fmt.percent(Decimal("0.05234"), "en") == "5.23%"
    assert fmt.percent(Decimal("0.05234"), "fr") == f"5,23{NBSP}%"


def test_percent_keeps_trailing_zeros():
    assert fmt.percent(Decimal("0.05"), "en") == "5.00%"


def test_percent_rounds_half_to_even():
    assert fmt.percent(Decimal("0.00125"), "en") == "0.12%"
    assert fmt.percent(Decimal("0.00135"), "en") == "0.14%"


def test_percent_above_one_hundred():
    assert fmt.percent(Decimal("12.5"), "en") == "1,250.00%"


def test_percent_points_formats_roi_pct_without_rescaling():
    assert fmt.percent_points(Decimal("400"), "en") == "400.00%"
    assert fmt.percent_points(Decimal("-33.335"), "en") == "-33.34%"


def test_ratio_shows_one_decimal_to_one():
    assert fmt.ratio(Decimal("5.2")) == "5.2:1"
    assert fmt.ratio(Decimal("5")) == "5.0:1"


def test_ratio_rounds_half_to_even():
    assert fmt.ratio(Decimal("5.25")) == "5.2:1"
    assert fmt.ratio(Decimal("5.35")) == "5.4:1"


def test_ratio_in_french_uses_a_decimal_comma():
    assert fmt.ratio(Decimal("5.2"), "fr") == "5,2:1"


def test_number_groups_digits_per_locale():
    assert fmt.number(1234567, "en") == "1,234,567"
    assert fmt.number(1234567, "fr") == f"1{NNBSP}234{NNBSP}567"
    assert fmt.number(0, "en") == "0"


def test_date_in_english_names_the_month():
    assert fmt.date_(date(2026, 11, 23), "en") == "Nov 23, 2026"


def test_date_in_french_is_day_month_year():
    assert fmt.date_(date(2026, 11, 23), "fr") == "23/11/2026"


def test_date_in_a_regional_french_follows_that_regions_short_form():
    assert fmt.date_(date(2026, 11, 23), "fr_CA") == "2026-11-23"


def test_formatting_refuses_floats():
    with pytest.raises(TypeError, match="float"):
        fmt.money(1.5, "EUR", "en")
