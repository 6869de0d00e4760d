"""TikTok Studio analytics: Content.csv (per video) and Overview.csv (account, per day).

Studio writes dates without a year, in the UI language, under English
headers. A video's upload time is recovered from its id (top 32 bits = Unix
seconds), which is exact; Overview days get their year from the ZIP name
(``Overview_<first day>_<epoch>_<handle>.zip``) or, failing that, by assuming
the export ends no later than today.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import PurePosixPath

from . import dates
from .columns import ColumnReader, Columns, drop_summary_rows, refusal
from .model import ACCOUNT, ParseResult, PostRecord, ScopeRecord
from .reading import Sheet, realign_on_anchor
from .urls import normalise_handle, post_link

NAME = "tiktok_studio"
LABEL = "TikTok Studio export (Content.csv / Overview.csv)"

CONTENT = Columns(
    {
        "link": ("Video link", "Videolänk"),
        "title": ("Video title", "Videotitel"),
        "post_time": ("Post time", "Publiceringstid"),
        "views": ("Total views", "Video views", "Views", "Videovisningar"),
        "likes": ("Total likes", "Likes", "Gilla-markeringar"),
        "comments": ("Total comments", "Comments", "Kommentarer"),
        "shares": ("Total shares", "Shares", "Delningar"),
        "saves": ("Add to Favorites", "Lägg till i Favoriter"),
        "reach": ("Reached audience", "Målgrupp som nåtts"),
    },
    required=[("link",), ("views", "likes")],
)
OVERVIEW = Columns(
    {
        "date": ("Date", "Datum"),
        "views": ("Video Views", "Videovisningar"),
        "profile_views": ("Profile Views", "Profilvisningar"),
        "likes": ("Likes", "Gilla-markeringar"),
        "comments": ("Comments", "Kommentarer"),
        "shares": ("Shares", "Delningar"),
        "reach": ("Reached audience", "Målgrupp som nåtts"),
        "followers_gained": ("New followers", "Nya följare"),
        "link_clicks": ("Website clicks",),
    },
    required=[("date",), ("views",)],
)
_METRICS = ("views", "likes", "comments", "shares", "saves", "reach", "profile_views")
_ACCOUNT_METRICS = (*_METRICS, "followers_gained", "link_clicks")
_VIDEO_LINK = re.compile(r"https?://(?:www\.|m\.)?tiktok\.com/@[^/\s]+/(?:video|photo)/(\d+)\S*")
_OVERVIEW_ZIP = re.compile(r"Overview_(\d{4}-\d{2}-\d{2})_\d+_(.+)\.zip", re.IGNORECASE)


def detect(header: list[str]) -> int:
    return max(CONTENT.score(header), OVERVIEW.score(header))


def parse(sheets: list[Sheet]) -> ParseResult:
    result = ParseResult(NAME)
    matched = False
    for sheet in sheets:
        if CONTENT.score(sheet.header):
            _parse_content(sheet, result)
        elif OVERVIEW.score(sheet.header):
            _parse_overview(sheet, result)
        else:
            continue
        matched = True
    if not matched:
        raise refusal(LABEL, CONTENT, sheets)
    return result


def _is_video_link(cell: str) -> bool:
    return _VIDEO_LINK.fullmatch(cell.strip()) is not None


def _repair_quoting(sheet: Sheet, found: dict[str, int], result: ParseResult) -> Sheet:
    """Re-align rows a title with bare quotes or commas pushed out of line."""
    if "title" not in found:
        return sheet
    width, link, title = len(sheet.header), found["link"], found["title"]
    rows = []
    for row, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        if len(row) != width or not _is_video_link(row[link]):
            repaired = realign_on_anchor(row, width, link, _is_video_link, title)
            if repaired is not None:
                result.warnings.append(
                    f"Row {number}: the title has unescaped quotes or commas; "
                    "its columns were re-aligned on the video link."
                )
                row = repaired
        rows.append(row)
    return replace(sheet, rows=rows)


def _parse_content(sheet: Sheet, result: ParseResult) -> None:
    found = CONTENT.find(sheet.header)
    sheet = _repair_quoting(sheet, found, result)
    reader = ColumnReader(sheet, found)
    reader.infer_decimal_comma(_METRICS)
    links = reader.text("link") or []
    titles = reader.text("title") or [""] * len(reader)
    post_times = reader.text("post_time")
    metrics = reader.metrics(_METRICS)
    for i, link in enumerate(links):
        match = _VIDEO_LINK.fullmatch(link)
        if match is None:
            reader.fail(i, "link", "not a TikTok video link (https://www.tiktok.com/@…/video/…)")
            continue
        posted_at = dates.tiktok_video_time(match[1])
        if post_times is not None:
            _check_post_time(reader, i, post_times[i], posted_at.date(), result)
        if i in reader.bad_rows:
            continue
        parsed = post_link(link)
        result.records.append(
            PostRecord(
                platform="tiktok",
                url=link,
                url_key=parsed.url_key,
                handle=parsed.handle,
                external_id=match[1],
                title=titles[i],
                posted_at=posted_at,
                posted_at_inferred=True,
                metrics=metrics[i],
                source_row=sheet.row_numbers[i],
            )
        )
    result.rows_read += len(reader)
    result.row_errors += reader.sorted_errors()


def _check_post_time(
    reader: ColumnReader, i: int, text: str, id_day: date, result: ParseResult
) -> None:
    """Warn when "Post time" disagrees with the video id by more than a time zone can explain."""
    try:
        parts = dates.parse_partial_date(text, day_first=None)
    except ValueError as exc:
        reader.fail(i, "post_time", str(exc))
        return
    if parts is None:
        return
    year, month, day = parts
    said = dates.resolve_year(month, day, id_day) if year is None else date(year, month, day)
    if abs((said - id_day).days) > 1:
        result.warnings.append(
            f"Row {reader.sheet.row_numbers[i]}: “Post time” says {text} but the video id "
            f"says {id_day.isoformat()}; the video id is used."
        )


def _parse_overview(sheet: Sheet, result: ParseResult) -> None:
    sheet, skipped = drop_summary_rows(sheet)
    result.warnings += skipped
    found = OVERVIEW.find(sheet.header)
    reader = ColumnReader(sheet, found)
    reader.infer_decimal_comma(_ACCOUNT_METRICS)
    cells = reader.text("date") or []
    day_first = dates.infer_day_first(cells)
    parts = reader.parsed("date", lambda t: dates.parse_partial_date(t, day_first=day_first))
    metrics = reader.metrics(_ACCOUNT_METRICS, allow_negative=("comments",))
    first_day, handle = _overview_zip_name(sheet.filename)
    days, inferred = _date_days(parts or [], first_day, sheet.name, result)
    keys = {"platform": "tiktok"}
    if handle:
        keys["handle"] = handle
    for i, day in enumerate(days):
        if i in reader.bad_rows or day is None:
            continue
        result.records.append(
            ScopeRecord(
                level=ACCOUNT,
                keys=dict(keys),
                period_start=day,
                period_end=day,
                metrics=metrics[i],
                dates_inferred=inferred,
                source_row=sheet.row_numbers[i],
            )
        )
    result.include_period(d for d in days if d is not None)
    result.rows_read += len(reader)
    result.row_errors += reader.sorted_errors()


def _overview_zip_name(filename: str) -> tuple[date | None, str | None]:
    """Read the first day and the handle from ``Overview_<YYYY-MM-DD>_<epoch>_<handle>.zip``."""
    match = _OVERVIEW_ZIP.fullmatch(PurePosixPath(filename).name)
    if match is None:
        return None, None
    try:
        return date.fromisoformat(match[1]), normalise_handle(match[2])
    except ValueError:
        return None, None


def _date_days(
    parts: list[tuple[int | None, int, int] | None],
    first_day: date | None,
    name: str,
    result: ParseResult,
) -> tuple[list[date | None], bool]:
    """Give every row its date, recovering missing years; return (dates, years_were_inferred)."""
    if all(p is None or p[0] is not None for p in parts):
        return [None if p is None else date(p[0] or 0, p[1], p[2]) for p in parts], False
    present = [(i, (p[1], p[2])) for i, p in enumerate(parts) if p is not None]
    month_days = [md for _, md in present]
    if first_day:
        assigned = dates.assign_years(month_days, start=first_day)
        result.warnings.append(
            f"The dates in {name} have no year; years were taken from the ZIP name "
            f"(first day {first_day.isoformat()})."
        )
    else:
        assigned = dates.assign_years(month_days, end=date.today())
        result.warnings.append(
            f"The dates in {name} have no year; they were dated assuming the export "
            "ends no later than today. Upload the original Overview_….zip to be sure."
        )
    days: list[date | None] = [None] * len(parts)
    for (i, _), day in zip(present, assigned, strict=True):
        days[i] = day
    return days, True
