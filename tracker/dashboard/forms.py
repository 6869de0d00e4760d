"""Filters of the analytical pages: GET forms, so a filtered page is a link one can share."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from ..currency import is_valid_currency


class _GetForm(FlaskForm):
    """Read from the query string; no CSRF token, since nothing is written."""

    class Meta:
        csrf = False


class AsOfForm(_GetForm):
    as_of = DateField(
        _l("As of"),
        validators=[Optional()],
        render_kw={"class": "as-of-date"},
    )


class TierFilterForm(_GetForm):
    brand = SelectField(_l("Brand"), choices=[], validate_choice=True, default="")
    platform = SelectField(_l("Platform"), choices=[], default="")
    objective = SelectField(_l("Objective"), choices=[], default="")
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    currency = SelectField(_l("Reporting currency"), choices=[], default="")

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def validate_currency(self, field: SelectField) -> None:
        if field.data and not is_valid_currency(field.data):
            raise ValidationError(_l("Unknown currency code."))

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of analytics.tier_comparison; a field in error is left out."""

        def valid(field: Any) -> Any:
            return None if field.errors or not field.data else field.data

        brand = valid(self.brand)
        return {
            "brand_id": int(brand) if brand else None,
            "platform": valid(self.platform),
            "objective": valid(self.objective),
            "date_from": valid(self.date_from),
            "date_to": valid(self.date_to),
            "currency": valid(self.currency),
        }
