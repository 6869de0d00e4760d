"""The recap's language: its catalog, loaded without Flask so the CLI and workers can render."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from ..i18n import compile_catalogs

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LOCALES = ("en", "fr")


def recap_locale(*candidates: str | None) -> str:
    """The first supported language among the candidates ("fr_FR" counts as "fr"), else English."""
    for candidate in candidates:
        if candidate:
            language = candidate.replace("-", "_").split("_")[0].lower()
            if language in LOCALES:
                return language
    return LOCALES[0]


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> NullTranslations:
    """The recap catalog for a locale (English needs none)."""
    if locale == "en":
        return NullTranslations()
    compile_catalogs([TRANSLATIONS_DIR])
    return Translations.load(str(TRANSLATIONS_DIR), [locale], domain="messages")
