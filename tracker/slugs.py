"""URL-safe slugs (utm_campaign values, file names) from names people type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def unique_slug(text: str, taken: Callable[[str], bool]) -> str:
    """The slug of `text`, with -2, -3… appended while `taken` says it is in use."""
    base = slugify(text)
    slug, n = base, 2
    while taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug
