"""Influencer and participation forms."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from .. import labels
from ..fields import CountField, CurrencyField, LocaleDecimalField
from ..models import PLATFORMS
from ..tiers import TIERS

HANDLE = re.compile(r"@?[A-Za-z0-9._-]{1,100}")


def _countries() -> frozenset[str]:
    # CLDR also names groupings and placeholders (EU, UN, ZZ "Unknown Region"…): not countries.
    not_countries = {"EU", "EZ", "UN", "QO", "ZZ"}
    return frozenset(
        k
        for k in Locale("en").territories
        if len(k) == 2 and k.isalpha() and k not in not_countries
    )


class AccountForm(Form):
    """One platform's handle and follower count; both empty means no account there."""

    handle = StringField(_l("Handle"), validators=[Length(max=100)])
    followers = CountField(_l("Followers"))

    def validate_handle(self, field: StringField) -> None:
        if field.data and not HANDLE.fullmatch(field.data.strip()):
            raise ValidationError(_l("A handle has letters, digits, dots, dashes or underscores."))

    def validate_followers(self, field: CountField) -> None:
        if (self.handle.data or "").strip() and field.data is None and not field.errors:
            raise ValidationError(_l("Enter the follower count."))
        if not (self.handle.data or "").strip() and field.data is not None:
            raise ValidationError(_l("Enter the handle these followers belong to."))


class InfluencerForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the influencer's name.")), Length(max=120)]
    )
    niche = StringField(_l("Niche"), validators=[Length(max=80)])
    country = StringField(_l("Country"), validators=[Length(max=2)], render_kw={"maxlength": 2})
    email = EmailField(
        _l("Email"),
        validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)],
    )
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    tiktok = FormField(AccountForm, label="TikTok")
    instagram = FormField(AccountForm, label="Instagram")
    youtube = FormField(AccountForm, label="YouTube")

    def validate_country(self, field: StringField) -> None:
        code = (field.data or "").strip().upper()
        if code and code not in _countries():
            raise ValidationError(_l("Use a two-letter country code, such as FR or US."))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not self.accounts():
            self.tiktok.form.handle.errors = [_l("Give at least one platform handle.")]
            ok = False
        return ok

    def account_forms(self) -> list[tuple[str, AccountForm]]:
        return [(p, getattr(self, p).form) for p in PLATFORMS]

    def accounts(self) -> dict[str, tuple[str, int]]:
        return {
            platform: (form.handle.data.strip(), form.followers.data or 0)
            for platform, form in self.account_forms()
            if (form.handle.data or "").strip()
        }

    def profile(self) -> dict[str, Any]:
        return {
            "name": self.name.data.strip(),
            "niche": (self.niche.data or "").strip(),
            "country": (self.country.data or "").strip().upper() or None,
            "email": (self.email.data or "").strip() or None,
            "phone": (self.phone.data or "").strip() or None,
            "notes": self.notes.data or "",
        }


def _tier_choices() -> list[tuple[str, str]]:
    return [("", _l("Derived from followers")), *labels.choices("tier", TIERS)]


class ParticipationForm(FlaskForm):
    """The terms of one influencer in one campaign."""

    fee = LocaleDecimalField(_l("Fee"), places=2)
    fee_currency = CurrencyField(_l("Fee currency"))
    deliverables = CountField(_l("Posts contracted"), default=1)
    deliverables_note = StringField(_l("Deliverables"), validators=[Length(max=400)])
    promo_code = StringField(_l("Promo code"), validators=[Length(max=40)])
    tier_override = SelectField(_l("Tier"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tier_override.choices = _tier_choices()

    def validate_deliverables(self, field: CountField) -> None:
        if field.data is None and not field.errors:
            raise ValidationError(_l("Enter the number of posts contracted."))

    def validate_promo_code(self, field: StringField) -> None:
        if field.data and not re.fullmatch(r"[A-Za-z0-9_-]+", field.data.strip()):
            raise ValidationError(_l("A promo code has letters, digits, dashes or underscores."))

    def validate_fee_currency(self, field: CurrencyField) -> None:
        if self.fee.data is not None and not field.data:
            raise ValidationError(_l("Enter the currency of the fee."))


class JoinForm(ParticipationForm):
    influencer_id = SelectField(_l("Influencer"), coerce=int, validate_choice=True)
    platform = SelectField(_l("Platform"), choices=[])
    joined_on = DateField(_l("Joined on"), default=date.today, validators=[InputRequired()])

    def __init__(self, *args: Any, influencers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.influencer_id.choices = influencers
        self.platform.choices = labels.choices("platform", PLATFORMS)


class EditParticipationForm(ParticipationForm):
    followers_at_join = CountField(_l("Followers at join"))

    def validate_followers_at_join(self, field: CountField) -> None:
        if field.data is None and not field.errors:
            raise ValidationError(_l("Enter the follower count at join."))
