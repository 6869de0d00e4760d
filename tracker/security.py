"""Security headers on every response, and the signed session cookie."""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",  # no inline script anywhere: behaviour lives in static files
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, without building a signer for a request that has no cookie.

    Most requests of the busiest route (tracked links, from people who never signed in) carry no
    session cookie; Flask would still build an itsdangerous serializer for each of them.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessionInterface()
    app.after_request(_headers)


def _headers(response: Response) -> Response:
    # One pass over the response's headers, not one per default (this runs on every answer);
    # a header a view set itself is kept.
    present = {name.lower() for name, _value in response.headers}
    for name, value in HEADERS:
        if name.lower() not in present:
            response.headers.add(name, value)
    return response
