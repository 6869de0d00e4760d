"""What every page's layout needs: the locale, the main navigation and the campaign tabs.

Other areas add their pages to the navigation by endpoint name: an entry whose endpoint is
not registered (its blueprint is not there yet) is simply not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal
from flask import Flask, current_app, url_for
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import labels
from .db import get_session
from .fields import COMMON_CURRENCIES
from .models import Brand


@dataclass(frozen=True)
class NavItem:
    key: str
    endpoints: tuple[str, ...]  # the first registered one is used
    label: LazyString
    roles: tuple[str, ...] = ("admin", "manager", "viewer", "brand")


MAIN_NAV: list[NavItem] = [
    NavItem("campaigns", ("campaigns.index",), _l("Campaigns")),
    NavItem(
        "influencers", ("influencers.index",), _l("Influencers"), ("admin", "manager", "viewer")
    ),
    NavItem(
        "tiers", ("dashboard.tiers", "tiers.index"), _l("Tiers"), ("admin", "manager", "viewer")
    ),
    NavItem("brands", ("brands.index",), _l("Brands"), ("admin", "manager", "viewer")),
    NavItem("rates", ("spend.rates",), _l("Exchange rates"), ("admin", "manager", "viewer")),
    NavItem("tokens", ("tokens.index",), _l("API tokens")),
    NavItem("audit", ("auditlog.index",), _l("Audit log"), ("admin",)),
    NavItem("workspace", ("workspace.settings",), _l("Workspace"), ("admin",)),
]

# Tabs of a campaign's pages; each takes the campaign id as `campaign_id`.
CAMPAIGN_TABS: list[NavItem] = [
    NavItem("dashboard", ("dashboard.campaign",), _l("Dashboard")),
    NavItem("influencers", ("influencers.campaign",), _l("Influencers")),
    NavItem("costs", ("spend.costs",), _l("Costs")),
    NavItem("results", ("results.index",), _l("Results")),
    NavItem("tracking", ("links.tracking",), _l("Tracked links")),
    NavItem("imports", ("imports.index", "importers.index"), _l("Imports"), ("admin", "manager")),
    NavItem("recap", ("reporting.recap", "reporting.index", "recap.index"), _l("Recap")),
    NavItem(
        "share",
        ("sharing.index", "share.index", "reporting.share_links"),
        _l("Share links"),
        ("admin", "manager"),
    ),
    NavItem("edit", ("campaigns.edit",), _l("Settings"), ("admin", "manager")),
]


def _endpoint(item: NavItem) -> str | None:
    return next((e for e in item.endpoints if e in current_app.view_functions), None)


def _visible(items: list[NavItem]) -> list[tuple[NavItem, str]]:
    role = getattr(current_user, "role", None)
    out = []
    for item in items:
        endpoint = _endpoint(item)
        if endpoint is not None and role in item.roles:
            out.append((item, endpoint))
    return out


def main_nav() -> list[tuple[str, str, str]]:
    """(key, url, label) of the top bar entries this user may open."""
    return [(item.key, url_for(ep), str(item.label)) for item, ep in _visible(MAIN_NAV)]


def campaign_tabs(campaign_id: int) -> list[tuple[str, str, str]]:
    """(key, url, label) of the tabs of one campaign's pages."""
    return [
        (item.key, url_for(ep, campaign_id=campaign_id), str(item.label))
        for item, ep in _visible(CAMPAIGN_TABS)
    ]


def campaign_home(campaign_id: int) -> str:
    """Where a campaign's name links to: its dashboard, or its influencers before one exists."""
    for key in ("dashboard", "influencers"):
        item = next(i for i in CAMPAIGN_TABS if i.key == key)
        endpoint = _endpoint(item)
        if endpoint:
            return url_for(endpoint, campaign_id=campaign_id)
    return url_for("campaigns.index")


def brand_name(brand_id: int) -> str:
    brand = get_session().get(Brand, brand_id)
    return brand.name if brand is not None else ""


def format_datetime(value: datetime | None, tz: str = "UTC") -> str:
    """A moment in the given time zone, in the locale's short style ("23/11/2026 14:05")."""
    if value is None:
        return "—"
    local = value.astimezone(ZoneInfo(tz))
    return babel_format_datetime(
        local, "short", tzinfo=ZoneInfo(tz), locale=str(get_locale() or "en")
    )


def exchange_rate(value: Decimal | None) -> str:
    """A rate with every significant decimal it was entered with (never rounded to 2)."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.########", locale=str(get_locale() or "en"))


def tracked_link(code: str) -> str | None:
    """The public URL of a participation's tracked link, once the links area serves it."""
    if "links.follow" not in current_app.view_functions:
        return None
    return url_for("links.follow", code=code, _external=True)


def init_app(app: Flask) -> None:
    # A global (not only Flask-Login's context processor) so imported macros see it too.
    app.add_template_global(current_user, "current_user")
    app.add_template_global(tracked_link)
    app.add_template_filter(exchange_rate)
    app.add_template_global(date.today, "today_date")
    app.add_template_global(brand_name)
    app.add_template_global(lambda: COMMON_CURRENCIES, "common_currencies")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_global(lambda: str(get_locale() or "en"), "current_locale")
    app.add_template_global(main_nav)
    app.add_template_global(campaign_tabs)
    app.add_template_global(campaign_home)
    app.add_template_global(lambda: labels.LOCALES, "languages")
