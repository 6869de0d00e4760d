"""The form that creates a share link."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from ..reporting.forms import language_choices


class ShareLinkForm(FlaskForm):
    locale = SelectField(_l("Language of the recap"), choices=language_choices)
    expires_on = DateField(_l("Expires after"), validators=[Optional()])

    def validate_expires_on(self, field: DateField) -> None:
        if field.data is not None and field.data < date.today():
            raise ValidationError(_l("Choose today or a later day, or leave it empty."))
