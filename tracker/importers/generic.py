"""The tracker's own CSV: anything a platform does not export, typed in a spreadsheet.

One row per snapshot. Columns (documented in docs/import-formats.md):
``post_url`` (a post), or ``handle`` + ``platform`` (a creator's
participation), or ``scope`` = ``campaign`` (the whole campaign, e.g.
``hashtag_uses``); ``captured_on`` (YYYY-MM-DD, required); any canonical
metric key of KPI.md; ``revenue_currency`` when there is revenue; optionally
``posted_at``, ``is_paid`` and ``title``.

This is the format of bulk loads (a million rows), so it is also read in parts
(``parse_parts``): a first pass (``Survey``) learns what parsing needs from the whole
file (each table's decimal separator) and which rows may write the same snapshot as a
later row, then each part is parsed on its own.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import lru_cache
from typing import TypeVar

from ..kpi import COUNT_KEYS, METRIC_KEYS
from . import dates
from .columns import ColumnReader, Columns, refusal
from .model import (
    CAMPAIGN,
    PARTICIPATION,
    PLATFORMS,
    ParseResult,
    PostColumns,
    PostRecord,
    Record,
    ScopeRecord,
    single_currency,
)
from .numbers import decide_decimal_comma, decimal_hints, parse_currency
from .reading import Sheet
from .urls import PostLink, normalise_handle, post_link

NAME = "generic"
LABEL = "Tracker CSV (post_url or handle, captured_on, metric columns)"

COLUMNS = Columns(
    {
        "post_url": ("post_url",),
        "handle": ("handle",),
        "platform": ("platform",),
        "scope": ("scope",),
        "captured_on": ("captured_on",),
        "posted_at": ("posted_at",),
        "is_paid": ("is_paid",),
        "title": ("title",),
        "revenue_currency": ("revenue_currency",),
        **{key: (key,) for key in METRIC_KEYS},
    },
    required=[("captured_on",), ("post_url", "handle", "scope")],
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOOLEANS = {
    **dict.fromkeys(("true", "yes", "1", "paid", "oui", "vrai", "payant"), True),
    **dict.fromkeys(("false", "no", "0", "organic", "non", "faux", "organique"), False),
}
DECIMAL_SAMPLE = 1000  # as numbers.infer_decimal_comma
_KEEP = object()  # parse a sheet's decimal separator from the sheet itself


def detect(header: list[str]) -> int:
    return COLUMNS.score(header)


def reads(sheet: Sheet) -> bool:
    """Whether this format reads the table (the others of an upload are ignored)."""
    return COLUMNS.score(sheet.header) > 0


def parse(sheets: list[Sheet]) -> ParseResult:
    result = ParseResult(NAME)
    matching = [sheet for sheet in sheets if reads(sheet)]
    if not matching:
        raise refusal(LABEL, COLUMNS, sheets)
    for sheet in matching:
        _parse_sheet(sheet, result)
    snapshots = [*result.posts, *result.scopes]
    result.revenue_currency = single_currency([r.currency for r in snapshots])
    result.include_period(r.captured_on for r in snapshots if r.captured_on)
    return result


# ---------------------------------------------------------------------------- in parts

# Identity of the snapshot a row writes, before matching: a post's link key and day, a
# participation (resolved like the matching does) and day, or the campaign and day. Two
# rows that write the same snapshot always share it (some that share it write different
# ones: those are only set apart needlessly).
HandleResolver = Callable[[str, str], int | None]
T = TypeVar("T")


# Identities are hashes of integers only: the same in every process (a string's hash() is
# not), so the preview's first pass can be kept for the commit (``Survey.stored``).


@lru_cache(maxsize=65_536)
def _number(text: str) -> int:
    """A string as a stable 64-bit number."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _day_number(day: date | None) -> int:
    return -1 if day is None else day.toordinal()


def post_identity(url_key: str, day: date | None) -> int:
    return hash((0, _number(url_key), _day_number(day)))


def participation_identity(participation_id: int, day: date | None) -> int:
    return hash((1, participation_id, _day_number(day)))


def campaign_identity(day: date | None) -> int:
    return hash((2, _day_number(day)))


STORED_REPEATS = 10_000  # a survey with more repeated identities is not kept
# What hash() of integer tuples depends on: a survey kept by another kind of interpreter
# (after an upgrade, or a worker on another platform) is not used.
_HASHING = [sys.implementation.name, *sys.version_info[:2], sys.hash_info.width]


class Survey:
    """The first pass over a file read in parts (``reading.stream_table``).

    Feed it every part, in order. It keeps, per table, what each metric column says of the
    decimal separator (a few hints), the number of rows this format reads, and one 8-byte
    identity per row, to find the identities that occur more than once: their snapshots
    are written after the last part, so a later row of the same key wins exactly as when
    the file is read whole.
    """

    def __init__(self, resolve_handle: HandleResolver | None = None) -> None:
        self.resolve_handle = resolve_handle
        self.tables: list[dict[str, list[str]] | None] = []  # None: a table not read
        self.sheets: list[Sheet] = []  # each table's first part, without rows
        self.rows = 0
        self._identities: list = []
        self._repeated: tuple[frozenset[int], int] | None = None
        self._decided: list[bool | None] | None = None  # each table's separator, once stored
        self._days: dict[str, date | None] = {}
        self._handles: dict[tuple[str, str], int | tuple[str, str] | None] = {}
        # Participation rows depend on the database (a handle resolved or not), not on the
        # file alone: a survey of a file that has any is not kept for the commit.
        self._file_only = True

    def stored(self) -> dict | None:
        """What this pass learned, to keep with the upload: the commit of the same bytes,
        with the same choices, then reads the file once instead of twice. None when it
        cannot be kept (participation rows, or too many repeated keys)."""
        repeated, repeated_rows = self.repeated()
        if not self._file_only or len(repeated) > STORED_REPEATS:
            return None
        return {
            "python": _HASHING,
            "reads": [table is not None for table in self.tables],
            "decimal_comma": [self.decimal_comma(i) for i in range(len(self.tables))],
            "rows": self.rows,
            "repeated": sorted(repeated),
            "repeated_rows": repeated_rows,
        }

    @classmethod
    def restore(cls, stored: dict | None) -> Survey | None:
        """The survey `stored` kept, or None when it cannot serve (another Python)."""
        if not stored or stored.get("python") != _HASHING:
            return None
        survey = cls()
        survey.tables = [{} if reads else None for reads in stored["reads"]]
        survey.rows = stored["rows"]
        survey._decided = stored["decimal_comma"]
        survey._repeated = (frozenset(stored["repeated"]), stored["repeated_rows"])
        return survey

    def feed(self, sheet: Sheet) -> None:
        if sheet.part == 0:
            self.tables.append({} if reads(sheet) else None)
            self.sheets.append(Sheet(sheet.name, sheet.header, [], [], sheet.filename))
        hints = self.tables[-1]
        if hints is None:
            return
        found = COLUMNS.find(sheet.header)
        self.rows += len(sheet.rows)
        for key in METRIC_KEYS:
            if key in found:
                have = hints.setdefault(key, [])
                if len(have) < DECIMAL_SAMPLE:
                    have += decimal_hints(sheet.column(found[key]), DECIMAL_SAMPLE - len(have))
        self._identify(sheet, found)

    def decimal_comma(self, table: int) -> bool | None:
        """The decimal separator of table ``table`` (0-based, in reading order)."""
        if self._decided is not None:
            return self._decided[table]
        hints = self.tables[table] or {}
        return decide_decimal_comma(
            (hint for key in METRIC_KEYS for hint in hints.get(key, ())), sample=DECIMAL_SAMPLE
        )

    def repeated(self) -> tuple[frozenset[int], int]:
        """Identities found on more than one row, and how many rows have them."""
        import numpy as np

        if self._repeated is None:
            if not self._identities:
                return frozenset(), 0
            everything = np.concatenate(self._identities)
            self._identities = []
            values, counts = np.unique(everything, return_counts=True)
            twice = counts > 1
            self._repeated = (frozenset(values[twice].tolist()), int(counts[twice].sum()))
        return self._repeated

    def _identify(self, sheet: Sheet, found: dict[str, int]) -> None:
        import numpy as np

        def cells(key: str) -> list[str]:
            index = found.get(key)
            if index is None:
                return [""] * len(sheet.rows)
            return [row[index].strip() for row in sheet.rows]

        texts = cells("captured_on")
        day_of = {text: self._day(text) for text in set(texts)}  # a few distinct days
        urls = cells("post_url")
        key_of = {url: _link_key(url) or "" for url in set(urls)}  # one read per link
        scopes = cells("scope") if "scope" in found else None
        handles = cells("handle") if "handle" in found and "platform" in found else None
        platforms = cells("platform") if handles is not None else None
        if scopes is None and handles is None:  # post rows only: post_identity, inlined
            number = {url: _number(key) for url, key in key_of.items()}
            ordinal = {text: _day_number(day) for text, day in day_of.items()}
            out = [hash((0, number[u], ordinal[t])) for u, t in zip(urls, texts, strict=True)]
        else:
            out = []
            for i, (url, text) in enumerate(zip(urls, texts, strict=True)):
                day = day_of[text]
                if scopes is not None and scopes[i].casefold() == "campaign":
                    out.append(campaign_identity(day))
                elif url or handles is None or not (handles[i] and platforms[i]):
                    out.append(post_identity(key_of[url], day))
                else:
                    self._file_only = False
                    out.append(self._participation(platforms[i], handles[i], day))
        self._identities.append(np.fromiter(out, dtype=np.int64, count=len(out)))

    def _day(self, text: str) -> date | None:
        day = self._days.get(text, _KEEP)
        if day is _KEEP:
            try:
                day = _iso_date(text)
            except ValueError:
                day = None  # a row error: it writes nothing
            if len(self._days) < 100_000:
                self._days[text] = day
        return day  # type: ignore[return-value]

    def _participation(self, platform: str, handle: str, day: date | None) -> int:
        pair = (platform, handle)
        if pair not in self._handles:
            try:
                resolved: int | tuple[str, str] | None = (
                    platform.casefold(),
                    normalise_handle(handle),
                )
            except ValueError:
                resolved = None
            if resolved is not None and self.resolve_handle is not None:
                resolved = self.resolve_handle(*resolved) or resolved
            if len(self._handles) < 100_000:
                self._handles[pair] = resolved
        else:
            resolved = self._handles[pair]
        if isinstance(resolved, int):
            return participation_identity(resolved, day)
        return hash(("h?", resolved, day))


def parse_parts(parts: Iterable[Sheet], survey: Survey) -> Iterator[ParseResult]:
    """Parse each part of the tables this format reads, with the survey's decimal separator.

    Each result holds that part's records, row errors, warnings and rows; the file's
    period and currency are the caller's to add up.
    """
    return _Parts(iter(parts), survey)


class _Parts:
    """``parse_parts`` as an iterator that keeps nothing of a part once it is handed on (a
    generator would keep its last part alive while the caller writes it)."""

    def __init__(self, parts: Iterator[Sheet], survey: Survey) -> None:
        self.parts = parts
        self.survey = survey
        self.table = -1

    def __iter__(self) -> _Parts:
        return self

    def __next__(self) -> ParseResult:
        for sheet in self.parts:
            if sheet.part == 0:
                self.table += 1
            if self.survey.tables[self.table] is None:
                continue
            result = ParseResult(NAME)
            decimal_comma = self.survey.decimal_comma(self.table)
            found = COLUMNS.find(sheet.header)
            result.columns = _post_columns(sheet, found, decimal_comma)
            if result.columns is None:
                _parse_sheet(sheet, result, decimal_comma=decimal_comma)
            else:
                result.warnings += _ignored(sheet, found)
                result.rows_read = len(result.columns)
            return result
        raise StopIteration


# ---------------------------------------------------------------------------- one sheet


def _iso_date(text: str) -> date | None:
    if not text:
        return None
    if not _ISO_DATE.fullmatch(text):
        raise ValueError("write the date as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("not a valid calendar date") from None


def _boolean(text: str) -> bool | None:
    if not text:
        return None
    try:
        return _BOOLEANS[text.casefold()]
    except KeyError:
        raise ValueError("write true or false") from None


def _platform(text: str) -> str | None:
    if not text:
        return None
    if text.casefold() not in PLATFORMS:
        raise ValueError(f"the platform must be one of {', '.join(PLATFORMS)}")
    return text.casefold()


def _memo(parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse`` once per distinct cell of a column (a file repeats each day on every row);
    a cell it refuses is refused again with the same reason."""
    seen: dict[str, tuple[T | None, str | None]] = {}

    def cached(text: str) -> T:
        found = seen.get(text)
        if found is None:
            try:
                found = (parse(text), None)
            except ValueError as exc:
                found = (None, str(exc))
            if len(seen) < 10_000:
                seen[text] = found
        if found[1] is not None:
            raise ValueError(found[1])
        return found[0]  # type: ignore[return-value]

    return cached


@lru_cache(maxsize=65_536)
def _cached_link(url: str) -> PostLink | None:
    """A link read once per distinct URL (a file repeats each post's link every day)."""
    try:
        return post_link(url)
    except ValueError:
        return None


def _link_key(url: str) -> str | None:
    link = _cached_link(url)
    return link.url_key if link is not None else None


# The columns of a part that `_post_columns` reads as columns.
_COLUMNS_PATH = frozenset(("post_url", "captured_on", *COUNT_KEYS))


def _post_columns(
    sheet: Sheet, found: dict[str, int], decimal_comma: bool | None
) -> PostColumns | None:
    """The part as columns, when it is the bulk case: post links, capture days and counts
    only, every cell valid. Anything else (another column, a bad or missing cell) returns
    None, and the part is read row by row, which says what is wrong where."""
    if "post_url" not in found or not set(found) <= _COLUMNS_PATH:
        return None
    reader = ColumnReader(sheet, found, decimal_comma)
    urls = reader.text("post_url") or []
    links = {}
    for url in set(urls):
        link = _cached_link(url) if url else None
        if link is None or link.platform not in PLATFORMS:
            return None
        links[url] = link
    texts = reader.text("captured_on") or []
    day_of = {}
    for text in set(texts):
        try:
            day_of[text] = _iso_date(text)
        except ValueError:
            return None
        if day_of[text] is None:
            return None
    metrics: dict[str, list[int | None]] = {}
    for key in COUNT_KEYS:
        if key in found:
            values = reader.counts(key)
            if reader.errors:
                return None
            metrics[key] = values  # type: ignore[assignment]
    days = list(map(day_of.__getitem__, texts))
    return PostColumns(urls, links, days, metrics, sheet.row_numbers)


def _ignored(sheet: Sheet, found: dict[str, int]) -> list[str]:
    """The note on columns the format does not read (once, with the table's first part)."""
    ignored = [h for i, h in enumerate(sheet.header) if h and i not in found.values()]
    return [f"Ignored columns: {', '.join(ignored)}."] if ignored and sheet.part == 0 else []


def _parse_sheet(sheet: Sheet, result: ParseResult, decimal_comma: object = _KEEP) -> None:
    found = COLUMNS.find(sheet.header)
    result.warnings += _ignored(sheet, found)
    reader = ColumnReader(sheet, found)
    if decimal_comma is _KEEP:
        reader.infer_decimal_comma(METRIC_KEYS)
    else:
        reader.decimal_comma = decimal_comma  # decided over the whole table
    n = len(reader)
    captured = reader.parsed("captured_on", _memo(_iso_date)) or [None] * n
    posted = reader.parsed("posted_at", dates.parse_datetime) or [None] * n
    paid = reader.parsed("is_paid", _boolean) or [None] * n
    currencies = reader.parsed("revenue_currency", parse_currency) or [None] * n
    platforms = reader.parsed("platform", _platform) or [None] * n
    handles = reader.parsed("handle", lambda t: normalise_handle(t) if t else None) or [None] * n
    urls = reader.text("post_url") or [""] * n
    scopes = [s.casefold() for s in reader.text("scope") or [""] * n]
    titles = reader.text("title") or [""] * n
    metrics = reader.metrics(METRIC_KEYS)
    rows = sheet.row_numbers
    bad = reader.bad_rows
    append = result.records.append
    for i in range(n):
        if captured[i] is None and i not in bad:
            reader.fail(i, "captured_on", "the date the figures were read is required (YYYY-MM-DD)")
        row_metrics = metrics[i]
        if "revenue" in row_metrics and currencies[i] is None:
            reader.fail(i, "revenue", "revenue needs a revenue_currency such as EUR")
        scope = scopes[i]
        record: Record | None
        if scope == "campaign":
            if urls[i] or handles[i]:
                reader.fail(i, "scope", "a campaign row must leave post_url and handle empty")
            record = ScopeRecord(
                level=CAMPAIGN,
                keys={},
                captured_on=captured[i],
                metrics=row_metrics,
                currency=currencies[i],
                is_paid=paid[i],
                source_row=rows[i],
            )
        elif scope and scope not in ("post", "participation"):
            reader.fail(i, "scope", "scope must be campaign, participation, post or empty")
            record = None
        elif urls[i]:
            link = _link(reader, i, urls[i], platforms[i])
            record = None
            if link is not None and link.platform is not None:
                # Positional, in PostRecord's field order: 2.5x faster than keywords, and
                # this runs once per row of a million-row file.
                record = PostRecord(
                    link.platform,  # platform
                    urls[i],  # url
                    link.url_key,  # url_key
                    handles[i] or link.handle,  # handle
                    None,  # external_id
                    titles[i],  # title
                    posted[i],  # posted_at
                    False,  # posted_at_inferred
                    False,  # posted_date_only
                    captured[i],  # captured_on
                    paid[i],  # is_paid
                    row_metrics,  # metrics
                    currencies[i],  # currency
                    rows[i],  # source_row
                )
        elif handles[i] and platforms[i]:
            record = ScopeRecord(
                level=PARTICIPATION,
                keys={"platform": platforms[i], "handle": handles[i]},
                captured_on=captured[i],
                metrics=row_metrics,
                currency=currencies[i],
                is_paid=paid[i],
                source_row=rows[i],
            )
        else:
            column = "post_url" if reader.has("post_url") else "handle"
            reason = "each row needs a post_url, a handle with its platform, or scope=campaign"
            reader.fail(i, column, reason)
            record = None
        if record is not None and i not in bad:
            append(record)
    result.rows_read += n
    result.row_errors += reader.sorted_errors()


def _link(reader: ColumnReader, i: int, url: str, platform: str | None) -> PostLink | None:
    """Read a row's post link, or record why it is refused."""
    link = _cached_link(url)
    if link is None:
        reader.fail(i, "post_url", "not a web link")
        return None
    if link.platform not in PLATFORMS:
        reader.fail(i, "post_url", "not a TikTok, Instagram or YouTube link")
        return None
    if platform and platform != link.platform:
        reader.fail(i, "platform", f"the post_url is a {link.platform} link")
        return None
    return link
