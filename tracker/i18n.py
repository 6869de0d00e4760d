"""Which language a request is served in."""

from __future__ import annotations

from pathlib import Path

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


def compile_catalogs(directories: list[Path]) -> None:
    """Compile each messages.po to .mo when missing or stale, so a fresh checkout runs as is."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for directory in directories:
        for po_path in directory.glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
