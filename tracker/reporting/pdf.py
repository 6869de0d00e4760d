"""HTML to PDF with WeasyPrint, loading nothing but what the recap fetcher allows."""

from __future__ import annotations

import logging
from collections.abc import Callable

from .fetcher import ASSET_SCHEME, LOGO_SCHEME, AssetResolver, make_url_fetcher


def pdf_asset_url(name: str) -> str:
    return f"{ASSET_SCHEME}:{name}"


def pdf_logo_url(brand_id: int) -> str:
    return f"{LOGO_SCHEME}:{brand_id}"


def html_to_pdf(
    html: str, resolver: AssetResolver, *, on_fetch: Callable[[str], None] | None = None
) -> bytes:
    """Render the recap HTML; WeasyPrint is imported here, not at start-up (PERF.md)."""
    import weasyprint

    # Unsupported-CSS warnings are noise in logs; refused URLs still log as errors.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = make_url_fetcher(resolver, on_fetch)
    # No base_url: a relative URL resolves to nothing rather than to the server's disk.
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf()
