"""The tracker's own CSV: anything a platform does not export, typed in a spreadsheet.

One row per snapshot. Columns (documented in docs/import-formats.md):
``post_url`` (a post), or ``handle`` + ``platform`` (a creator's
participation), or ``scope`` = ``campaign`` (the whole campaign, e.g.
``hashtag_uses``); ``captured_on`` (YYYY-MM-DD, required); any canonical
metric key of KPI.md; ``revenue_currency`` when there is revenue; optionally
``posted_at``, ``is_paid`` and ``title``.
"""

from __future__ import annotations

import re
from datetime import date

from ..kpi import METRIC_KEYS
from . import dates
from .columns import ColumnReader, Columns, refusal
from .model import (
    CAMPAIGN,
    PARTICIPATION,
    PLATFORMS,
    ParseResult,
    PostRecord,
    Record,
    ScopeRecord,
    single_currency,
)
from .numbers import parse_currency
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


def detect(header: list[str]) -> int:
    return COLUMNS.score(header)


def parse(sheets: list[Sheet]) -> ParseResult:
    result = ParseResult(NAME)
    matching = [sheet for sheet in sheets if COLUMNS.score(sheet.header)]
    if not matching:
        raise refusal(LABEL, COLUMNS, sheets)
    for sheet in matching:
        _parse_sheet(sheet, result)
    snapshots = [*result.posts, *result.scopes]
    result.revenue_currency = single_currency([r.currency for r in snapshots])
    result.include_period(r.captured_on for r in snapshots if r.captured_on)
    return result


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


def _parse_sheet(sheet: Sheet, result: ParseResult) -> None:
    found = COLUMNS.find(sheet.header)
    ignored = [h for i, h in enumerate(sheet.header) if h and i not in found.values()]
    if ignored:
        result.warnings.append(f"Ignored columns: {', '.join(ignored)}.")
    reader = ColumnReader(sheet, found)
    reader.infer_decimal_comma(METRIC_KEYS)
    n = len(reader)
    captured = reader.parsed("captured_on", _iso_date) or [None] * n
    posted = reader.parsed("posted_at", dates.parse_datetime) or [None] * n
    paid = reader.parsed("is_paid", _boolean) or [None] * n
    currencies = reader.parsed("revenue_currency", parse_currency) or [None] * n
    platforms = reader.parsed("platform", _platform) or [None] * n
    handles = reader.parsed("handle", lambda t: normalise_handle(t) if t else None) or [None] * n
    urls = reader.text("post_url") or [""] * n
    scopes = [s.casefold() for s in reader.text("scope") or [""] * n]
    titles = reader.text("title") or [""] * n
    metrics = reader.metrics(METRIC_KEYS)
    for i in range(n):
        if captured[i] is None and i not in reader.bad_rows:
            reader.fail(i, "captured_on", "the date the figures were read is required (YYYY-MM-DD)")
        if "revenue" in metrics[i] and currencies[i] is None:
            reader.fail(i, "revenue", "revenue needs a revenue_currency such as EUR")
        common = {
            "captured_on": captured[i],
            "metrics": metrics[i],
            "currency": currencies[i],
            "is_paid": paid[i],
            "source_row": sheet.row_numbers[i],
        }
        if scopes[i] == "campaign":
            if urls[i] or handles[i]:
                reader.fail(i, "scope", "a campaign row must leave post_url and handle empty")
            record: Record | None = ScopeRecord(level=CAMPAIGN, keys={}, **common)
        elif scopes[i] not in ("", "post", "participation"):
            reader.fail(i, "scope", "scope must be campaign, participation, post or empty")
            record = None
        elif urls[i]:
            link = _link(reader, i, urls[i], platforms[i])
            record = None
            if link is not None and link.platform is not None:
                record = PostRecord(
                    platform=link.platform,
                    url=urls[i],
                    url_key=link.url_key,
                    handle=handles[i] or link.handle,
                    title=titles[i],
                    posted_at=posted[i],
                    **common,
                )
        elif handles[i] and platforms[i]:
            keys = {"platform": platforms[i], "handle": handles[i]}
            record = ScopeRecord(level=PARTICIPATION, keys=keys, **common)
        else:
            column = "post_url" if reader.has("post_url") else "handle"
            reason = "each row needs a post_url, a handle with its platform, or scope=campaign"
            reader.fail(i, column, reason)
            record = None
        if record is not None and i not in reader.bad_rows:
            result.records.append(record)
    result.rows_read += n
    result.row_errors += reader.sorted_errors()


def _link(reader: ColumnReader, i: int, url: str, platform: str | None) -> PostLink | None:
    """Read a row's post link, or record why it is refused."""
    try:
        link = post_link(url)
    except ValueError:
        reader.fail(i, "post_url", "not a web link")
        return None
    if link.platform not in PLATFORMS:
        reader.fail(i, "post_url", "not a TikTok, Instagram or YouTube link")
        return None
    if platform and platform != link.platform:
        reader.fail(i, "platform", f"the post_url is a {link.platform} link")
        return None
    return link
