"""Jinja filters that show figures the KPI.md way, in the request's locale."""

from __future__ import annotations

from babel import Locale
from flask import Flask
from flask_babel import get_locale

from . import formatting


def _locale() -> Locale | str:
    # The Locale itself, not its name: a table formats thousands of cells per request.
    return get_locale() or "en"


def init_app(app: Flask) -> None:
    app.add_template_filter(lambda v, ccy: formatting.money(v, ccy, _locale()), "money")
    app.add_template_filter(lambda v, ccy: formatting.money4(v, ccy, _locale()), "money4")
    app.add_template_filter(lambda v: formatting.percent(v, _locale()), "percent")
    app.add_template_filter(lambda v: formatting.ratio(v, _locale()), "ratio")
    app.add_template_filter(lambda v: formatting.number(v, _locale()), "number")
    app.add_template_filter(lambda v: formatting.date_(v, _locale()), "date")
