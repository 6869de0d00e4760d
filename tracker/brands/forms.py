from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import ColorField, StringField
from wtforms.validators import DataRequired, Length, ValidationError


class BrandForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the brand's name.")), Length(max=120)]
    )
    primary_color = ColorField(_l("Colour"), default="#1f4e79")

    def validate_primary_color(self, field: ColorField) -> None:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", field.data or ""):
            raise ValidationError(_l("Choose a colour such as #1f4e79."))
