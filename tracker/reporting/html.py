"""The recap as HTML: one Jinja template for the PDF and the web version, escaped throughout.

The environment is our own rather than Flask's so the CLI, batch workers and the
API render the same document without a request; autoescape is on for every
template, and the only markup inserted unescaped is the charts' SVG, which
tracker.charts builds from numbers and our own translated labels.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .. import formatting
from ..config import PROJECT_ROOT
from . import labels
from .context import Recap
from .i18n import translations

TEMPLATES_DIR = PROJECT_ROOT / "templates"
Mode = Literal["pdf", "web"]


@lru_cache(maxsize=4)
def environment(locale: str) -> Environment:
    """The recap environment for one locale: its catalog and locale-bound number filters."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)
    env.filters.update(
        money=lambda v, ccy: formatting.money(v, ccy, locale),
        money0=lambda v, ccy: formatting.money(v, ccy, locale, places=0),
        money4=lambda v, ccy: formatting.money4(v, ccy, locale),
        percent=lambda v: formatting.percent(v, locale),
        percent_points=lambda v: formatting.percent_points(v, locale),
        ratio=lambda v: formatting.ratio(v, locale),
        number=lambda v: formatting.number(v, locale),
        date=lambda v: formatting.date_(v.date() if hasattr(v, "date") else v, locale),
    )
    env.globals.update(labels=labels, bar_width=bar_width)
    return env


def bar_width(fraction: Decimal | None) -> str:
    """Width of an attainment bar in a 0–100 viewBox, capped at the full bar."""
    if fraction is None or fraction <= 0:
        return "0"
    return f"{min(fraction * 100, Decimal(100)):.1f}"


def render_html(
    recap: Recap,
    *,
    mode: Mode,
    asset_url: Callable[[str], str],
    logo_src: str | None,
    pdf_url: str | None = None,
    **extra: Any,
) -> str:
    """Render the recap document; `asset_url` maps an asset name to a URL for this medium."""
    template = environment(recap.locale).get_template("recap/recap.html")
    return template.render(
        r=recap,
        ccy=recap.summary.currency,
        mode=mode,
        asset_url=asset_url,
        logo_src=logo_src,
        pdf_url=pdf_url,
        **extra,
    )
