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
        # Jobs (tracker/jobs): a running job's worker refreshes its heartbeat this often; a job
        # whose heartbeat is older than the stale limit lost its worker and may be retried.
        "JOBS_HEARTBEAT_SECONDS": float(os.environ.get("TRACKER_JOB_HEARTBEAT_SECONDS", 5)),
        "JOBS_STALE_SECONDS": float(os.environ.get("TRACKER_JOB_STALE_SECONDS", 60)),
        # Extra modules that register job handlers, comma-separated (plug-ins, tests).
        "JOBS_EXTRA_MODULES": os.environ.get("TRACKER_JOB_MODULES", ""),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed
        # (werkzeug's ProxyFix); 0 trusts none, so no visitor can pick their own IP.
        "TRACKER_TRUSTED_PROXIES": trusted_proxies(os.environ.get("TRACKER_TRUSTED_PROXIES", "0")),
        # Rendered dashboards kept per process until the data changes (tracker/dashboard/cache.py);
        # 0 turns the cache off.
        "TRACKER_PAGE_CACHE_MB": int(os.environ.get("TRACKER_PAGE_CACHE_MB", 32)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("TRACKER_SECURE_COOKIES", "0") == "1",
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("TRACKER_SESSION_SECONDS", 8 * 3600)),
        # Largest upload (imports): TRACKER_MAX_UPLOAD_MB, default 200 (a 1M-row Tracker CSV is
        # ~100 MB); tracker/importers/reading.py applies the same limit to files and ZIP members.
        "MAX_CONTENT_LENGTH": upload_limit_mb() * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ("en", "fr"),
        # Sign-in attempts per IP and email (Flask-Limiter); shared across workers through Redis.
        "RATELIMIT_ENABLED": os.environ.get("TRACKER_RATELIMIT", "1") == "1",
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "TRACKER_LOGIN_LIMIT": os.environ.get("TRACKER_LOGIN_LIMIT", "5/minute"),
        # One catalog per area (the web app, the recap); Flask-Babel merges them.
        "BABEL_TRANSLATION_DIRECTORIES": ";".join(
            str(PROJECT_ROOT / "tracker" / d)
            for d in (
                "translations",
                "dashboard/translations",
                "reporting/translations",
                "imports/translations",
            )
        ),
    }


def trusted_proxies(value: object) -> int:
    """How many proxies to trust: a whole number ≥ 0; anything else stops the start with a reason."""
    try:
        count = int(str(value).strip() or "0")
    except ValueError:
        count = -1
    if count < 0:
        raise ValueError(
            f"TRACKER_TRUSTED_PROXIES must be a whole number of proxies, 0 or more (got {value!r})"
        )
    return count


def upload_limit_mb(value: object = None) -> int:
    """The upload limit in MB: ``TRACKER_MAX_UPLOAD_MB`` (default 200), a whole number ≥ 1;
    anything else stops the start with a reason."""
    text = str(os.environ.get("TRACKER_MAX_UPLOAD_MB", "") if value is None else value).strip()
    try:
        limit = int(text or 200)
    except ValueError:
        limit = 0
    if limit < 1:
        raise ValueError(
            f"TRACKER_MAX_UPLOAD_MB must be a whole number of MB, 1 or more (got {text!r})"
        )
    return limit
