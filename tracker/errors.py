"""Error pages in the app's style, and JSON bodies for everything under /api/.

A missing exchange rate is not a crash: analytics raise MissingRateError and every page
that shows figures gets a page naming the pair and date, with a link to add the rate.
Other areas reuse this by letting the error propagate (the handler below catches it) or by
calling `missing_rate_context(exc)` to show the same message inside their own page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .currency import MissingRateError

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You cannot do this"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}
EXPLANATIONS = {
    400: _l("Check the form and try again."),
    403: _l(
        "Your role lets you read this workspace but not change it, or this page is not part of your access."
    ),
    404: _l("The page does not exist, or it belongs to another workspace."),
    405: _l("Go back and use the page's own buttons."),
    429: _l("Wait a minute, then try again."),
    500: _l(
        "The error was logged. Try again in a moment; if it keeps happening, tell your administrator."
    ),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def missing_rate_context(exc: MissingRateError) -> dict[str, Any]:
    """The message and the link to fix a missing rate, for any template."""
    return {
        "message": _(
            "No exchange rate from %(base)s to %(quote)s on or before %(date)s: figures in %(quote)s cannot be computed.",
            base=exc.from_ccy,
            quote=exc.to_ccy,
            date=exc.on.isoformat(),
        ),
        "fix_url": url_for(
            "spend.rates", base=exc.from_ccy, quote=exc.to_ccy, on=exc.on.isoformat()
        ),
        "base": exc.from_ccy,
        "quote": exc.to_ccy,
        "on": exc.on,
    }


def _page(code: int, description: str | None = None):
    if wants_json():
        body = {"error": _slug(code), "message": description or str(TITLES.get(code, ""))}
        return jsonify(body), code
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=TITLES.get(code, TITLES[500]),
            explanation=description or EXPLANATIONS.get(code, EXPLANATIONS[500]),
        ),
        code,
    )


def _slug(code: int) -> str:
    return {
        400: "bad_request",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        429: "too_many_requests",
        500: "server_error",
    }.get(code, "error")


def _http_error(exc: HTTPException):
    code = exc.code or 500
    description = None
    if code == 400 and wants_json():
        description = exc.description
    return _page(code, description)


def _csrf_error(exc: CSRFError):
    return _page(
        400, _("The form expired or was sent from another site. Reload the page and try again.")
    )


def _rate_limited(exc: RateLimitExceeded):
    if request.endpoint == "auth.login":
        from .auth.views import render_login_limited

        return render_login_limited()
    return _page(429)


def _missing_rate(exc: MissingRateError):
    context = missing_rate_context(exc)
    if wants_json():
        return jsonify(
            {
                "error": "missing_exchange_rate",
                "message": context["message"],
                "from": exc.from_ccy,
                "to": exc.to_ccy,
                "on": exc.on.isoformat(),
            }
        ), 409
    return render_template("errors/missing_rate.html", **context), 409


def _server_error(exc: Exception):
    # Flask has already logged the traceback of the original exception.
    return _page(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(MissingRateError, _missing_rate)
    # Flask calls the 500 handler for any unhandled exception (tests let them propagate instead).
    app.register_error_handler(500, _server_error)
