from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tracker.importers.errors import ImportRefused
from tracker.importers.model import UTM
from tracker.importers.registry import parse_file


@pytest.fixture
def ga4(sample):
    return parse_file(sample("ga4_utm.csv"), "ga4_utm.csv")


def by_keys(result):
    return {
        (s.keys.get("utm_source"), s.keys.get("utm_medium"), s.keys.get("utm_campaign")): s
        for s in result.scopes
    }


def test_sample_gives_one_utm_record_per_row(ga4) -> None:
    assert ga4.format == "ga4"
    assert ga4.rows_read == 14
    assert len(ga4.scopes) == 14
    assert ga4.row_errors == []
    assert (ga4.period_start, ga4.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert ga4.revenue_currency is None
    assert all(s.level == UTM and s.captured_on == date(2026, 3, 31) for s in ga4.scopes)


def test_sample_rows_hand_checked(ga4) -> None:
    rows = by_keys(ga4)
    tiktok = rows[("tiktok", "influencer", "printemps_eclat_2026")]
    assert tiktok.metrics == {"sessions": 2954, "conversions": 85, "revenue": Decimal("4187.65")}
    assert tiktok.period_start == date(2026, 3, 1)
    assert tiktok.source_row == 13
    paid = rows[("tiktok", "paid", "printemps_eclat_2026")]
    assert paid.metrics == {"sessions": 1630, "conversions": 44, "revenue": Decimal("2055.3")}
    direct = rows[("(direct)", "(none)", "(direct)")]
    assert direct.metrics["revenue"] == Decimal("0")
    assert rows[("(not set)", None, "(not set)")].metrics["sessions"] == 17


def test_utm_values_keep_their_case_and_the_split_is_pointed_out(ga4) -> None:
    rows = by_keys(ga4)
    assert rows[("Instagram", "Influencer", "printemps_eclat_2026")].metrics["sessions"] == 87
    assert rows[("instagram", "influencer", "printemps_eclat_2026")].metrics["sessions"] == 1211
    assert rows[("tiktok", "influenceur", "printemps_eclat_2026")].metrics["sessions"] == 142
    assert ga4.warnings == [
        "GA4 does not state the currency: revenue is in the property's currency.",
        "GA4 keeps these apart only because of letter case: “Instagram / Influencer / "
        "printemps_eclat_2026”, “instagram / influencer / printemps_eclat_2026”. Tag links "
        "in lower case.",
    ]


OLD_STYLE = (
    "\ufeff# ----------------------------------------\n"
    "# Acquisition de trafic : Source/support de la session\n"
    "# Date de début : 20260701\n"
    "# Date de fin : 20260731\n"
    "Session source,Session medium,Session manual ad content,Sessions,Conversions,Purchase revenue\n"
    "Grand total,,,100,3,50.5\n"
    "tiktok,social,lea.glow_routine,60,2,30.5\n"
    "instagram,social,noah_duo,40,1.0,20\n"
    "\n"
    "# ----------------------------------------\n"
    "Nth day,Sessions\n"
    "0000,12\n"
)


def test_conversions_purchase_revenue_manual_ad_content_and_french_preamble() -> None:
    result = parse_file(OLD_STYLE.encode(), "ga4.csv")
    assert (result.period_start, result.period_end) == (date(2026, 7, 1), date(2026, 7, 31))
    tiktok, instagram = result.scopes
    assert tiktok.keys == {
        "utm_source": "tiktok",
        "utm_medium": "social",
        "utm_content": "lea.glow_routine",
    }
    assert tiktok.metrics == {"sessions": 60, "conversions": 2, "revenue": Decimal("30.5")}
    assert instagram.metrics["conversions"] == 1
    assert "Skipped the summary row “Grand total” (row 6)." in result.warnings


def test_comparison_mode_date_range_column_dates_each_row(make_csv) -> None:
    rows = [
        ["Session source / medium", "Session campaign", "Date range", "Sessions"],
        ["tiktok / social", "printemps", "Mar 1, 2026 - Mar 31, 2026", "10"],
        ["tiktok / social", "printemps", "Feb 1, 2026 - Feb 28, 2026", "7"],
    ]
    result = parse_file(make_csv(rows), "ga4.csv")
    assert [(s.period_start, s.period_end) for s in result.scopes] == [
        (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
    ]


def test_channel_group_only_report_is_refused_with_what_to_download(make_csv) -> None:
    rows = [["Session default channel group", "Sessions"], ["Organic Social", "10"]]
    with pytest.raises(ImportRefused, match="grouped by channel only"):
        parse_file(make_csv(rows), "ga4.csv")


def test_bad_sessions_cell_is_a_row_error(make_csv) -> None:
    rows = [["Session source / medium", "Sessions"], ["tiktok / social", "ten"]]
    result = parse_file(make_csv(rows), "ga4.csv")
    assert [(e.row, e.column, e.value, e.reason) for e in result.row_errors] == [
        (2, "Sessions", "ten", "not a number")
    ]
