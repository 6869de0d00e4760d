"""Human, translated names for the codes stored in the database (metrics, tiers, categories…).

Pages, exports and recaps show these rather than the raw keys; the keys stay the API's.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l

METRICS: dict[str, LazyString] = {
    "views": _l("Views"),
    "reach": _l("Reach"),
    "impressions": _l("Impressions"),
    "likes": _l("Likes"),
    "comments": _l("Comments"),
    "shares": _l("Shares"),
    "saves": _l("Saves"),
    "watch_time_s": _l("Watch time (s)"),
    "completed_views": _l("Completed views"),
    "profile_views": _l("Profile views"),
    "followers_gained": _l("Followers gained"),
    "hashtag_uses": _l("Hashtag uses"),
    "link_clicks": _l("Link clicks"),
    "sessions": _l("Sessions"),
    "conversions": _l("Conversions"),
    "revenue": _l("Revenue"),
    "sentiment_pos": _l("Positive comments"),
    "sentiment_neu": _l("Neutral comments"),
    "sentiment_neg": _l("Negative comments"),
    "engagement_rate": _l("Engagement rate"),
}

TIERS: dict[str, LazyString] = {
    "nano": _l("Nano"),
    "micro": _l("Micro"),
    "mid": _l("Mid"),
    "macro": _l("Macro"),
    "mega": _l("Mega"),
}

PLATFORMS: dict[str, str] = {"tiktok": "TikTok", "instagram": "Instagram", "youtube": "YouTube"}

OBJECTIVES: dict[str, LazyString] = {
    "awareness": _l("Awareness"),
    "engagement": _l("Engagement"),
    "traffic": _l("Traffic"),
    "sales": _l("Sales"),
}

COST_CATEGORIES: dict[str, LazyString] = {
    "influencer_fee": _l("Influencer fee"),
    "product_gifting": _l("Product gifting"),
    "production": _l("Production"),
    "agency_fee": _l("Agency fee"),
    "paid_amplification": _l("Paid amplification"),
    "shipping": _l("Shipping"),
    "tools": _l("Tools"),
    "staff_time": _l("Staff time"),
}

PHASES: dict[str, LazyString] = {
    "running": _l("Running"),
    "upcoming": _l("Upcoming"),
    "ended": _l("Ended"),
    "archived": _l("Archived"),
}

PACING: dict[str, LazyString] = {
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "off_track": _l("Off track"),
}

ROLES: dict[str, LazyString] = {
    "admin": _l("Admin"),
    "manager": _l("Manager"),
    "viewer": _l("Viewer"),
    "brand": _l("Brand"),
}

LOCALES: dict[str, str] = {"en": "English", "fr": "Français"}

# Snapshot sources: typed by hand, or the importer that read a platform's export file.
SOURCES: dict[str, LazyString | str] = {
    "manual": _l("Entered by hand"),
    "tiktok_studio": "TikTok Studio",
    "tiktok_ads": "TikTok Ads",
    "meta_posts": "Meta Business Suite",
    "ga4": "Google Analytics 4",
    "shopify_orders": "Shopify",
    "youtube_studio": "YouTube Studio",
    "generic": _l("Spreadsheet import"),
}

_KINDS: dict[str, dict] = {
    "metric": METRICS,
    "tier": TIERS,
    "platform": PLATFORMS,
    "objective": OBJECTIVES,
    "category": COST_CATEGORIES,
    "phase": PHASES,
    "pacing": PACING,
    "role": ROLES,
    "locale": LOCALES,
    "source": SOURCES,
}


def label(kind: str, key: str | None, *, locale: object = None) -> str:
    """The translated name of `key`; an unknown key is shown as is (e.g. an importer's source).

    `locale` is the request's, when the caller already has it (templates do).
    """
    if key is None:
        return "—"
    name = _KINDS[kind].get(key, key)
    if isinstance(name, str):
        return name
    # A table repeats the same few names on every row: translate each once per language.
    return _translated(locale or get_locale(), kind, key)


@lru_cache(maxsize=1024)
def _translated(_locale: object, kind: str, key: str) -> str:
    return str(_KINDS[kind][key])


def choices(kind: str, keys: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(key, label) pairs for a select, in the order of `keys` (default: the table's order)."""
    table = _KINDS[kind]
    return [(k, str(table.get(k, k))) for k in (keys or tuple(table))]
