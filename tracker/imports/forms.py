"""The upload form, and the choices a preview asks for (format, day, currency)."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from ..fields import CurrencyField

AUTO = ""
# The formats' names in the user's language (the importers' own labels are English).
FORMAT_LABELS = {
    "tiktok_studio": _l("TikTok Studio export (Content.csv / Overview.csv)"),
    "tiktok_ads": _l("TikTok Ads Manager report"),
    "meta_posts": _l("Meta Business Suite / Instagram posts export"),
    "youtube_studio": _l("YouTube Studio export (Table data.csv)"),
    "ga4": _l("GA4 traffic acquisition report"),
    "shopify_orders": _l("Shopify orders export"),
    "woocommerce_orders": _l("WooCommerce Analytics orders export"),
    "generic": _l("Tracker CSV (post_url or handle, captured_on, metric columns)"),
}


def format_labels() -> dict[str, str]:
    from ..importers.registry import known_formats

    return {name: str(FORMAT_LABELS.get(name, label)) for name, label in known_formats()}


def format_choices() -> list[tuple[str, str]]:
    return [(AUTO, str(_l("Recognise it from its columns"))), *format_labels().items()]


class _Choices(FlaskForm):
    as_of = DateField(_l("Figures as of"), validators=[Optional()])
    currency = CurrencyField(_l("Currency of unlabelled amounts"), validators=[Optional()])

    def validate_as_of(self, field: DateField) -> None:
        # A day of slack: the campaign's time zone may already be tomorrow.
        if field.data and field.data > date.today() + timedelta(days=1):
            raise ValidationError(_l("Figures cannot be dated in the future."))


class UploadForm(_Choices):
    file = FileField(
        _l("Export file"),
        validators=[FileRequired(_l("Choose a file to import."))],
        render_kw={"accept": ".csv,.tsv,.txt,.xlsx,.zip"},
    )
    format = SelectField(_l("Format"), choices=format_choices, default=AUTO)


class ChoicesForm(_Choices):
    """The preview's form: the mapping of unknown rows and new posts is read from its fields."""

    format = SelectField(_l("Format"), choices=format_choices, default=AUTO)


class ConfirmForm(FlaskForm):
    """Commit or discard: only the CSRF token."""
