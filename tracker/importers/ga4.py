"""GA4 Traffic acquisition exports keyed by UTM dimensions.

Rows become ``ScopeRecord``s keyed by ``utm_source`` / ``utm_medium`` /
``utm_campaign`` / ``utm_content``, exactly as GA4 wrote them: GA4 is
case-sensitive, so ``Instagram / Influencer`` stays its own row and a warning
points it out; matching rows to campaigns and creators is the caller's job.
The period comes from the ``# Start date: 20260301`` preamble; numbers are
machine-written (``.`` decimal, rates as fractions, no currency symbol).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from . import dates
from .columns import ColumnReader, Columns, drop_summary_rows, refusal
from .errors import ImportRefused
from .model import UTM, ParseResult, ScopeRecord
from .reading import Sheet

NAME = "ga4"
LABEL = "GA4 traffic acquisition report"

COLUMNS = Columns(
    {
        "source_medium": ("Session source / medium", "Source/support de la session"),
        "source": ("Session source", "Source de la session"),
        "medium": ("Session medium", "Support de la session"),
        "campaign": ("Session campaign", "Campagne de la session"),
        "content": ("Session manual ad content", "Contenu d'annonce manuel de la session"),
        "term": ("Session manual term", "Terme manuel de la session"),
        "channel_group": (
            "Session default channel group",
            "Session primary channel group (Default Channel Group)",
            "Groupe de canaux par défaut de la session",
        ),
        "date_range": ("Date range", "Plage de dates"),
        "sessions": ("Sessions",),
        "engaged_sessions": ("Engaged sessions", "Sessions avec engagement"),
        "conversions": ("Key events", "Conversions", "Événements clés"),
        "revenue": ("Total revenue", "Purchase revenue", "Revenu total", "Revenu des achats"),
    },
    required=[
        ("source_medium", "source", "medium", "campaign", "content", "channel_group"),
        ("sessions",),
    ],
)
_UTM_KEYS = {
    "source": "utm_source",
    "medium": "utm_medium",
    "campaign": "utm_campaign",
    "content": "utm_content",
    "term": "utm_term",
}
_DIMENSIONS = ("source_medium", *_UTM_KEYS, "channel_group")
_PREAMBLE_DATE = re.compile(
    r"(start date|end date|date de début|date de fin)\s*:\s*(\d{8})", re.IGNORECASE
)


def detect(header: list[str]) -> int:
    return COLUMNS.score(header)


def parse(sheets: list[Sheet]) -> ParseResult:
    result = ParseResult(NAME)
    matching = [sheet for sheet in sheets if COLUMNS.score(sheet.header)]
    if not matching:
        raise refusal(LABEL, COLUMNS, sheets)
    for sheet in matching:
        _parse_sheet(sheet, result)
    result.warnings.append(
        "GA4 does not state the currency: revenue is in the property's currency."
    )
    result.warnings += _case_warnings(result.scopes)
    return result


def _parse_sheet(sheet: Sheet, result: ParseResult) -> None:
    found = COLUMNS.find(sheet.header)
    if not any(key in found for key in ("source_medium", *_UTM_KEYS)):
        raise ImportRefused(
            "This GA4 report is grouped by channel only, which cannot be matched to a "
            "campaign. Download Traffic acquisition with “Session source / medium” and a "
            "secondary dimension “Session campaign”."
        )
    sheet, skipped = drop_summary_rows(sheet)
    result.warnings += skipped
    start, end = _preamble_period(sheet.preamble)
    result.include_period(d for d in (start, end) if d)
    reader = ColumnReader(sheet, found)
    reader.infer_decimal_comma(("sessions", "engaged_sessions", "conversions", "revenue"), False)
    ranges = reader.parsed("date_range", _date_range)
    metrics = reader.metrics(("sessions", "conversions", "revenue"))
    dimensions = {key: reader.text(key) for key in _DIMENSIONS if reader.has(key)}
    for i in range(len(reader)):
        keys = _keys({key: cells[i] for key, cells in dimensions.items()})
        if not keys:
            result.warnings.append(f"Skipped row {sheet.row_numbers[i]}: it names no source.")
            continue
        if i in reader.bad_rows:
            continue
        row_start, row_end = ranges[i] if ranges and ranges[i] else (start, end)
        result.records.append(
            ScopeRecord(
                level=UTM,
                keys=keys,
                period_start=row_start,
                period_end=row_end,
                captured_on=row_end,
                metrics=metrics[i],
                source_row=sheet.row_numbers[i],
            )
        )
        result.include_period(d for d in (row_start, row_end) if d)
    result.rows_read += len(reader)
    result.row_errors += reader.sorted_errors()


def _keys(cells: dict[str, str]) -> dict[str, str]:
    """Turn a row's dimension cells into UTM keys ("tiktok / paid" → source and medium)."""
    keys = {}
    combined = cells.pop("source_medium", "")
    if combined:
        source, _, medium = combined.partition(" / ")
        keys["utm_source"] = source.strip()
        if medium.strip():
            keys["utm_medium"] = medium.strip()
    for key, utm in _UTM_KEYS.items():
        if cells.get(key):
            keys[utm] = cells[key]
    if cells.get("channel_group"):
        keys["channel_group"] = cells["channel_group"]
    return keys


def _preamble_period(preamble: list[str]) -> tuple[date | None, date | None]:
    found: dict[str, date] = {}
    for line in preamble:
        match = _PREAMBLE_DATE.search(line)
        day = dates.parse_date(match[2]) if match else None
        if match and day:
            found["start" if match[1].lower() in ("start date", "date de début") else "end"] = day
    return found.get("start"), found.get("end")


def _date_range(text: str) -> tuple[date, date] | None:
    """Read a comparison-mode "Date range" cell such as ``Mar 1, 2026 - Mar 31, 2026``."""
    if not text:
        return None
    parts = re.split(r"\s+[-–]\s+|(?<=\d)-(?=\d{8}$)", text)
    if len(parts) != 2:
        raise ValueError("not a date range (start - end)")
    start, end = (dates.parse_date(p) for p in parts)
    if start is None or end is None:
        raise ValueError("not a date range (start - end)")
    return start, end


def _case_warnings(records: list[ScopeRecord]) -> list[str]:
    """Point out UTM values GA4 split into rows only because their case differs."""
    spellings: dict[tuple, set[str]] = defaultdict(set)
    for record in records:
        values = tuple(record.keys.get(k, "") for k in ("utm_source", "utm_medium", "utm_campaign"))
        spellings[tuple(v.casefold() for v in values)].add(" / ".join(v for v in values if v))
    return [
        "GA4 keeps these apart only because of letter case: "
        + ", ".join(f"“{s}”" for s in sorted(variants))
        + ". Tag links in lower case."
        for variants in spellings.values()
        if len(variants) > 1
    ]
