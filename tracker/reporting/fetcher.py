"""What WeasyPrint may load while rendering a recap: our own assets and one brand's logo.

Every resource WeasyPrint wants (stylesheets, fonts, images, SVG references) goes
through the URL fetcher given to it. Ours answers exactly two private schemes,

- ``tracker-asset:NAME`` — a file of ``tracker/reporting/assets/`` (``brand.css`` is made
  from the brand's validated colour),
- ``tracker-logo:BRAND_ID`` — the logo of the brand being rendered, checked again,

and refuses everything else (http, https, file, data, ftp…) before any I/O, so a
URL typed into a campaign can never make the server read a file or reach the
network. WeasyPrint is imported only when a PDF is rendered (PERF.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .branding import Logo, StylingError, brand_css, validate_logo

ASSET_SCHEME = "tracker-asset"
LOGO_SCHEME = "tracker-logo"
ASSETS_DIR = Path(__file__).resolve().parent / "assets"
BRAND_CSS = "brand.css"
ASSET_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
_ASSET_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*\.[a-z0-9]+")


class RefusedURL(ValueError):
    """A URL the recap renderer will not load."""


def asset_path(name: str) -> Path:
    """The file behind an asset name, or RefusedURL: no traversal, only known file types."""
    if not _ASSET_NAME.fullmatch(name):
        raise RefusedURL(f"not an asset name: {name!r}")
    path = (ASSETS_DIR / name).resolve()
    if not path.is_relative_to(ASSETS_DIR) or not path.is_file():
        raise RefusedURL(f"no such asset: {name!r}")
    if path.suffix not in ASSET_TYPES:
        raise RefusedURL(f"asset type not served: {name!r}")
    return path


class AssetResolver:
    """Turn an allowed URL into (bytes, content type); refuse any other URL."""

    def __init__(
        self, *, brand_id: int | None = None, logo: Logo | None = None, colour: str | None = None
    ) -> None:
        self.brand_id = brand_id
        self.logo = logo
        self.colour = colour

    def resolve(self, url: str) -> tuple[bytes, str]:
        scheme, sep, rest = url.partition(":")
        if not sep:
            raise RefusedURL(f"refused URL: {url[:80]!r}")
        scheme = scheme.lower()
        if scheme == ASSET_SCHEME and rest == BRAND_CSS:
            return brand_css(self.colour).encode(), ASSET_TYPES[".css"]
        if scheme == ASSET_SCHEME:
            path = asset_path(rest)
            return path.read_bytes(), ASSET_TYPES[path.suffix]
        if scheme == LOGO_SCHEME and self.logo is not None and rest == str(self.brand_id):
            try:
                checked = validate_logo(self.logo.data)  # stored bytes may predate validation
            except StylingError as exc:
                raise RefusedURL(f"logo refused: {exc}") from exc
            return checked.data, checked.mime
        raise RefusedURL(f"refused URL: {url[:80]!r}")


def make_url_fetcher(resolver: AssetResolver, on_fetch: Callable[[str], None] | None = None) -> Any:
    """A WeasyPrint 70 URLFetcher whose every fetch goes through ``resolver``."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class RecapURLFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if on_fetch is not None:
                on_fetch(url)
            body, content_type = resolver.resolve(url)
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    # No redirects and only our schemes, should anything reach the base class.
    return RecapURLFetcher(
        allowed_protocols=(ASSET_SCHEME, LOGO_SCHEME), allow_redirects=False, timeout=1
    )
