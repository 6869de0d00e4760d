from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tracker.importers.errors import ImportRefused
from tracker.importers.model import ACCOUNT
from tracker.importers.registry import parse_file

CONTENT_HEADER = [
    "Time", "Video title", "Video link", "Post time",
    "Total likes", "Total comments", "Total shares", "Total views",
]  # fmt: skip
LINK = "https://www.tiktok.com/@lea.glow/video/"


@pytest.fixture
def content(sample):
    return parse_file(sample("tiktok_studio_content.csv"), "tiktok_studio_content.csv")


def test_content_sample_gives_one_post_per_video(content) -> None:
    assert content.format == "tiktok_studio"
    assert content.rows_read == 13
    assert len(content.posts) == 13
    assert content.row_errors == []
    assert content.warnings == []
    assert {p.handle for p in content.posts} == {"lea.glow"}
    assert all(p.platform == "tiktok" and p.posted_at_inferred for p in content.posts)


def test_content_first_row_hand_checked(content) -> None:
    post = content.posts[0]
    assert post.url == LINK + "7616431466279434653"
    assert post.url_key == "https://tiktok.com/@lea.glow/video/7616431466279434653"
    assert post.external_id == "7616431466279434653"
    assert (
        post.title == "Ma routine du soir en 3 étapes ✨ #skincare #maisonlumiere code LEA15 -15%"
    )
    # Views come last in the file; "5,431" is a thousands comma.
    assert post.metrics == {"likes": 5431, "comments": 212, "shares": 389, "views": 148203}
    assert post.posted_at == datetime(2026, 3, 12, 18, 4, tzinfo=UTC)
    assert post.source_row == 2


def test_content_keeps_only_metrics_the_export_has(content) -> None:
    # Studio exports no saves, reach or watch time: absent, never 0.
    assert all(set(p.metrics) == {"likes", "comments", "shares", "views"} for p in content.posts)


def test_content_quirky_titles_survive(content) -> None:
    titles = {p.external_id: p.title for p in content.posts}
    assert titles["7619395248772815569"] == ""
    assert titles["7611589576282886743"] == 'Ce "hack" de maquillage que personne ne connaît 😱'
    assert titles["7613850878567923963"].startswith("Test du sérum éclat, verdict honnête")


def test_content_years_come_from_the_video_ids(content) -> None:
    posted = {p.external_id: p.posted_at.date() for p in content.posts}
    assert posted["7496167915385531757"] == date(2025, 4, 22)  # "April 22"
    assert posted["7622375529635209385"] == date(2026, 3, 28)  # "March 28"
    assert posted["7589593760140442512"] == date(2025, 12, 30)  # "December 30"
    assert posted["7590674803315726046"] == date(2026, 1, 2)  # "January 2"


def test_content_inside_its_zip(sample, make_zip) -> None:
    data = make_zip({"Content.csv": sample("tiktok_studio_content.csv")})
    result = parse_file(data, "Content_lea.glow.zip")
    assert len(result.posts) == 13


def test_broken_quoting_is_realigned_on_the_video_link() -> None:
    data = (
        '\ufeff"Time","Video title","Video link","Post time","Total likes","Total comments",'
        '"Total shares","Total views"\n'
        f'"March 4","Ce "hack", de maquillage","{LINK}7611589576282886743","February 27",'
        '"3324","301","512","97450"\n'
        f'"March 4","Normal","{LINK}7613304558724081331","March 4","1033","40","27","24455"'
    ).encode()
    result = parse_file(data, "Content.csv")
    assert result.row_errors == []
    first, second = result.posts
    assert first.title == 'Ce hack", de maquillage"'
    assert first.metrics == {"likes": 3324, "comments": 301, "shares": 512, "views": 97450}
    assert second.metrics["views"] == 24455
    assert result.warnings == [
        "Row 2: the title has unescaped quotes or commas; its columns were re-aligned on the "
        "video link."
    ]


def test_hand_entered_compact_values_are_read(sample) -> None:
    # No real export writes 1.2K; people copying from the app do.
    extra = (
        f'\n"March 4","Copied by hand","{LINK}7613304558724081331","March 4","1.2K","3","4","3,4 M"'
    )
    result = parse_file(sample("tiktok_studio_content.csv") + extra.encode(), "Content.csv")
    assert result.posts[-1].metrics == {"likes": 1200, "comments": 3, "shares": 4, "views": 3400000}


def test_bad_cells_are_row_errors_naming_row_column_and_reason(make_csv) -> None:
    rows = [
        CONTENT_HEADER,
        ["March 4", "ok", LINK + "7613304558724081331", "March 4", "1", "2", "3", "4"],
        ["March 4", "bad", LINK + "7613850878567923963", "March 5", "twelve", "-2", "3", "4"],
        ["March 4", "no link", "https://example.com/x", "March 5", "1", "2", "3", "4"],
    ]
    result = parse_file(make_csv(rows, quote_all=True), "Content.csv")
    assert len(result.posts) == 1
    assert [(e.row, e.column, e.value, e.reason) for e in result.row_errors] == [
        (3, "Total likes", "twelve", "not a number"),
        (3, "Total comments", "-2", "a count cannot be negative"),
        (4, "Video link", "https://example.com/x", "not a TikTok video link (https://www.tiktok.com/@…/video/…)"),
    ]  # fmt: skip
    assert (
        str(result.row_errors[0]) == "Row 3, column “Total likes”: not a number (found “twelve”)."
    )


def test_post_time_far_from_the_video_id_is_flagged(make_csv) -> None:
    rows = [
        CONTENT_HEADER,
        ["March 4", "t", LINK + "7616431466279434653", "March 20", "1", "2", "3", "4"],
    ]
    result = parse_file(make_csv(rows), "Content.csv")
    assert result.posts[0].posted_at.date() == date(2026, 3, 12)
    assert result.warnings == [
        "Row 2: “Post time” says March 20 but the video id says 2026-03-12; the video id is used."
    ]


def test_business_suite_per_video_export_with_dated_post_times(make_csv) -> None:
    rows = [
        ["Video title", "Video link", "Post time", "Video views", "Likes", "Comments", "Shares", "Add to Favorites"],
        ["Routine", LINK + "7616431466279434653", "2026/03/12 19:04", "148203", "5431", "212", "389", "77"],
    ]  # fmt: skip
    (post,) = parse_file(make_csv(rows), "videos.csv").posts
    assert post.metrics == {
        "views": 148203,
        "likes": 5431,
        "comments": 212,
        "shares": 389,
        "saves": 77,
    }


OVERVIEW_ROWS = [
    ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"],
    ["December 30", "1591", "7", "10", "1", "0"],
    ["December 31", "undefined", "undefined", "undefined", "undefined", "undefined"],
    ["January 1", "2,304", "12", "88", "-1", "3"],
]


def test_overview_days_get_their_year_from_the_zip_name_across_new_year(make_zip, make_csv) -> None:
    data = make_zip({"Overview.csv": make_csv(OVERVIEW_ROWS, bom=True, quote_all=True)})
    result = parse_file(data, "Overview_2025-12-30_1767225600_lea.glow.zip")
    assert result.row_errors == []
    assert [s.period_start for s in result.scopes] == [
        date(2025, 12, 30),
        date(2025, 12, 31),
        date(2026, 1, 1),
    ]
    first, empty, deleted = result.scopes
    assert first.level == ACCOUNT
    assert first.keys == {"platform": "tiktok", "handle": "lea.glow"}
    assert first.metrics == {
        "views": 1591,
        "profile_views": 7,
        "likes": 10,
        "comments": 1,
        "shares": 0,
    }
    assert empty.metrics == {}  # "undefined" days: no data, not zeros
    assert deleted.metrics["comments"] == -1  # deleted comments: daily counts may go negative
    assert first.dates_inferred
    assert (result.period_start, result.period_end) == (date(2025, 12, 30), date(2026, 1, 1))
    assert "years were taken from the ZIP name" in result.warnings[0]


def test_overview_without_its_zip_name_is_dated_up_to_today_and_says_so(make_csv) -> None:
    rows = [OVERVIEW_ROWS[0], ["January 1", "5", "0", "0", "0", "0"]]
    result = parse_file(make_csv(rows), "Overview.csv")
    (day,) = result.scopes
    assert day.period_start <= date.today()
    assert day.keys == {"platform": "tiktok"}
    assert "assuming the export ends no later than today" in result.warnings[0]


def test_overview_xlsx_with_inline_string_cells(make_inline_xlsx) -> None:
    rows = [
        OVERVIEW_ROWS[0],
        ["2026-03-01", "1591", "7", "10", "1", "0"],
        ["2026-03-02", "12", "0", "1", "0", "0"],
    ]
    result = parse_file(make_inline_xlsx(rows, cell_type="str"), "Overview.xlsx")
    assert [s.metrics["views"] for s in result.scopes] == [1591, 12]
    assert not result.scopes[0].dates_inferred
    assert result.warnings == []


def test_forcing_tiktok_studio_on_another_file_names_the_missing_column(sample) -> None:
    with pytest.raises(
        ImportRefused, match="not a TikTok Studio export .*: it has no “Video link”"
    ):
        parse_file(sample("ga4_utm.csv"), "ga4.csv", format="tiktok_studio")
