"""Form fields that read numbers and codes the way people type them, in either language.

A French manager types ``1 234,56`` and an English one ``1,234.56``; both mean the same
amount. Money stays Decimal from the first keystroke: nothing here goes through float.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from .currency import is_valid_currency

# Spaces people (and babel) use to group digits: space, no-break space, narrow no-break space.
_GROUP_SPACES = re.compile(r"[ \u00a0\u202f']")
_EN_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_decimal(text: str, language: str) -> Decimal:
    """Read a decimal written with either separator; raise ValueError when it is not a number."""
    raw = _GROUP_SPACES.sub("", text.strip())
    if not raw:
        raise ValueError("empty")
    if "," in raw and "." in raw:
        # Both present: the last one is the decimal separator, the other groups digits.
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        raw = raw.replace(group_sep, "").replace(decimal_sep, ".")
    elif "," in raw:
        if language == "en" and _EN_GROUPED.match(raw):
            raw = raw.replace(",", "")
        elif raw.count(",") == 1:
            raw = raw.replace(",", ".")
        else:
            raise ValueError("ambiguous")
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")  # 1.234.567: dots as digit groups
    if not re.fullmatch(r"-?\d+(\.\d+)?|-?\.\d+", raw):
        raise ValueError("not a number")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above rules this out
        raise ValueError("not a number") from exc
    return value


def _language() -> str:
    return getattr(get_locale(), "language", "en")


class _TextNumberField(Field):
    """A text input holding a number; empty means "not given" (None)."""

    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self._format(self.data)

    def _format(self, value: Any) -> str:
        return str(value)


class LocaleDecimalField(_TextNumberField):
    """A decimal typed in either locale's style; `places` limits the fraction digits."""

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        places: int = 4,
        minimum: Decimal | None = Decimal(0),
        strictly_positive: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.places = places
        self.minimum = minimum
        self.strictly_positive = strictly_positive

    def _format(self, value: Any) -> str:
        text = format(Decimal(value).normalize(), "f")
        return text.replace(".", ",") if _language() == "fr" else text

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        try:
            value = parse_decimal(str(valuelist[0]), _language())
        except ValueError as exc:
            raise ValueError(_l("Enter a number, such as 1234.50.")) from exc
        if value.as_tuple().exponent < -self.places:  # type: ignore[operator]
            raise ValueError(_l("Use at most %(n)s decimals.", n=self.places))
        if self.strictly_positive and value <= 0:
            raise ValueError(_l("Enter a number above zero."))
        if self.minimum is not None and value < self.minimum:
            raise ValueError(_l("Enter zero or more."))
        self.data = value


class CountField(_TextNumberField):
    """A non-negative whole number (views, likes…); digit groups are allowed, decimals are not."""

    def _format(self, value: Any) -> str:
        return format_decimal(value, locale=_language())

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = {"inputmode": "numeric", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        raw = _GROUP_SPACES.sub("", str(valuelist[0]).strip())
        if re.fullmatch(r"\d{1,3}([,.]\d{3})+", raw):
            raw = raw.replace(",", "").replace(".", "")
        if re.fullmatch(r"-\d+", raw):
            raise ValueError(_l("Enter zero or more."))
        if not re.fullmatch(r"\d+", raw):
            raise ValueError(_l("Enter a whole number."))
        value = int(raw)
        if value > 9_000_000_000_000_000_000:
            raise ValueError(_l("This number is too large."))
        self.data = value


class CurrencyField(StringField):
    """An ISO 4217 code, upper-cased; unknown codes are refused."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = {
            "maxlength": 3,
            "autocomplete": "off",
            "list": "currency-codes",
            "class": "ccy",
            **kwargs.pop("render_kw", {}),
        }
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        self.data = (self.data or "").strip().upper() or None

    def pre_validate(self, form: Any) -> None:
        if self.data and not is_valid_currency(self.data):
            raise ValidationError(_l("Unknown currency code: use ISO 4217, such as EUR or USD."))


COMMON_CURRENCIES = ("EUR", "USD", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN")
