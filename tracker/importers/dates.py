"""Dates as exports write them: ISO, DD/MM or MM/DD, month names, and no year at all.

``03/04/2026`` is 3 April in a French file and March 4 in a US one, so the
order is never guessed from one value: callers pass ``day_first`` (from the
format, or from ``infer_day_first`` over the whole column) and an ambiguous
value without it raises ``ValueError``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from .numbers import NULL_MARKERS

_MONTHS = {
    # en
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
    # fr
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "decembre": 12,
    # es, pt
    "enero": 1, "ene": 1, "febrero": 2, "marzo": 3, "abril": 4, "abr": 4, "mayo": 5,
    "junio": 6, "julio": 7, "agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9,
    "octubre": 10, "noviembre": 11, "diciembre": 12, "dic": 12, "janeiro": 1,
    "fevereiro": 2, "marco": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
    "set": 9, "outubro": 10, "out": 10, "novembro": 11, "dezembro": 12, "dez": 12,
    # de
    "januar": 1, "februar": 2, "marz": 3, "maerz": 3, "juni": 6, "juli": 7,
    "oktober": 10, "okt": 10, "dezember": 12,
}  # fmt: skip

_TIME = (
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
)
_PATTERNS = [
    re.compile(p + rf"(?:(?:[T ]|,?\s+|\s+à\s+){_TIME})?", re.IGNORECASE)
    for p in (
        r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})",
        r"(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})",
        r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})",
        r"(?P<first>\d{1,2})[/.-](?P<second_part>\d{1,2})[/.-](?P<year>\d{4})",
        r"(?P<name>[^\W\d_]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?",
        r"(?P<day>\d{1,2})(?:er|\.|º)?\s+(?:de\s+)?(?P<name>[^\W\d_]+)\.?"
        r"(?:,?\s+(?:de\s+)?(?P<year>\d{4}))?",
    )
]
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}")


@dataclass(frozen=True)
class _Parts:
    year: int | None
    month: int
    day: int
    match: re.Match[str]


def _month_number(name: str) -> int:
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    if plain not in _MONTHS:
        raise ValueError(f"“{name}” is not a month name")
    return _MONTHS[plain]


def _parts(text: str, day_first: bool | None) -> _Parts | None:
    t = text.strip()
    if t.casefold() in NULL_MARKERS:
        return None
    for pattern in _PATTERNS:
        match = pattern.fullmatch(t)
        if match is None:
            continue
        groups = match.groupdict()
        year = int(groups["year"]) if groups["year"] else None
        if groups.get("name"):
            return _Parts(year, _month_number(groups["name"]), int(groups["day"]), match)
        if groups.get("first"):
            month, day = _order(int(groups["first"]), int(groups["second_part"]), day_first)
            return _Parts(year, month, day, match)
        return _Parts(year, int(groups["month"]), int(groups["day"]), match)
    raise ValueError("not a date this importer knows (use YYYY-MM-DD)")


def _order(first: int, second: int, day_first: bool | None) -> tuple[int, int]:
    """Return (month, day) for a numeric date whose order may be unknown."""
    if day_first is None:
        if first > 12 >= second:
            day_first = True
        elif second > 12 >= first:
            day_first = False
        else:
            raise ValueError("ambiguous date: day/month or month/day cannot be told apart")
    return (second, first) if day_first else (first, second)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("not a valid calendar date") from None


def parse_date(text: str, *, day_first: bool | None = None) -> date | None:
    """Read a date (any time part is ignored); None for an empty cell."""
    parts = _parts(text, day_first)
    if parts is None:
        return None
    if parts.year is None:
        raise ValueError("the date has no year")
    return _date(parts.year, parts.month, parts.day)


def parse_datetime(text: str, *, day_first: bool | None = None) -> datetime | None:
    """Read a date with an optional time and offset; aware only when the text has an offset."""
    parts = _parts(text, day_first)
    if parts is None:
        return None
    if parts.year is None:
        raise ValueError("the date has no year")
    day = _date(parts.year, parts.month, parts.day)
    groups = parts.match.groupdict()
    if not groups["hour"]:
        return datetime(day.year, day.month, day.day)
    hour = int(groups["hour"])
    if groups["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError("an AM/PM hour must be between 1 and 12")
        hour = hour % 12 + (12 if groups["ampm"][0] in "pP" else 0)
    microsecond = int((groups["fraction"] or "0")[:6].ljust(6, "0"))
    try:
        return datetime(
            day.year,
            day.month,
            day.day,
            hour,
            int(groups["minute"]),
            int(groups["second"] or 0),
            microsecond,
            tzinfo=_zone(groups["tz"]),
        )
    except ValueError:
        raise ValueError("not a valid time of day") from None


def _zone(tz: str | None) -> timezone | None:
    if not tz:
        return None
    if tz.upper() in ("Z", "UTC", "GMT"):
        return UTC
    digits = tz[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-offset if tz[0] == "-" else offset)


def parse_partial_date(
    text: str, *, day_first: bool | None = None
) -> tuple[int | None, int, int] | None:
    """Read a date whose year may be missing as (year or None, month, day)."""
    parts = _parts(text, day_first)
    if parts is None:
        return None
    _date(parts.year or 2000, parts.month, parts.day)  # 2000 is leap: 29 February passes
    return parts.year, parts.month, parts.day


def parse_month_day(text: str) -> tuple[int, int] | None:
    """Read a yearless date (TikTok Studio's ``March 12``, ``28 May``, ``8 mars``) as (month, day)."""
    parts = parse_partial_date(text)
    return None if parts is None else parts[1:]


def infer_day_first(values: Iterable[str]) -> bool | None:
    """Say whether a column's numeric dates are day-first, from the values that can tell.

    A first part above 12 means day-first, a second part above 12 means
    month-first; None when no value decides, or when values disagree.
    """
    day_first = month_first = False
    for value in values:
        match = _NUMERIC_DATE.match(value)
        if match:
            day_first |= int(match[1]) > 12
            month_first |= int(match[2]) > 12
    if day_first != month_first:
        return day_first
    return None


def resolve_year(month: int, day: int, near: date) -> date:
    """Give a yearless date the year that puts it closest to ``near``."""
    candidates = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:  # 29 February outside a leap year
            continue
    return min(candidates, key=lambda d: abs(d - near))


def assign_years(
    month_days: Sequence[tuple[int, int]], *, start: date | None = None, end: date | None = None
) -> list[date]:
    """Date a chronological series of yearless days from its first or its last day.

    Each day is the first occurrence on or after the previous one (walking
    forward from ``start``), or the last occurrence on or before the next one
    (walking back from ``end``), so a 365-day export rolls over the year.
    """
    if start is not None and end is None:
        walk, step, current = list(month_days), 1, start
    elif end is not None and start is None:
        walk, step, current = list(reversed(month_days)), -1, end
    else:
        raise ValueError("give exactly one of start and end")
    dated = []
    for month, day in walk:
        year = current.year
        while True:
            try:
                candidate = date(year, month, day)
            except ValueError:
                candidate = None
            if candidate is not None and (candidate - current).days * step >= 0:
                break
            year += step
            if abs(year - current.year) > 8:
                raise ValueError(f"no date {month:02d}-{day:02d} near {current}")
        dated.append(candidate)
        current = candidate
    return dated if start is not None else dated[::-1]


def tiktok_video_time(video_id: str | int) -> datetime:
    """Return the upload time a TikTok video id encodes: its top 32 bits are Unix seconds (UTC)."""
    try:
        seconds = int(video_id) >> 32
    except ValueError:
        raise ValueError("not a TikTok video id") from None
    moment = datetime.fromtimestamp(seconds, UTC)
    if not 2014 <= moment.year <= 2100:
        raise ValueError("not a TikTok video id")
    return moment
