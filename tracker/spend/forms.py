"""Cost line and exchange rate forms."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from .. import labels
from ..costs import COST_CATEGORIES
from ..fields import CurrencyField, LocaleDecimalField


class CostLineForm(FlaskForm):
    category = SelectField(_l("Category"), choices=[])
    participation_id = SelectField(
        _l("Charged to"), choices=[], coerce=lambda v: int(v) if v else None
    )
    description = StringField(_l("Description"), validators=[Length(max=400)])
    amount = LocaleDecimalField(_l("Amount"), places=2)
    currency = CurrencyField(
        _l("Currency"), validators=[DataRequired(_l("Enter a currency code."))]
    )
    incurred_on = DateField(
        _l("Date"),
        default=date.today,
        validators=[InputRequired(_l("Enter the date of the cost."))],
    )
    hours = LocaleDecimalField(_l("Hours"), places=2)
    hourly_rate = LocaleDecimalField(_l("Hourly rate"), places=2)

    def __init__(self, *args: Any, participations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = labels.choices("category", COST_CATEGORIES)
        self.participation_id.choices = [("", _l("Shared by the whole campaign")), *participations]

    @property
    def is_staff_time(self) -> bool:
        return self.category.data == "staff_time"

    def validate_amount(self, field: LocaleDecimalField) -> None:
        if not self.is_staff_time and field.data is None:
            raise ValidationError(_l("Enter the amount."))

    def validate_hours(self, field: LocaleDecimalField) -> None:
        if self.is_staff_time and field.data is None:
            raise ValidationError(_l("Staff time needs the number of hours."))

    def validate_hourly_rate(self, field: LocaleDecimalField) -> None:
        if self.is_staff_time and field.data is None:
            raise ValidationError(_l("Staff time needs an hourly rate."))

    def values(self) -> dict[str, Any]:
        staff = self.is_staff_time
        return {
            "category": self.category.data,
            "participation_id": self.participation_id.data,
            "description": (self.description.data or "").strip(),
            "currency": self.currency.data,
            "incurred_on": self.incurred_on.data,
            "amount": None if staff else self.amount.data,
            "hours": self.hours.data if staff else None,
            "hourly_rate": self.hourly_rate.data if staff else None,
        }


class RateForm(FlaskForm):
    on_date = DateField(
        _l("Date"), default=date.today, validators=[InputRequired(_l("Enter the date."))]
    )
    base = CurrencyField(
        _l("Convert from"), validators=[DataRequired(_l("Enter a currency code."))]
    )
    quote = CurrencyField(_l("Into"), validators=[DataRequired(_l("Enter a currency code."))])
    rate = LocaleDecimalField(_l("Rate"), places=8, strictly_positive=True)

    def validate_quote(self, field: CurrencyField) -> None:
        if field.data and field.data == self.base.data:
            raise ValidationError(_l("Choose two different currencies."))

    def validate_rate(self, field: LocaleDecimalField) -> None:
        if field.data is None and not field.errors:
            raise ValidationError(
                _l("Enter the rate: how much 1 unit of the first currency is worth in the second.")
            )
