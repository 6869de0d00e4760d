"""Post and manual snapshot forms."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, RadioField, SelectField, StringField, URLField
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from .. import labels
from ..fields import CountField, CurrencyField, LocaleDecimalField
from ..kpi import COUNT_KEYS

# Metrics a person enters for one post, and for the campaign as a whole.
POST_METRICS: tuple[str, ...] = tuple(k for k in COUNT_KEYS if k != "hashtag_uses")
CAMPAIGN_METRICS: tuple[str, ...] = ("hashtag_uses", "sessions", "conversions")


class PostForm(FlaskForm):
    participation_id = SelectField(_l("Influencer"), coerce=int, validate_choice=True)
    url = URLField(
        _l("Link to the post"),
        validators=[
            DataRequired(_l("Paste the link to the post.")),
            URL(message=_l("Enter a full link, starting with https://")),
            Length(max=2000),
        ],
    )
    posted_at = DateTimeLocalField(
        _l("Posted at"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    is_paid = RadioField(_l("Distribution"), default="organic")
    title = StringField(_l("Title or caption"), validators=[Length(max=500)])

    def __init__(self, *args: Any, participations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participation_id.choices = participations
        self.is_paid.choices = [("organic", _l("Organic")), ("paid", _l("Paid (boosted)"))]


class _SnapshotBase(FlaskForm):
    captured_on = DateField(
        _l("Figures as of"),
        default=date.today,
        validators=[InputRequired(_l("Enter the date of these figures."))],
    )
    revenue = LocaleDecimalField(_l("Revenue"), places=2)
    revenue_currency = CurrencyField(_l("Revenue currency"))

    metric_keys: tuple[str, ...] = ()

    def validate_captured_on(self, field: DateField) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("Figures cannot be dated in the future."))

    def validate_revenue_currency(self, field: CurrencyField) -> None:
        if self.revenue.data is not None and not field.data:
            raise ValidationError(_l("Enter the currency of the revenue."))

    def metric_fields(self) -> list[Any]:
        return [getattr(self, k) for k in self.metric_keys]

    def values(self) -> dict[str, Any]:
        """Metric values typed in; a field left empty is absent (not zero)."""
        out: dict[str, Any] = {
            k: getattr(self, k).data for k in self.metric_keys if getattr(self, k).data is not None
        }
        if self.revenue.data is not None:
            out["revenue"] = self.revenue.data
        return out

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not self.values():
            self.form_errors.append(_l("Enter at least one figure."))
            ok = False
        return ok


@cache
def snapshot_form(metric_keys: tuple[str, ...]) -> type[_SnapshotBase]:
    """A snapshot form with one whole-number field per metric of `metric_keys`."""
    fields = {key: CountField(labels.METRICS[key]) for key in metric_keys}
    return type("SnapshotForm", (_SnapshotBase,), {**fields, "metric_keys": metric_keys})


def post_snapshot_form(*args: Any, **kwargs: Any) -> _SnapshotBase:
    return snapshot_form(POST_METRICS)(*args, **kwargs)


def campaign_snapshot_form(*args: Any, **kwargs: Any) -> _SnapshotBase:
    return snapshot_form(CAMPAIGN_METRICS)(*args, **kwargs)
