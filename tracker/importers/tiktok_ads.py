"""TikTok Ads Manager reports (CSV or XLSX, English, French or Korean UI, Excel re-saves).

Each row is an ad (or ad group, or campaign) on one day when the report is
split "By Day". Rows become ``ScopeRecord``s keyed by the Ads Manager names,
with the cost kept apart from the metrics: matching a Spark Ad to the creator
post it boosts is the caller's job.
"""

from __future__ import annotations

from datetime import date

from . import dates
from .columns import ColumnReader, Columns, drop_summary_rows, refusal
from .model import AD, ParseResult, ScopeRecord, single_currency
from .numbers import parse_currency
from .reading import Sheet

NAME = "tiktok_ads"
LABEL = "TikTok Ads Manager report"

COLUMNS = Columns(
    {
        "day": ("By Day", "Date", "Par jour", "일별"),
        "campaign_name": ("Campaign name", "Nom de la campagne", "캠페인 이름"),
        "ad_group_name": ("Ad group name", "Nom du groupe d'annonces", "광고 그룹 이름"),
        "ad_name": ("Ad name", "Nom de l'annonce", "광고 이름"),
        "ad_id": ("Ad ID", "ID de l'annonce"),
        "cost": ("Cost", "Coût", "비용"),
        "currency": ("Currency", "Devise", "통화"),
        "impressions": ("Impressions", "노출수"),
        "reach": ("Reach", "Couverture"),
        "link_clicks": ("Clicks (destination)", "Clics (destination)", "클릭수(목적지)"),
        "views": ("Video views", "Vues de vidéo"),
        "completed_views": ("Video views at 100%",),
        "likes": ("Paid likes",),
        "comments": ("Paid comments",),
        "shares": ("Paid shares",),
        "followers_gained": ("Paid followers",),
        "profile_views": ("Paid profile visits",),
        "conversions": ("Conversions", "Purchases (website)", "Complete payment"),
        "revenue": (
            "Purchase value (website)",
            "Total complete payment value",
            "Total purchase value",
        ),
        # Read only to learn the file's decimal separator (0,56% says "comma").
        "ctr": ("CTR (destination)", "CTR (all)", "CTR", "CTR(목적지)"),
        "cpm": ("CPM",),
    },
    required=[("cost",), ("campaign_name", "ad_group_name", "ad_name")],
)
_METRICS = (
    "impressions", "reach", "link_clicks", "views", "completed_views", "likes", "comments",
    "shares", "followers_gained", "profile_views", "conversions", "revenue",
)  # fmt: skip
_NAME_KEYS = ("campaign_name", "ad_group_name", "ad_name", "ad_id")


def detect(header: list[str]) -> int:
    return COLUMNS.score(header)


def parse(sheets: list[Sheet]) -> ParseResult:
    result = ParseResult(NAME)
    matching = [sheet for sheet in sheets if COLUMNS.score(sheet.header)]
    if not matching:
        raise refusal(LABEL, COLUMNS, sheets)
    currencies: list[str | None] = []
    for sheet in matching:
        currencies += _parse_sheet(sheet, result)
    result.revenue_currency = single_currency(currencies)
    if len({c for c in currencies if c}) > 1:
        result.warnings.append("The report mixes currencies; each row keeps its own.")
    return result


def _parse_sheet(sheet: Sheet, result: ParseResult) -> list[str | None]:
    sheet, skipped = drop_summary_rows(sheet)
    result.warnings += skipped
    reader = ColumnReader(sheet, COLUMNS.find(sheet.header))
    reader.infer_decimal_comma((*_METRICS, "cost", "ctr", "cpm"))
    days = _days(reader, result)
    costs = reader.decimals("cost") or []
    currencies = reader.parsed("currency", parse_currency) or [None] * len(reader)
    metrics = reader.metrics(_METRICS)
    names = {key: reader.text(key) for key in _NAME_KEYS if reader.has(key)}
    for i in range(len(reader)):
        if i in reader.bad_rows:
            continue
        result.records.append(
            ScopeRecord(
                level=AD,
                keys={key: cells[i] for key, cells in names.items() if cells and cells[i]},
                period_start=days[i],
                period_end=days[i],
                metrics=metrics[i],
                cost=costs[i],
                currency=currencies[i],
                is_paid=True,
                source_row=sheet.row_numbers[i],
            )
        )
    result.include_period(d for d in days if d is not None)
    result.rows_read += len(reader)
    result.row_errors += reader.sorted_errors()
    return currencies


def _days(reader: ColumnReader, result: ParseResult) -> list[date | None]:
    """Read the day column; numeric dates take their order from the column, else the locale."""
    cells = reader.text("day")
    if cells is None:
        return [None] * len(reader)
    day_first = dates.infer_day_first(cells)
    if day_first is None and reader.decimal_comma is not None and any("/" in c for c in cells):
        # An Excel re-save writes the locale's order: DD/MM where the decimal is a comma.
        day_first = reader.decimal_comma
        order = "day/month" if day_first else "month/day"
        result.warnings.append(f"Dates were read as {order}, the order of this file's locale.")
    return reader.parsed("day", lambda t: dates.parse_date(t, day_first=day_first)) or []
