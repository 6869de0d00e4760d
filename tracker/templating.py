"""Jinja filters and gettext that show text and figures in the request's language.

Flask-Babel finds the request's locale and catalog through several context-local proxies on
every call; a dashboard formats thousands of cells and translates hundreds of strings, which
cost about a fifth of its render. Both are looked up once per render instead (a context
processor) and read from the template's context; a macro imported without context, or a
template rendered outside Flask, asks Flask-Babel as before.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from babel.support import NullTranslations
from flask import Flask
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context

from . import formatting, labels

_LOCALE = "_tracker_locale"
_TRANSLATIONS = "_tracker_translations"


def _locale() -> Locale | str:
    # The Locale itself, not its name: the formatting caches key on it.
    return get_locale() or "en"


def _i18n() -> dict[str, Any]:
    return {_LOCALE: _locale(), _TRANSLATIONS: get_translations()}


def _locale_of(ctx: Context) -> Locale | str:
    return ctx.get(_LOCALE) or _locale()


def _translations_of(ctx: Context) -> NullTranslations:
    return ctx.get(_TRANSLATIONS) or get_translations()


def init_app(app: Flask) -> None:
    """Register the filters and replace Flask-Babel's template gettext (after babel.init_app)."""
    app.context_processor(_i18n)

    def filter_(name: str, fn: Any) -> None:
        app.add_template_filter(pass_context(fn), name)

    filter_("money", lambda ctx, v, ccy: formatting.money(v, ccy, _locale_of(ctx)))
    filter_("money4", lambda ctx, v, ccy: formatting.money4(v, ccy, _locale_of(ctx)))
    filter_("percent", lambda ctx, v: formatting.percent(v, _locale_of(ctx)))
    filter_("ratio", lambda ctx, v: formatting.ratio(v, _locale_of(ctx)))
    filter_("number", lambda ctx, v: formatting.number(v, _locale_of(ctx)))
    filter_("date", lambda ctx, v: formatting.date_(v, _locale_of(ctx)))
    app.add_template_global(
        pass_context(lambda ctx, kind, key: labels.label(kind, key, locale=_locale_of(ctx))),
        "label",
    )
    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda ctx, s: _translations_of(ctx).ugettext(s)),
        ngettext=pass_context(lambda ctx, s, p, n: _translations_of(ctx).ungettext(s, p, n)),
        newstyle=True,
        pgettext=pass_context(lambda ctx, c, s: _translations_of(ctx).upgettext(c, s)),
        npgettext=pass_context(
            lambda ctx, c, s, p, n: _translations_of(ctx).unpgettext(c, s, p, n)
        ),
    )
