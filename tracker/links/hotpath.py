"""A tracked link's click, answered before Flask: one INSERT, a 302, nothing else.

`/l/<code>` is the busiest URL of the app (every click of every creator's audience), and its
usual answer needs none of Flask's request machinery: no session, no sign-in, no template, no
form. `TrackedLinks` wraps the app's WSGI callable and answers GET and HEAD of an active link
itself; everything else (an unknown code, a campaign without a destination, any other
method or path, an unexpected error) goes on to Flask, where the `links.follow` view runs the
same `click_answer` and renders the page that explains.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.datastructures import EnvironHeaders
from werkzeug.http import HTTP_STATUS_CODES

from ..models import utcnow
from ..security import HEADERS as SECURITY_HEADERS
from . import agents, service

PREFIX = "/l/"
# Every answer of a tracked link is for one visitor at one moment: never cached anywhere.
NO_STORE = "no-store, private"
_EXTENSION = "tracker.links.cache"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[str, str]]


def link_cache(app: Flask) -> service.LinkCache:
    cache = app.extensions.get(_EXTENSION)
    if cache is None:
        cache = app.extensions[_EXTENSION] = service.LinkCache(app.extensions["tracker.engine"])
    return cache


def click_answer(
    app: Flask, code: str, *, method: str, headers: Mapping[str, str], ip: str
) -> tuple[Answer | None, service.LinkTarget | None]:
    """Record a click through link `code` and say how to answer it.

    The answer is None, and nothing is recorded, when the code is unknown (target None) or
    its campaign has no usable destination.
    """
    ua_class = agents.classify(method, headers)
    secret_key = app.config["SECRET_KEY"]
    target, click_id = service.record_link_click(
        link_cache(app),
        code,
        secret_key=secret_key,
        ip=ip,
        user_agent=headers.get("User-Agent", ""),
        ua_class=ua_class,
        at=utcnow(),
    )
    if click_id is None:
        return None, target
    if ua_class == agents.PREFETCH and method != "HEAD":
        # A browser that prefetched the redirect would replay it when the person really
        # clicks, and that click would never reach us: decline speculative loads.
        return Answer(503, [("Cache-Control", NO_STORE), ("Retry-After", "0")]), target
    location = target.location(service.click_token(secret_key, click_id))
    return Answer(302, [("Location", location), ("Cache-Control", NO_STORE)]), target


class TrackedLinks:
    """WSGI middleware: GET/HEAD /l/<code> of an active link, answered without Flask."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        code = path[len(PREFIX) :]
        if path.startswith(PREFIX) and method in ("GET", "HEAD") and code and "/" not in code:
            try:
                answer, _target = click_answer(
                    self.app,
                    code,
                    method=method,
                    headers=EnvironHeaders(environ),
                    ip=environ.get("REMOTE_ADDR", ""),
                )
            except Exception:  # noqa: BLE001  (Flask's view runs it again, with error pages and logs)
                answer = None
            if answer is not None:
                start_response(
                    f"{answer.status} {HTTP_STATUS_CODES[answer.status]}",
                    [*answer.headers, *SECURITY_HEADERS, ("Content-Length", "0")],
                )
                return [b""]
        return self.wsgi_app(environ, start_response)
