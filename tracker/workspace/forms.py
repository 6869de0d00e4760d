from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from .. import formatting

_WHOLE = _l("Enter a whole number of followers, 1 or more.")


def _band(label: str) -> IntegerField:
    return IntegerField(
        label,
        validators=[InputRequired(_WHOLE), NumberRange(min=1, message=_WHOLE)],
        render_kw={"inputmode": "numeric", "min": 1},
    )


class TierBandsForm(FlaskForm):
    """Where each tier starts (KPI.md: workspace settings, Mediakix/STIM bands by default)."""

    tier_micro_min = _band(_l("Micro from"))
    tier_mid_min = _band(_l("Mid from"))
    tier_macro_min = _band(_l("Macro from"))
    tier_mega_min = _band(_l("Mega from"))

    def validate(self, extra_validators=None) -> bool:
        """Each field, then the order: a tier starts above the one before it."""
        if not super().validate(extra_validators):
            return False
        fields = [self.tier_micro_min, self.tier_mid_min, self.tier_macro_min, self.tier_mega_min]
        ordered = True
        for lower, field in zip(fields, fields[1:], strict=False):
            if field.data <= lower.data:
                start = formatting.number(lower.data, get_locale() or "en")
                field.errors.append(
                    _("Must be more than %(n)s, where the tier before starts.", n=start)
                )
                ordered = False
        return ordered
