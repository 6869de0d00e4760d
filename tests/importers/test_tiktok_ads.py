from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tracker.importers.model import AD
from tracker.importers.registry import parse_file

HEADER = [
    "By Day",
    "Campaign name",
    "Ad group name",
    "Ad name",
    "Cost",
    "Impressions",
    "CTR (destination)",
    "Currency",
]


@pytest.fixture
def english(sample):
    return parse_file(sample("tiktok_ads_report.csv"), "tiktok_ads_report.csv")


def test_english_report_gives_one_record_per_ad_and_day(english) -> None:
    assert english.format == "tiktok_ads"
    assert english.rows_read == 14
    assert len(english.scopes) == 14
    assert english.row_errors == []
    assert english.warnings == ["Skipped the summary row “Total of 14 results” (row 2)."]
    assert (english.period_start, english.period_end) == (date(2026, 3, 10), date(2026, 3, 16))
    assert english.revenue_currency == "EUR"


def test_english_report_first_row_hand_checked(english) -> None:
    first = english.scopes[0]
    assert first.level == AD
    assert first.keys == {
        "campaign_name": "Printemps Éclat 2026 - Conversions",
        "ad_group_name": "FR 18-34 Beauté",
        "ad_name": "Spark - Léa routine du soir",
    }
    assert first.period_start == first.period_end == date(2026, 3, 10)
    assert first.cost == Decimal("56.54")
    assert first.currency == "EUR"
    assert first.is_paid is True
    assert first.metrics == {
        "impressions": 14041,
        "reach": 11005,
        "link_clicks": 78,
        "views": 12865,
        "completed_views": 1048,
        "likes": 331,
        "comments": 7,
        "shares": 10,
        "conversions": 4,
    }
    assert first.source_row == 3


def test_rows_add_up_to_the_reports_own_total_row(english) -> None:
    assert sum(s.cost for s in english.scopes) == Decimal("522.17")
    for key, total in {
        "impressions": 135873,
        "link_clicks": 1173,
        "views": 127699,
        "conversions": 21,
    }.items():
        assert sum(s.metrics[key] for s in english.scopes) == total


def test_french_excel_resave_reads_exactly_like_the_english_report(sample, english) -> None:
    french = parse_file(sample("tiktok_ads_report_fr_excel.csv"), "tiktok_ads_report_fr_excel.csv")
    assert french.row_errors == []
    assert french.records == english.records
    assert (french.period_start, french.period_end) == (english.period_start, english.period_end)


def test_xlsx_report_with_title_rows_and_numeric_cells(make_xlsx) -> None:
    rows = [
        ["Custom report: Printemps"],
        ["Date range", "2026-03-10 ~ 2026-03-11"],
        [],
        HEADER,
        ["2026-03-10", "Printemps", "FR", "Spark - Léa", 56.54, 14041, 0.0056, "EUR"],
        ["2026-03-11", "Printemps", "FR", "Spark - Léa", 66.81, "<5", 0.0093, "EUR"],
    ]
    result = parse_file(make_xlsx(rows, formats={(5, 7): "0.00%", (6, 7): "0.00%"}), "report.xlsx")
    assert result.row_errors == []
    first, second = result.scopes
    assert first.cost == Decimal("56.54")
    assert first.metrics == {"impressions": 14041}
    assert second.metrics == {}  # "<5" impressions: too few to report, not zero
    assert first.source_row == 5


def test_ambiguous_numeric_dates_follow_the_files_decimal_comma(make_csv) -> None:
    rows = [
        HEADER,
        ["02/03/2026", "P", "G", "A", "1,50", "10", "0,5%", "EUR"],
        ["03/03/2026", "P", "G", "A", "2", "10", "1%", "EUR"],
    ]
    result = parse_file(make_csv(rows, delimiter=";"), "report.csv")
    assert [s.period_start for s in result.scopes] == [date(2026, 3, 2), date(2026, 3, 3)]
    assert "Dates were read as day/month, the order of this file's locale." in result.warnings


def test_undecidable_dates_without_a_locale_hint_are_row_errors(make_csv) -> None:
    rows = [HEADER, ["02/03/2026", "P", "G", "A", "2", "10", "1%", "EUR"]]
    result = parse_file(make_csv(rows), "report.csv")
    assert result.scopes == []
    (error,) = result.row_errors
    assert (error.row, error.column, error.value) == (2, "By Day", "02/03/2026")
    assert "ambiguous date" in error.reason


def test_bad_currency_and_cost_are_row_errors(make_csv) -> None:
    rows = [HEADER, ["2026-03-10", "P", "G", "A", "abc", "10", "1%", "€"]]
    result = parse_file(make_csv(rows), "report.csv")
    assert [(e.column, e.reason) for e in result.row_errors] == [
        ("Cost", "not a number"),
        ("Currency", "not an ISO currency code such as EUR"),
    ]
