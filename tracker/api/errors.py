"""API errors: every 4xx answer is JSON naming what went wrong and, for bad input, each field.

Body: {"error": "<machine code>", "message": "<sentence>", "fields": {"<field>": "<reason>"}}.
Nested fields are dotted ("goals.1.target"); the body as a whole is "(body)".
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

CODES = {
    400: "bad_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}


class ApiError(Exception):
    """An answer other than success, raised anywhere under a view and turned into JSON."""

    def __init__(
        self,
        status: int,
        message: str,
        fields: dict[str, str] | None = None,
        error: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.error = error or CODES.get(status, "error")

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, "fields": self.fields}


def not_found(what: str, field: str | None = None) -> ApiError:
    """404 for anything missing *or* outside the caller's workspace/brand: the two look alike."""
    return ApiError(404, f"No such {what}.", {field: f"no such {what}"} if field else None)


def invalid(fields: dict[str, str], message: str = "The request has invalid fields.") -> ApiError:
    return ApiError(422, message, fields)


def from_validation(exc: ValidationError, prefix: str = "") -> ApiError:
    """A pydantic error as a 422 naming each field (dotted path) and its reason."""
    fields: dict[str, str] = {}
    for item in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in (prefix, *item["loc"]) if part != "") or "(body)"
        reason = "is required" if item["type"] == "missing" else item["msg"]
        if item["type"] == "extra_forbidden":
            reason = "is not a known field"
        fields.setdefault(path, reason.removeprefix("Value error, "))
    return invalid(fields)


def json_response(body: Any, status: int) -> Response:
    response = current_app.json.response(body)
    response.status_code = status
    return response


def api_error_response(exc: ApiError) -> Response:
    response = json_response(exc.body(), exc.status)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="tracker"'
    return response


def http_error_response(exc: HTTPException) -> Response:
    """Werkzeug's aborts (404, 405, 413…) in the API's JSON shape."""
    code = exc.code or 500
    if code >= 500:
        return json_response({"error": "server_error", "message": "Something went wrong."}, code)
    return api_error_response(ApiError(code, exc.description or CODES.get(code, "error")))
