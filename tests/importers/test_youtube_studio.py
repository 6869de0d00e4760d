from __future__ import annotations

from datetime import date, datetime

import pytest

from tracker.importers.registry import parse_file

TABLE = [
    ["Content", "Video title", "Video publish time", "Duration", "New viewers", "Regular viewers",
     "Views", "Watch time (hours)", "Subscribers", "Impressions click-through rate (%)"],
    ["Total", "", "", "", "1200", "300", "15234", "812.5012", "45", "4.8"],
    ["dQw4w9WgXcQ", "Routine du soir", "Jan 8, 2025", "612", "900", "250", "9876", "512.2563", "47", "4.5"],
    ["a1B2c3D4e5_", "Short éclat", "Mar 2, 2026", "45", "300", "50", "5358", "300.2449", "-2", "5.1"],
]  # fmt: skip
CHART = [["Date", "Content", "Video title", "Video publish time", "Duration", "Views"],
         ["2025-01-08", "dQw4w9WgXcQ", "Routine du soir", "Jan 8, 2025", "612", "100"]]  # fmt: skip
TOTALS = [["Date", "Views"], ["2025-01-08", "100"]]


@pytest.fixture
def table(make_csv):
    return parse_file(make_csv(TABLE), "Table data.csv")


def test_table_data_skips_the_total_row_and_reads_each_video(table) -> None:
    assert table.format == "youtube_studio"
    assert table.rows_read == 2
    assert table.row_errors == []
    assert "Skipped the summary row “Total” (row 2)." in table.warnings
    video, short = table.posts
    assert video.platform == "youtube"
    assert video.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert video.url_key == "https://youtube.com/watch?v=dQw4w9WgXcQ"
    assert video.external_id == "dQw4w9WgXcQ"
    assert video.title == "Routine du soir"
    assert video.posted_at == datetime(2025, 1, 8)
    assert video.posted_date_only  # the day only: keep it out of "best time to post"
    # 512.2563 h = 1,844,122.68 s, rounded half-even.
    assert video.metrics == {"views": 9876, "watch_time_s": 1844123, "followers_gained": 47}


def test_a_net_loss_of_subscribers_records_no_gain(table) -> None:
    short = table.posts[1]
    assert "followers_gained" not in short.metrics
    assert any("lost more subscribers" in w for w in table.warnings)


def test_studio_zip_reads_only_the_table_and_dates_it_by_the_zip_name(make_zip, make_csv) -> None:
    data = make_zip(
        {
            "Table data.csv": make_csv(TABLE),
            "Chart data.csv": make_csv(CHART),
            "Totals.csv": make_csv(TOTALS),
        }
    )
    result = parse_file(data, "Content 2025-01-01_2025-03-31 Chang Yin.zip")
    assert len(result.posts) == 2
    assert (result.period_start, result.period_end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert all(p.captured_on == date(2025, 3, 31) for p in result.posts)


def test_a_bad_video_id_is_a_row_error(make_csv) -> None:
    rows = [TABLE[0], ["not-an-id", "x", "Jan 8, 2025", "1", "1", "1", "1", "1", "1", "1"]]
    result = parse_file(make_csv(rows), "Table data.csv")
    assert [(e.row, e.column, e.reason) for e in result.row_errors] == [
        (2, "Content", "not a YouTube video id")
    ]
