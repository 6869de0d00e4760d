"""HTML to PDF with WeasyPrint, loading nothing but what the recap fetcher allows."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .fetcher import ASSET_SCHEME, LOGO_SCHEME, AssetResolver, make_url_fetcher


def pdf_asset_url(name: str) -> str:
    return f"{ASSET_SCHEME}:{name}"


def pdf_logo_url(brand_id: int) -> str:
    return f"{LOGO_SCHEME}:{brand_id}"


def preload() -> None:
    """Import WeasyPrint now (a job worker does, before it forks; see tracker/jobs/worker.py)."""
    import weasyprint  # noqa: F401


def html_to_pdf(
    html: str, resolver: AssetResolver, *, on_fetch: Callable[[str], None] | None = None
) -> bytes:
    """Render the recap HTML; WeasyPrint is imported here, not at start-up (PERF.md)."""
    import weasyprint

    # Unsupported-CSS warnings are noise in logs; refused URLs still log as errors.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = make_url_fetcher(resolver, on_fetch)
    with _heap_frozen():
        # No base_url: a relative URL resolves to nothing rather than to the server's disk.
        document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
        return document.write_pdf()


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Keep the objects that exist before the render out of the garbage collector's way.

    WeasyPrint allocates millions of objects, so the collector runs full passes during a
    render, and each pass walked the whole heap of the process (the app, the ORM session,
    the analytics frames: ~600,000 objects in a worker): about a third of a large recap's
    render time. Frozen, those objects are skipped until the render ends; the render's own
    garbage is collected as usual. The freeze is process-wide: a render running in another
    thread at the same time only loses the speed-up when the first one ends.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
