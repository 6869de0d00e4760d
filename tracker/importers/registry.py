"""Recognise which export a file is, and parse it with that format.

Each format module exposes ``NAME``, ``LABEL``, ``detect(header) -> score``
(how many of its known columns the header has; 0 when a required one is
missing) and ``parse(sheets) -> ParseResult``.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    ga4,
    generic,
    meta_posts,
    shopify_orders,
    tiktok_ads,
    tiktok_studio,
    woocommerce_orders,
    youtube_studio,
)
from .errors import AmbiguousFormat, ImportRefused
from .model import ParseResult
from .reading import Sheet, read_table

FORMATS: list[ModuleType] = [
    tiktok_studio,
    tiktok_ads,
    meta_posts,
    youtube_studio,
    ga4,
    shopify_orders,
    woocommerce_orders,
    generic,
]
_BY_NAME = {module.NAME: module for module in FORMATS}


def known_formats() -> list[tuple[str, str]]:
    """Return (name, label) of every format, for a "choose the format" menu."""
    return [(module.NAME, module.LABEL) for module in FORMATS]


def _is_known_header(cells: list[str]) -> bool:
    return any(module.detect(cells) for module in FORMATS)


def read_sheets(data: bytes, filename: str) -> list[Sheet]:
    """Read an upload, looking for header rows any known format recognises."""
    return read_table(data, filename, is_header=_is_known_header)


def detect(sheets: list[Sheet]) -> list[tuple[str, int]]:
    """Score every format against the sheets; return those that fit, best first."""
    scores = [
        (module.NAME, max((module.detect(sheet.header) for sheet in sheets), default=0))
        for module in FORMATS
    ]
    return sorted((s for s in scores if s[1] > 0), key=lambda s: -s[1])


def parse_file(data: bytes, filename: str, format: str | None = None) -> ParseResult:
    """Read and parse an upload; ``format`` forces a format instead of detecting it.

    Raises ImportRefused when the file is not a table or no format fits, and
    AmbiguousFormat (with ``candidates``) when two formats fit equally well.
    """
    sheets = read_sheets(data, filename)
    if format is not None:
        if format not in _BY_NAME:
            raise ImportRefused(f"Unknown import format “{format}”.")
        module = _BY_NAME[format]
    else:
        module = _BY_NAME[_choose(sheets)]
    result = module.parse(sheets)
    if result.rows_read == 0:
        raise ImportRefused("This file has column names but no data rows.")
    return result


def _choose(sheets: list[Sheet]) -> str:
    ranked = detect(sheets)
    if not ranked:
        columns = ", ".join(f"“{c}”" for c in sheets[0].header[:6] if c)
        labels = "; ".join(module.LABEL for module in FORMATS)
        raise ImportRefused(
            f"This file is not an export we know (its columns start with {columns}). "
            f"Known formats: {labels}."
        )
    best = [name for name, score in ranked if score == ranked[0][1]]
    if len(best) > 1:
        labels = " or ".join(_BY_NAME[name].LABEL for name in best)
        raise AmbiguousFormat(f"This file could be a {labels}: choose one.", best)
    return best[0]
