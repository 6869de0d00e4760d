"""Exact currency conversion from rates the manager enters or imports."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from babel.numbers import list_currencies

from tracker.kpi import CONTEXT

_CODE = re.compile(r"[A-Z]{3}")


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def is_valid_currency(code: str) -> bool:
    """Tell whether ``code`` is an upper-case ISO 4217 code known to CLDR."""
    return isinstance(code, str) and bool(_CODE.fullmatch(code)) and code in _iso_codes()


class MissingRateError(LookupError):
    """No usable rate for a pair on or before a date; shown to the user as is."""

    def __init__(self, from_ccy: str, to_ccy: str, on: date) -> None:
        self.from_ccy = from_ccy
        self.to_ccy = to_ccy
        self.on = on
        super().__init__(f"No exchange rate {from_ccy}→{to_ccy} on or before {on.isoformat()}")


class Quote(NamedTuple):
    """The rate used for one conversion: 1 from_ccy = rate to_ccy."""

    rate: Decimal
    published_on: date
    inverted: bool


class RateTable:
    """Rates by pair and date; a row (d, base, quote, r) means 1 base = r quote on d.

    Lookups take the most recent rate on or before the requested date:
    rates are published on business days only, so a cost dated on a weekend
    or holiday uses the last published rate, never a later one (which was not
    known on the day). No maximum age is applied; the rate's date is returned
    with each quote so pages can show it. Only the direct pair or its inverse
    is used — there is no triangulation through a third currency.
    """

    def __init__(self, rows: Iterable[tuple[date, str, str, Decimal]] = ()) -> None:
        self._dates: dict[tuple[str, str], list[date]] = {}
        self._rates: dict[tuple[str, str], dict[date, Decimal]] = {}
        for on, base, quote, rate in rows:
            self._add(on, base, quote, rate)
        for pair, by_date in self._rates.items():
            self._dates[pair] = sorted(by_date)

    def _add(self, on: date, base: str, quote: str, rate: Decimal) -> None:
        for code in (base, quote):
            if not is_valid_currency(code):
                raise ValueError(f"Unknown currency code {code!r}")
        if base == quote:
            raise ValueError(f"A rate needs two different currencies, got {base}→{quote}")
        if not isinstance(rate, Decimal):
            raise TypeError(f"Rate {base}→{quote} on {on} must be a Decimal, got {rate!r}")
        if not rate.is_finite() or rate <= 0:
            raise ValueError(f"Rate {base}→{quote} on {on} must be positive, got {rate}")
        by_date = self._rates.setdefault((base, quote), {})
        if on in by_date and by_date[on] != rate:
            raise ValueError(
                f"Two different rates {base}→{quote} on {on}: {by_date[on]} and {rate}"
            )
        by_date[on] = rate

    def _latest(self, base: str, quote: str, on: date) -> tuple[date, Decimal] | None:
        dates = self._dates.get((base, quote))
        if not dates:
            return None
        i = bisect.bisect_right(dates, on)
        if i == 0:
            return None
        found = dates[i - 1]
        return found, self._rates[(base, quote)][found]

    def quote(self, from_ccy: str, to_ccy: str, on: date) -> Quote:
        """Return the rate that converts from_ccy to to_ccy for a date.

        The most recent of the direct and the inverse pair wins; on the same
        date the direct rate is preferred, since the inverse is a derived one.
        """
        if from_ccy == to_ccy:
            return Quote(Decimal(1), on, False)
        direct = self._latest(from_ccy, to_ccy, on)
        inverse = self._latest(to_ccy, from_ccy, on)
        if direct is not None and (inverse is None or direct[0] >= inverse[0]):
            return Quote(direct[1], direct[0], False)
        if inverse is not None:
            return Quote(CONTEXT.divide(1, inverse[1]), inverse[0], True)
        raise MissingRateError(from_ccy, to_ccy, on)

    def convert(self, amount: Decimal, from_ccy: str, to_ccy: str, on: date) -> Decimal:
        """Convert exactly at the most recent rate on or before ``on``."""
        if not isinstance(amount, Decimal | int) or isinstance(amount, bool):
            raise TypeError(f"Amount must be a Decimal, got {amount!r}")
        if from_ccy == to_ccy:
            return amount
        used = self.quote(from_ccy, to_ccy, on)
        if used.inverted:
            # Divide by the published rate rather than multiply by its rounded inverse.
            published = self._rates[(to_ccy, from_ccy)][used.published_on]
            return CONTEXT.divide(Decimal(amount), published)
        return CONTEXT.multiply(Decimal(amount), used.rate)
