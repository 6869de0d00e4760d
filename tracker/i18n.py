"""Which language a request is served in."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user


def select_locale() -> str | None:
    """The user's explicit choice, then their profile, then the browser's preference."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages)
