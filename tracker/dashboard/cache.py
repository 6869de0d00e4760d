"""Rendered dashboards, kept in each process until the data version moves.

A campaign's dashboard is the same page for every reload until something is written: the
figures are computed and rendered once (~80 ms for 300 influencers), then served from memory
(a few ms). The key holds everything else the page depends on: the campaign, the day (phase,
pacing), the language and the query (as-of day, sort). The data version
(tracker/data_version.py) moves with every committed write, clicks included, so a page is
never served after its figures changed, in this process or any other.

Only the part below the campaign's header is kept: the header and the layout around it carry
the signed-in user, their role and a CSRF token, and are rendered on every request.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Hashable

from cachetools import LRUCache
from flask import Flask, current_app
from markupsafe import Markup
from sqlmodel import Session

from .. import data_version

_EXTENSION = "tracker.dashboard.cache"


class PageCache:
    """A least-recently-used store of rendered page parts, bounded in bytes, thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self._entries: LRUCache[Hashable, str] = LRUCache(max_bytes, getsizeof=sys.getsizeof)
        self._lock = threading.Lock()
        self.max_bytes = max_bytes

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: Hashable, value: str) -> None:
        if sys.getsizeof(value) > self.max_bytes:
            return
        with self._lock:
            self._entries[key] = value


def init_app(app: Flask) -> None:
    megabytes = int(app.config.get("TRACKER_PAGE_CACHE_MB", 32))
    app.extensions[_EXTENSION] = PageCache(megabytes * 1024 * 1024) if megabytes > 0 else None


def rendered(session: Session, key: tuple[Hashable, ...], render: Callable[[], str]) -> Markup:
    """The page part under `key` at the data's current version, rendered by `render` if no
    process-local copy of it exists yet."""
    cache: PageCache | None = current_app.extensions.get(_EXTENSION)
    version = data_version.current(session) if cache is not None else None
    if version is None:
        return Markup(render())
    full_key = (*key, version)
    html = cache.get(full_key)
    if html is None:
        html = render()
        cache.put(full_key, html)
    return Markup(html)
