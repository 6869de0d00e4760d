"""Display rules of KPI.md: round half-even only when showing, localise with babel.

Every function returns DASH for an undefined (None) value. Rounding happens
here with ``Decimal.quantize(ROUND_HALF_EVEN)``; babel is then told not to
quantize again, so what it prints is exactly the rounded figure. Babel's
spacing characters (U+00A0, U+202F in French) are kept as babel emits them.
"""

from __future__ import annotations

import copy
import decimal
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

DASH = "—"

LocaleLike = Locale | str

# Short numeric dates read unambiguously only where they carry a four-digit
# year in the local day/month order (fr: 23/11/2026); elsewhere (en: 11/23/26)
# the medium form with a month name ("Nov 23, 2026") is safer.
DATE_FORMATS: dict[str, str] = {"fr": "short"}
DEFAULT_DATE_FORMAT = "medium"

# Enough digits to quantize any amount the tracker handles without overflow.
_CONTEXT = decimal.Context(prec=60, rounding=ROUND_HALF_EVEN)


def _locale(locale: LocaleLike) -> Locale:
    return locale if isinstance(locale, Locale) else _parsed(locale)


@lru_cache(maxsize=32)
def _parsed(locale: str) -> Locale:
    return Locale.parse(locale)


def _round(value: Decimal | int, places: int) -> Decimal:
    """Round half-even to ``places`` decimals, dropping the sign of a zero."""
    if isinstance(value, float):
        raise TypeError(f"expected int or Decimal, got float: {value!r}")
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), context=_CONTEXT)
    return abs(rounded) if rounded == 0 else rounded


def _fixed(pattern: NumberPattern, places: int) -> NumberPattern:
    """Copy a locale pattern with exactly ``places`` fraction digits."""
    fixed = copy.copy(pattern)
    fixed.frac_prec = (places, places)
    return fixed


# A dashboard formats thousands of cells: each pattern is copied once per locale, not per cell.
@lru_cache(maxsize=64)
def _pattern(locale: Locale, kind: str, places: int) -> NumberPattern:
    if kind == "currency":
        return _fixed(locale.currency_formats["standard"], places)
    if kind == "percent":
        return _fixed(locale.percent_formats[None], places)
    if kind == "ratio":
        return _fixed(parse_pattern("#,##0.0"), places)
    return locale.decimal_formats[None]


def money(value: Decimal | int | None, currency: str, locale: LocaleLike, places: int = 2) -> str:
    """Format an amount: "€1,234.56" (en), "1 234,56 €" (fr)."""
    if value is None:
        return DASH
    return _money(value, currency, _locale(locale), places)


# Formatting is a pure function of its inputs, and a dashboard shows the same few thousand
# figures on every reload: each is formatted by Babel once, then remembered.
@lru_cache(maxsize=16_384)
def _money(value: Decimal | int, currency: str, loc: Locale, places: int) -> str:
    return _pattern(loc, "currency", places).apply(
        _round(value, places),
        loc,
        currency=currency,
        currency_digits=False,
        decimal_quantization=False,
    )


def money4(value: Decimal | int | None, currency: str, locale: LocaleLike) -> str:
    """Format a per-view cost (CPV) with 4 decimals."""
    return money(value, currency, locale, places=4)


def percent(fraction: Decimal | int | None, locale: LocaleLike) -> str:
    """Format a fraction as a percentage with 2 decimals: 0.05234 → "5.23%"."""
    if fraction is None:
        return DASH
    return _percent(fraction, _locale(locale))


@lru_cache(maxsize=16_384)
def _percent(fraction: Decimal | int, loc: Locale) -> str:
    # Rounding the fraction to 4 places is rounding the percentage to 2.
    return _pattern(loc, "percent", 2).apply(_round(fraction, 4), loc, decimal_quantization=False)


def percent_points(value: Decimal | int | None, locale: LocaleLike) -> str:
    """Format a number that is already a percentage (ROI %): 250 → "250.00%"."""
    if value is None:
        return DASH
    return percent(Decimal(value).scaleb(-2), locale)


def ratio(value: Decimal | int | None, locale: LocaleLike = "en") -> str:
    """Format a ratio such as ROAS to 1 decimal: "5.2:1" (fr "5,2:1")."""
    if value is None:
        return DASH
    loc = _locale(locale)
    return _pattern(loc, "ratio", 1).apply(_round(value, 1), loc, decimal_quantization=False) + ":1"


def number(value: int | Decimal | None, locale: LocaleLike) -> str:
    """Format a count with the locale's digit grouping: 1,234 (fr 1 234)."""
    if value is None:
        return DASH
    return _number(value, _locale(locale))


@lru_cache(maxsize=16_384)
def _number(value: int | Decimal, loc: Locale) -> str:
    return _pattern(loc, "decimal", 0).apply(value, loc)


def date_(d: date | None, locale: LocaleLike) -> str:
    """Format a date: "Nov 23, 2026" (en), "23/11/2026" (fr)."""
    if d is None:
        return DASH
    loc = _locale(locale)
    return format_date(d, DATE_FORMATS.get(loc.language, DEFAULT_DATE_FORMAT), locale=loc)
