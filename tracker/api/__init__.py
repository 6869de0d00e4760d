"""The JSON API under /api/v1: bearer tokens, JSON in and out, an OpenAPI 3.1 document.

Each module below registers its routes on `api` (blueprint.py) when imported; the
registry (registry.py) validates, authorises, commits and documents every route.
"""

from __future__ import annotations

from werkzeug.exceptions import HTTPException

# Importing a module registers its routes (or its hooks) on the blueprint.
from . import (  # noqa: F401
    auth,
    brands,
    campaigns,
    conversions,
    costs,
    imports,
    influencers,
    jobs,
    meta,
    reports,
    results,
    scope,
    tiers,
)
from .blueprint import api, bp
from .errors import ApiError, api_error_response, http_error_response

bp.register_error_handler(ApiError, api_error_response)
bp.register_error_handler(HTTPException, http_error_response)

__all__ = ["api", "bp"]
