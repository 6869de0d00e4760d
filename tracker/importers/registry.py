"""Recognise which export a file is, and parse it with that format.

Each format module exposes ``NAME``, ``LABEL``, ``detect(header) -> score``
(how many of its known columns the header has; 0 when a required one is
missing) and ``parse(sheets) -> ParseResult``.

``open_stream`` is the importer's way in: the tracker's CSV (the format of bulk loads) is
parsed in parts of a bounded number of rows, after a first pass over the file; platform
exports, a few thousand rows at most, are parsed whole as one part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
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
from .columns import refusal
from .errors import AmbiguousFormat, ImportRefused
from .model import ParseResult, single_currency
from .reading import Sheet, read_table, stream_table

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


@dataclass
class ParseStream:
    """An upload being parsed: its format, how many rows the format reads, and its parts.

    ``repeated`` holds the identities (``generic.post_identity`` …) of rows that may write
    the same snapshot as another row in another part (``repeated_rows`` such rows): the
    caller writes those last. The file's period and currency are known once every part was
    read.
    """

    format: str
    rows: int
    repeated: frozenset[int]
    _parts: Callable[[], Iterator[ParseResult]]
    whole: bool
    repeated_rows: int = 0
    period_start: date | None = None
    period_end: date | None = None
    revenue_currency: str | None = None
    # What the first pass over the tracker's CSV learned, to keep with the upload (or None).
    survey: dict | None = None
    _currencies: set[str] = field(default_factory=set)

    def parts(self) -> Iterator[ParseResult]:
        """Each part's result, adding up the file's period and currency on the way."""
        return map(self._seen, self._parts())

    def _seen(self, result: ParseResult) -> ParseResult:
        if self.whole:
            self.period_start, self.period_end = result.period_start, result.period_end
            self.revenue_currency = result.revenue_currency
            return result
        # The tracker's CSV: post and scope records, or post columns.
        self._currencies.update(r.currency for r in result.records if r.currency)
        days = [r.captured_on for r in result.records if r.captured_on]
        if result.columns is not None:
            days = result.columns.captured_on
        if days:
            self._widen(min(days))
            self._widen(max(days))
        self.revenue_currency = single_currency(list(self._currencies))
        return result

    def _widen(self, day: date) -> None:
        if self.period_start is None or day < self.period_start:
            self.period_start = day
        if self.period_end is None or day > self.period_end:
            self.period_end = day


def open_stream(
    data: bytes,
    filename: str,
    format: str | None = None,
    *,
    chunk_rows: int,
    resolve_handle: generic.HandleResolver | None = None,
    surveyed: dict | None = None,
) -> ParseStream:
    """Recognise an upload and get ready to parse it in parts of at most ``chunk_rows`` rows.

    The same refusals as ``parse_file`` (ImportRefused, AmbiguousFormat). A file in the
    tracker's CSV is read twice: once here (``generic.Survey``), then part by part; once
    only when ``surveyed`` holds what an earlier first pass over the same bytes kept
    (``ParseStream.survey``). ``resolve_handle`` maps (platform, handle) to a participation
    the way matching will.
    """
    if format is not None and format not in _BY_NAME:
        raise ImportRefused(f"Unknown import format “{format}”.")
    if format is not None and format != generic.NAME:
        return _whole(parse_file(data, filename, format))
    survey = generic.Survey.restore(surveyed) if format == generic.NAME else None
    if survey is None:
        survey = generic.Survey(resolve_handle)
        for sheet in stream_table(
            data, filename, is_header=_is_known_header, chunk_rows=chunk_rows
        ):
            survey.feed(sheet)
        name = format or _choose(survey.sheets)
        if name != generic.NAME:
            return _whole(parse_file(data, filename, name))
        if all(table is None for table in survey.tables):
            raise refusal(generic.LABEL, generic.COLUMNS, survey.sheets)
        if survey.rows == 0:
            raise ImportRefused("This file has column names but no data rows.")

    def parts() -> Iterator[ParseResult]:
        sheets = stream_table(data, filename, is_header=_is_known_header, chunk_rows=chunk_rows)
        return generic.parse_parts(sheets, survey)

    repeated, repeated_rows = survey.repeated()
    stream = ParseStream(generic.NAME, survey.rows, repeated, parts, False, repeated_rows)
    stream.survey = survey.stored()
    return stream


def _whole(result: ParseResult) -> ParseStream:
    return ParseStream(result.format, result.rows_read, frozenset(), lambda: iter([result]), True)
