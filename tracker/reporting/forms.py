"""Forms of the recap pages and of the brand styling page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, ColorField, SelectField
from wtforms.validators import ValidationError

from .branding import StylingError, normalise_colour
from .i18n import LOCALES

LANGUAGE_NAMES = {"en": _l("English"), "fr": _l("French")}


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(LANGUAGE_NAMES[code])) for code in LOCALES]


class GenerateRecapForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=language_choices)


class StylingForm(FlaskForm):
    primary_color = ColorField(_l("Primary colour"), default="#1f4e79")
    logo = FileField(_l("Logo"))
    remove_logo = BooleanField(_l("Remove the current logo"))

    def validate_primary_color(self, field: ColorField) -> None:
        try:
            normalise_colour(field.data or "")
        except StylingError as exc:
            raise ValidationError(_l(exc.msgid)) from exc
