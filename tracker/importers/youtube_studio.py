"""YouTube Studio advanced-mode export: ``Table data.csv`` (one row per video).

The ZIP also holds ``Chart data.csv`` (a daily series) and ``Totals.csv``;
only the table is read. Its first row is the channel ``Total``. Figures cover
the period chosen in Studio, which the ZIP name usually states
(``… 2025-01-01_2025-03-31 …``); the snapshot is dated at its end.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import PurePosixPath

from . import dates
from .columns import ColumnReader, Columns, drop_summary_rows, normalise_header, refusal
from .model import ParseResult, PostRecord, check_metrics
from .reading import Sheet
from .urls import normalise_post_url

NAME = "youtube_studio"
LABEL = "YouTube Studio export (Table data.csv)"

COLUMNS = Columns(
    {
        "content": ("Content", "Contenu", "Conteúdo"),
        "title": ("Video title", "Titre de la vidéo"),
        "published": ("Video publish time", "Heure de publication de la vidéo"),
        "views": ("Views", "Vues"),
        "watch_hours": ("Watch time (hours)", "Durée de visionnage (heures)"),
        "followers_gained": ("Subscribers gained", "Abonnés obtenus"),
        "net_subscribers": ("Subscribers", "Abonnés"),
        "impressions": ("Impressions",),
        "likes": ("Likes", "J'aime"),
        "comments": ("Comments added", "Commentaires ajoutés"),
        "shares": ("Shares", "Partages"),
        "reach": ("Unique viewers", "Spectateurs uniques"),
    },
    required=[("content",), ("views", "watch_hours", "impressions", "likes")],
)
_METRICS = ("views", "impressions", "likes", "comments", "shares", "reach", "followers_gained")
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_PERIOD_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})")
_SECONDS_PER_HOUR = Decimal(3600)


def detect(header: list[str]) -> int:
    # Chart data.csv has the same columns plus a Date: a daily series, not the table.
    if any(normalise_header(cell) in ("date", "jour") for cell in header):
        return 0
    return COLUMNS.score(header)


def parse(sheets: list[Sheet]) -> ParseResult:
    result = ParseResult(NAME)
    matching = [sheet for sheet in sheets if detect(sheet.header)]
    if not matching:
        raise refusal(LABEL, COLUMNS, sheets)
    for sheet in matching:
        _parse_sheet(sheet, result)
    return result


def _parse_sheet(sheet: Sheet, result: ParseResult) -> None:
    found = COLUMNS.find(sheet.header)
    sheet, skipped = drop_summary_rows(sheet, found["content"])
    result.warnings += skipped
    period = _period_from_name(sheet.filename)
    if period:
        result.include_period(period)
    reader = ColumnReader(sheet, found)
    reader.infer_decimal_comma((*_METRICS, "watch_hours", "net_subscribers"))
    day_first = dates.infer_day_first(reader.text("published") or [])
    published = reader.parsed("published", lambda t: dates.parse_datetime(t, day_first=day_first))
    with_time = [":" in cell for cell in reader.text("published") or []]
    metrics = reader.metrics(_METRICS)
    hours = reader.decimals("watch_hours")
    net = reader.counts("net_subscribers", allow_negative=True)
    titles = reader.text("title")
    lost_subscribers = 0
    for i, video in enumerate(reader.text("content") or []):
        if not _VIDEO_ID.fullmatch(video):
            reader.fail(i, "content", "not a YouTube video id")
            continue
        if i in reader.bad_rows:
            continue
        row_metrics = metrics[i]
        if hours and hours[i] is not None:
            seconds = (hours[i] * _SECONDS_PER_HOUR).quantize(Decimal(1), ROUND_HALF_EVEN)
            row_metrics["watch_time_s"] = int(seconds)
        if net and net[i] is not None and "followers_gained" not in row_metrics:
            # "Subscribers" is net of those lost; a negative net is no gain to record.
            if net[i] >= 0:
                row_metrics["followers_gained"] = net[i]
            else:
                lost_subscribers += 1
        check_metrics(row_metrics)  # two keys added by hand above
        url = f"https://www.youtube.com/watch?v={video}"
        result.records.append(
            PostRecord(
                platform="youtube",
                url=url,
                url_key=normalise_post_url(url),
                external_id=video,
                title=titles[i] if titles else "",
                posted_at=published[i] if published else None,
                posted_date_only=bool(published and published[i] and not with_time[i]),
                captured_on=period[1] if period else None,
                metrics=row_metrics,
                source_row=sheet.row_numbers[i],
            )
        )
    if lost_subscribers:
        result.warnings.append(
            f"{lost_subscribers} video(s) lost more subscribers than they gained; "
            "no subscriber figure was recorded for them."
        )
    result.rows_read += len(reader)
    result.row_errors += reader.sorted_errors()


def _period_from_name(filename: str) -> tuple[date, date] | None:
    match = _PERIOD_IN_NAME.search(PurePosixPath(filename).name)
    if not match:
        return None
    try:
        return date.fromisoformat(match[1]), date.fromisoformat(match[2])
    except ValueError:
        return None
