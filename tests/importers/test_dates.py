from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tracker.importers.dates import (
    assign_years,
    infer_day_first,
    parse_date,
    parse_datetime,
    parse_month_day,
    parse_partial_date,
    resolve_year,
    tiktok_video_time,
)

PARIS_WINTER = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2026-03-10", None, datetime(2026, 3, 10)),
        ("2026-03-10T09:58:12", None, datetime(2026, 3, 10, 9, 58, 12)),
        ("2026-05-10T00:00:00", None, datetime(2026, 5, 10)),
        ("2026-03-10 09:58", None, datetime(2026, 3, 10, 9, 58)),
        ("2024-05-01 09:58:12 +0000", None, datetime(2024, 5, 1, 9, 58, 12, tzinfo=UTC)),
        (
            "2026-03-12 21:14:03 +0100",
            None,
            datetime(2026, 3, 12, 21, 14, 3, tzinfo=PARIS_WINTER),
        ),
        ("2026-03-12T20:14:03Z", None, datetime(2026, 3, 12, 20, 14, 3, tzinfo=UTC)),
        ("2026-03-12T21:14:03+01:00", None, datetime(2026, 3, 12, 21, 14, 3, tzinfo=PARIS_WINTER)),
        ("20260301", None, datetime(2026, 3, 1)),  # GA4
        ("2026/05/10", None, datetime(2026, 5, 10)),  # TikTok Business Suite
        ("10/03/2026", True, datetime(2026, 3, 10)),  # French Excel
        ("10/03/2026 08:31", True, datetime(2026, 3, 10, 8, 31)),
        ("03/10/2026 08:31", False, datetime(2026, 3, 10, 8, 31)),  # Meta, English UI
        ("3/5/2026 9:05 PM", False, datetime(2026, 3, 5, 21, 5)),
        ("12/03/2026 12:00 AM", False, datetime(2026, 12, 3, 0, 0)),
        ("10.03.2026 08:31", True, datetime(2026, 3, 10, 8, 31)),  # German
        ("20/6/2022", None, datetime(2022, 6, 20)),  # the day > 12 decides alone
        ("6/20/2022", None, datetime(2022, 6, 20)),
        ("Jan 8, 2025", None, datetime(2025, 1, 8)),  # YouTube Studio
        ("January 8, 2025", None, datetime(2025, 1, 8)),
        ("8 janv. 2025", None, datetime(2025, 1, 8)),
        ("8 mars 2026 à 14:05", None, datetime(2026, 3, 8, 14, 5)),
        ("1er mars 2026", None, datetime(2026, 3, 1)),
    ],
)
def test_datetimes_in_every_export_form(
    text: str, day_first: bool | None, expected: datetime
) -> None:
    assert parse_datetime(text, day_first=day_first) == expected


def test_dates_drop_the_time_part() -> None:
    assert parse_date("2024-05-01 09:58:12 +0000") == date(2024, 5, 1)
    assert parse_date("10/03/2026", day_first=True) == date(2026, 3, 10)


@pytest.mark.parametrize("text", ["", "--", "undefined"])
def test_empty_cells_are_no_date(text: str) -> None:
    assert parse_date(text) is None
    assert parse_datetime(text) is None


@pytest.mark.parametrize(
    ("text", "day_first", "reason"),
    [
        ("03/04/2026", None, "ambiguous"),
        ("31/02/2026", True, "not a valid calendar date"),
        ("13/20/2026", None, "ambiguous"),
        ("2026-03-10 25:00", None, "not a valid time"),
        ("Lifetime", None, "not a date"),
        ("Smarch 3, 2026", None, "not a month name"),
        ("March 12", None, "no year"),
        ("13/03/2026", False, "not a valid calendar date"),
    ],
)
def test_unreadable_dates_raise_with_a_reason(
    text: str, day_first: bool | None, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_datetime(text, day_first=day_first)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 12", (3, 12)),  # English UI
        ("12 March", (3, 12)),  # English UI, day first
        ("28 May", (5, 28)),
        ("8 mars", (3, 8)),  # French
        ("8 de marzo", (3, 8)),  # Spanish
        ("8 de setembro", (9, 8)),  # Portuguese
        ("February 29", (2, 29)),
        ("Dec. 30", (12, 30)),
    ],
)
def test_tiktok_yearless_dates(text: str, expected: tuple[int, int]) -> None:
    assert parse_month_day(text) == expected


def test_partial_dates_keep_the_year_when_there_is_one() -> None:
    assert parse_partial_date("2026/05/10") == (2026, 5, 10)
    assert parse_partial_date("April 12") == (None, 4, 12)
    with pytest.raises(ValueError, match="not a valid calendar date"):
        parse_partial_date("February 30")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["10/03/2026", "13/03/2026"], True),
        (["03/10/2026", "03/13/2026"], False),
        (["01/02/2026", "03/04/2026"], None),
        (["13/01/2026", "01/13/2026"], None),  # contradictory
        (["2026-03-10"], None),
        ([], None),
    ],
)
def test_infer_day_first_from_the_whole_column(values: list[str], expected: bool | None) -> None:
    assert infer_day_first(values) is expected


def test_resolve_year_picks_the_closest_occurrence() -> None:
    assert resolve_year(12, 31, near=date(2026, 1, 1)) == date(2025, 12, 31)
    assert resolve_year(1, 1, near=date(2025, 12, 31)) == date(2026, 1, 1)
    assert resolve_year(3, 12, near=date(2026, 3, 12)) == date(2026, 3, 12)


def test_assign_years_rolls_over_the_new_year_forwards_and_backwards() -> None:
    days = [(12, 30), (12, 31), (1, 1), (1, 2)]
    expected = [date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 2)]
    assert assign_years(days, start=date(2025, 12, 30)) == expected
    assert assign_years(days, end=date(2026, 1, 2)) == expected
    with pytest.raises(ValueError, match="exactly one"):
        assign_years(days)


def test_assign_years_skips_to_a_leap_year_for_29_february() -> None:
    assert assign_years([(2, 28), (2, 29)], start=date(2027, 2, 28)) == [
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


def test_tiktok_video_id_encodes_its_upload_time() -> None:
    # Checked against a real export (EXPORT-FORMATS.md).
    assert tiktok_video_time("7527623000473079054").date() == date(2025, 7, 16)
    assert tiktok_video_time(7616431466279434653) == datetime(2026, 3, 12, 18, 4, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a TikTok video id"):
        tiktok_video_time("12345")
    with pytest.raises(ValueError, match="not a TikTok video id"):
        tiktok_video_time("abc")
