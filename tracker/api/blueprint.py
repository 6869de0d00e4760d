"""The API blueprint and its operation registry, shared by every resource module."""

from __future__ import annotations

from flask import Blueprint

from ..extensions import csrf
from .registry import Api

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Safe without CSRF because the API never reads the session cookie: a bearer token, which
# a browser never adds by itself, is the only credential (see auth.py).
csrf.exempt(bp)

api = Api(
    bp,
    title="Tracker API",
    version="1",
    description=(
        "Influencer campaign ROI tracker. Authenticate with `Authorization: Bearer <token>` "
        "(a personal API token). Metric keys are KPI.md's; money is a decimal string with "
        "4 decimals in the object's `currency`; rates and ratios are decimal strings (at most "
        "6 decimals; rates are fractions); undefined figures are null; dates are ISO 8601. "
        "Lists take `limit` and `offset` and return `total`. Writes accept an "
        "`Idempotency-Key` header. Errors: {error, message, fields}. See docs/api.md."
    ),
)
