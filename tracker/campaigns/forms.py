"""The campaign form, goals included: one page, one submit, field-level messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, Form, FormField, SelectField, StringField, URLField
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, ValidationError

from .. import labels
from ..fields import CurrencyField, LocaleDecimalField
from ..kpi import GOAL_METRICS
from ..models import OBJECTIVES, Goal
from .service import GoalInput

EMPTY_GOAL_ROWS = 3
MAX_GOAL_ROWS = len(GOAL_METRICS)
# Goals on a rate are typed as a percentage (5 means 5 %) and stored as a fraction (KPI.md).
PERCENT_GOALS = ("engagement_rate",)
HUNDRED = Decimal(100)


class GoalForm(Form):
    """One goal row; a row left entirely blank is ignored."""

    metric = SelectField(_l("Metric"), choices=[], validate_choice=False)
    target = LocaleDecimalField(_l("Target"), places=4, strictly_positive=True)
    unit_value = LocaleDecimalField(_l("Value of one unit"), places=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metric.choices = [("", "—"), *labels.choices("metric", GOAL_METRICS)]

    @property
    def is_blank(self) -> bool:
        return not self.metric.data and self.target.data is None and self.unit_value.data is None


class CampaignForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the campaign's name.")), Length(max=160)]
    )
    brand_id = SelectField(_l("Brand"), coerce=int, validate_choice=True)
    objective = SelectField(_l("Objective"), choices=[])
    start_date = DateField(_l("Starts on"), validators=[InputRequired(_l("Enter a start date."))])
    end_date = DateField(_l("Ends on"), validators=[InputRequired(_l("Enter an end date."))])
    currency = CurrencyField(
        _l("Currency"), default="EUR", validators=[DataRequired(_l("Enter a currency code."))]
    )
    budget = LocaleDecimalField(_l("Budget"), places=2)
    hashtags = StringField(_l("Hashtags"), validators=[Length(max=400)])
    target_roi_ratio = LocaleDecimalField(
        _l("Target ROI ratio"), places=2, strictly_positive=True, default=Decimal(5)
    )
    destination_url = URLField(
        _l("Destination URL"),
        validators=[
            Optional(),
            URL(message=_l("Enter a full link, starting with https://")),
            Length(max=2000),
        ],
    )
    locale = SelectField(_l("Recap language"), choices=[])
    timezone = StringField(_l("Time zone"), default="Europe/Paris")
    goals = FieldList(FormField(GoalForm), min_entries=EMPTY_GOAL_ROWS, max_entries=MAX_GOAL_ROWS)

    def __init__(self, *args: Any, brands: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.brand_id.choices = brands
        self.objective.choices = labels.choices("objective", OBJECTIVES)
        self.locale.choices = labels.choices("locale")

    def validate_end_date(self, field: DateField) -> None:
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date must be on or after the start date."))

    def validate_timezone(self, field: StringField) -> None:
        if (field.data or "").strip() not in available_timezones():
            raise ValidationError(_l("Unknown time zone: use a name such as Europe/Paris."))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        seen: set[str] = set()
        for row in self.goals:
            goal = row.form
            if goal.is_blank:
                continue
            if not goal.metric.data:
                goal.metric.errors.append(_l("Choose the metric of this goal."))
                ok = False
            elif goal.metric.data not in GOAL_METRICS:
                goal.metric.errors.append(_l("Unknown metric."))
                ok = False
            elif goal.metric.data in seen:
                goal.metric.errors.append(_l("This metric already has a goal."))
                ok = False
            seen.add(goal.metric.data)
            if goal.target.data is None and not goal.target.errors:
                goal.target.errors.append(_l("Enter a target above zero."))
                ok = False
            if goal.metric.data == "revenue" and goal.unit_value.data is not None:
                goal.unit_value.errors.append(
                    _l("Revenue already counts as value: leave the unit value empty.")
                )
                ok = False
        return ok

    @property
    def has_errors_in_goals(self) -> bool:
        return any(row.form.errors for row in self.goals)

    def goal_inputs(self) -> list[GoalInput]:
        out = []
        for row in self.goals:
            goal = row.form
            if goal.is_blank:
                continue
            target = goal.target.data
            if goal.metric.data in PERCENT_GOALS:
                target = target / HUNDRED
            out.append(GoalInput(goal.metric.data, target, goal.unit_value.data))
        return out

    def fill_goals(self, goals: list[Goal], extra_rows: int = EMPTY_GOAL_ROWS) -> None:
        """Show the campaign's goals, then a few empty rows for new ones."""
        while len(self.goals.entries):
            self.goals.pop_entry()
        for goal in goals:
            target = goal.target * HUNDRED if goal.metric in PERCENT_GOALS else goal.target
            self.goals.append_entry(
                {"metric": goal.metric, "target": target.normalize(), "unit_value": goal.unit_value}
            )
        for _ in range(min(extra_rows, MAX_GOAL_ROWS - len(goals))):
            self.goals.append_entry()

    def add_goal_row(self) -> None:
        if len(self.goals.entries) < MAX_GOAL_ROWS:
            self.goals.append_entry()

    def campaign_fields(self) -> dict[str, Any]:
        """The values for create_campaign / update_campaign (everything but goals)."""
        return {
            "name": self.name.data.strip(),
            "objective": self.objective.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "currency": self.currency.data,
            "budget": self.budget.data,
            "hashtags": (self.hashtags.data or "").strip(),
            "target_roi_ratio": self.target_roi_ratio.data or Decimal(5),
            "destination_url": (self.destination_url.data or "").strip() or None,
            "locale": self.locale.data,
            "timezone": self.timezone.data.strip(),
        }
