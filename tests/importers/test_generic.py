from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from tracker.importers.model import CAMPAIGN, PARTICIPATION
from tracker.importers.registry import parse_file

HEADER = ["post_url", "handle", "platform", "scope", "captured_on", "views", "likes", "saves",
          "link_clicks", "revenue", "revenue_currency", "hashtag_uses", "is_paid", "posted_at"]  # fmt: skip


def test_posts_participations_and_campaign_rows(make_csv) -> None:
    rows = [
        HEADER,
        ["https://www.instagram.com/reel/C4xYz_12-Ab/?igsh=x", "", "", "", "2026-03-31", "12400",
         "610", "230", "", "", "", "", "false", "2026-03-14T08:31:00+01:00"],
        ["", "@Lea.Glow", "tiktok", "", "2026-03-31", "", "", "", "412", "1250.50", "eur", "", "", ""],
        ["", "", "", "campaign", "2026-03-31", "", "", "", "", "", "", "87", "", ""],
    ]  # fmt: skip
    result = parse_file(make_csv(rows), "tracker.csv")
    assert result.format == "generic"
    assert result.row_errors == []
    (post,) = result.posts
    assert post.platform == "instagram"
    assert post.url_key == "https://instagram.com/p/C4xYz_12-Ab"
    assert post.captured_on == date(2026, 3, 31)
    assert post.metrics == {"views": 12400, "likes": 610, "saves": 230}
    assert post.is_paid is False
    assert post.posted_at == datetime.fromisoformat("2026-03-14T08:31:00+01:00")
    participation, campaign = result.scopes
    assert participation.level == PARTICIPATION
    assert participation.keys == {"platform": "tiktok", "handle": "lea.glow"}
    assert participation.metrics == {"link_clicks": 412, "revenue": Decimal("1250.50")}
    assert participation.currency == "EUR"
    assert campaign.level == CAMPAIGN
    assert campaign.metrics == {"hashtag_uses": 87}
    assert result.revenue_currency == "EUR"
    assert (result.period_start, result.period_end) == (date(2026, 3, 31), date(2026, 3, 31))


def test_semicolons_and_decimal_commas_from_french_excel(make_csv) -> None:
    rows = [
        ["handle", "platform", "captured_on", "revenue", "revenue_currency", "views"],
        ["noah", "instagram", "2026-03-31", "1 250,50", "EUR", "12\u00a0400"],
    ]
    result = parse_file(make_csv(rows, delimiter=";", encoding="cp1252"), "saisie.csv")
    (scope,) = result.scopes
    assert scope.metrics == {"revenue": Decimal("1250.50"), "views": 12400}


def test_every_bad_cell_is_reported_with_row_column_and_reason(make_csv) -> None:
    rows = [
        [
            "post_url",
            "handle",
            "platform",
            "captured_on",
            "views",
            "revenue",
            "revenue_currency",
            "notes",
        ],
        [
            "https://www.tiktok.com/@lea.glow/video/1",
            "",
            "instagram",
            "2026-03-31",
            "5",
            "",
            "",
            "x",
        ],
        ["https://example.com/post", "", "", "31/03/2026", "-5", "", "", ""],
        ["", "noah", "", "2026-03-31", "5", "10", "", ""],
        ["", "", "", "", "", "", "", ""],
    ]
    result = parse_file(make_csv(rows), "tracker.csv")
    assert result.records == []
    assert [(e.row, e.column, e.reason) for e in result.row_errors] == [
        (2, "platform", "the post_url is a tiktok link"),
        (3, "captured_on", "write the date as YYYY-MM-DD"),
        (3, "views", "a count cannot be negative"),
        (3, "post_url", "not a TikTok, Instagram or YouTube link"),
        (4, "revenue", "revenue needs a revenue_currency such as EUR"),
        (4, "post_url", "each row needs a post_url, a handle with its platform, or scope=campaign"),
    ]
    assert result.warnings == ["Ignored columns: notes."]


def test_a_campaign_row_must_not_name_a_post(make_csv) -> None:
    rows = [["post_url", "scope", "captured_on", "hashtag_uses"],
            ["https://www.tiktok.com/@lea.glow/video/1", "campaign", "2026-03-31", "3"]]  # fmt: skip
    result = parse_file(make_csv(rows), "tracker.csv")
    assert [(e.column, e.reason) for e in result.row_errors] == [
        ("scope", "a campaign row must leave post_url and handle empty")
    ]
