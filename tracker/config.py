"""Configuration: safe defaults, then the environment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def from_environment(instance_path: str) -> dict[str, Any]:
    """Build the configuration mapping from defaults and environment variables."""
    default_db = "sqlite:///" + os.path.join(instance_path, "tracker.sqlite")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", "dev-only-change-me"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", default_db),
        "TRACKER_REPORTS_DIR": os.environ.get("TRACKER_REPORTS_DIR", str(PROJECT_ROOT / "reports")),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("TRACKER_SECURE_COOKIES", "0") == "1",
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("TRACKER_SESSION_SECONDS", 8 * 3600)),
        "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ("en", "fr"),
        # One catalog per area (the web app, the recap); Flask-Babel merges them.
        "BABEL_TRANSLATION_DIRECTORIES": ";".join(
            str(PROJECT_ROOT / "tracker" / d) for d in ("translations", "dashboard/translations", "reporting/translations")
        ),
    }
