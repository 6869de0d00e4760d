"""Meta Business Suite / Instagram per-post content export.

Meta changes the order of the metric columns between exports, so every column
is found by name. ``Publish time`` is ``MM/DD/YYYY HH:MM`` in the English UI
and day-first in most others; the column decides when it can, and the header
language when it cannot. Facebook rows are left out: the tracker follows
TikTok, Instagram and YouTube.
"""

from __future__ import annotations

from datetime import date

from . import dates
from .columns import ColumnReader, Columns, normalise_header, refusal
from .model import ParseResult, PostRecord
from .reading import Sheet
from .urls import normalise_handle, post_link

NAME = "meta_posts"
LABEL = "Meta Business Suite / Instagram posts export"

COLUMNS = Columns(
    {
        "post_id": ("Post ID", "Identificação do post", "ID de la publication"),
        "handle": ("Account username", "Nome de usuário da conta", "Nom d'utilisateur du compte"),
        "title": ("Description", "Title", "Descrição"),
        "posted_at": ("Publish time", "Horário de publicação", "Heure de publication"),
        "url": ("Permalink", "Link permanente", "Lien permanent"),
        "post_type": ("Post type", "Tipo de post", "Type de publication"),
        "date": ("Date", "Data"),
        "views": ("Views", "Plays", "Visualizações", "Vues"),
        "reach": ("Reach", "Alcance", "Couverture"),
        "impressions": ("Impressions", "Impressões"),
        "likes": ("Likes", "Reactions", "Curtidas", "J'aime", "Mentions J'aime"),
        "comments": ("Comments", "Comentários", "Commentaires"),
        "shares": ("Shares", "Compartilhamentos", "Partages"),
        "saves": ("Saves", "Salvamentos", "Enregistrements"),
        "followers_gained": ("Follows", "Abonnements"),
        "profile_views": ("Profile visits", "Visitas ao perfil"),
        "link_clicks": ("Link clicks",),
        "watch_time_s": ("Seconds viewed",),
    },
    required=[("url",), ("post_id",)],
)
_METRICS = (
    "views", "reach", "impressions", "likes", "comments", "shares", "saves",
    "followers_gained", "profile_views", "link_clicks", "watch_time_s",
)  # fmt: skip


def detect(header: list[str]) -> int:
    return COLUMNS.score(header)


def parse(sheets: list[Sheet]) -> ParseResult:
    result = ParseResult(NAME)
    matching = [sheet for sheet in sheets if COLUMNS.score(sheet.header)]
    if not matching:
        raise refusal(LABEL, COLUMNS, sheets)
    for sheet in matching:
        _parse_sheet(sheet, result)
    return result


def _parse_sheet(sheet: Sheet, result: ParseResult) -> None:
    reader = ColumnReader(sheet, COLUMNS.find(sheet.header))
    reader.infer_decimal_comma(_METRICS)
    day_first = _day_first(reader, result)
    posted = reader.parsed("posted_at", lambda t: dates.parse_datetime(t, day_first=day_first))
    captured = reader.parsed("date", _snapshot_day)
    urls = reader.text("url") or []
    ids = reader.text("post_id") or []
    handles = reader.parsed("handle", lambda t: normalise_handle(t) if t else None)
    titles = reader.text("title")
    metrics = reader.metrics(_METRICS)
    facebook = 0
    for i, url in enumerate(urls):
        try:
            link = post_link(url)
        except ValueError:
            link = None
        if link and link.platform == "facebook":
            facebook += 1
            continue
        if link is None or link.platform != "instagram":
            reader.fail(i, "url", "not an Instagram post link")
        if i in reader.bad_rows or link is None:
            continue
        result.records.append(
            PostRecord(
                platform="instagram",
                url=url,
                url_key=link.url_key,
                handle=(handles and handles[i]) or link.handle,
                external_id=ids[i] or None,
                title=titles[i] if titles else "",
                posted_at=posted[i] if posted else None,
                captured_on=captured[i] if captured else None,
                metrics=metrics[i],
                source_row=sheet.row_numbers[i],
            )
        )
    if facebook:
        result.warnings.append(
            f"Left out {facebook} Facebook post(s): the tracker follows TikTok, Instagram "
            "and YouTube."
        )
    result.rows_read += len(reader)
    result.row_errors += reader.sorted_errors()


def _day_first(reader: ColumnReader, result: ParseResult) -> bool | None:
    """Decide the order of numeric publish dates from the column, else the header language."""
    cells = reader.text("posted_at")
    if cells is None:
        return None
    inferred = dates.infer_day_first(cells)
    if inferred is not None:
        return inferred
    english = normalise_header(reader.header_of("posted_at")) == "publish time"
    if any("/" in c or "." in c for c in cells):
        order = "month/day" if english else "day/month"
        result.warnings.append(
            f"Publish times were read as {order}, the order of this export's language."
        )
    return not english


def _snapshot_day(text: str) -> date | None:
    """Read the "Date" column: "Lifetime" totals carry no day, so the import day applies."""
    try:
        return dates.parse_date(text)
    except ValueError:
        return None
