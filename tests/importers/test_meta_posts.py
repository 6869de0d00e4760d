from __future__ import annotations

from datetime import datetime

from tracker.importers.registry import parse_file

HEADER = [
    "Post ID", "Account ID", "Account username", "Account name", "Description",
    "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment", "Date",
    "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves",
]  # fmt: skip
REEL = ["18011234567890123", "17841400000000000", "noah", "Noah", "Chair test\n#ad #noah10", "44",
        "03/14/2026 08:31", "https://www.instagram.com/reel/C4xYz_12-Ab/", "IG reel", "",
        "Lifetime", "12,400", "9100", "610", "88", "41", "57", "230"]  # fmt: skip
IMAGE = ["18022222222222222", "17841400000000000", "noah", "Noah", "Duo", "",
         "03/10/2026 19:02", "https://www.instagram.com/p/C5abc/", "IG image", "", "Lifetime",
         "", "4100", "320", "12", "3", "18", "40"]  # fmt: skip


def test_instagram_post_export_hand_checked(make_csv) -> None:
    result = parse_file(make_csv([HEADER, REEL, IMAGE]), "posts.csv")
    assert result.format == "meta_posts"
    assert result.row_errors == []
    reel, image = result.posts
    assert reel.platform == "instagram"
    assert reel.url_key == "https://instagram.com/p/C4xYz_12-Ab"
    assert reel.handle == "noah"
    assert reel.external_id == "18011234567890123"  # a Graph id, kept as text
    assert reel.title == "Chair test\n#ad #noah10"
    assert reel.posted_at == datetime(2026, 3, 14, 8, 31)  # MM/DD, told apart by the 14
    assert reel.captured_on is None  # "Lifetime": the totals as of the import
    assert reel.metrics == {
        "views": 12400,
        "reach": 9100,
        "likes": 610,
        "shares": 88,
        "followers_gained": 41,
        "comments": 57,
        "saves": 230,
    }
    assert "views" not in image.metrics  # an empty cell is no value
    assert reel.source_row == 2 and image.source_row == 4  # the caption spans two lines


def test_metric_columns_are_found_by_name_in_any_order(make_csv) -> None:
    order = [0, 2, 6, 7, 11, 13, 14, 16, 17, 12, 15]
    header = [HEADER[i] for i in order]
    result = parse_file(make_csv([header, [REEL[i] for i in order]]), "posts.csv")
    assert result.posts[0].metrics["saves"] == 230
    assert result.posts[0].metrics["reach"] == 9100


def test_ambiguous_publish_times_follow_the_header_language(make_csv) -> None:
    english = [HEADER, [*REEL[:6], "03/04/2026 08:31", *REEL[7:]]]
    result = parse_file(make_csv(english), "posts.csv")
    assert result.posts[0].posted_at == datetime(2026, 3, 4, 8, 31)
    assert "Publish times were read as month/day" in result.warnings[0]

    portuguese = [
        [
            "Post ID",
            "Nome de usuário da conta",
            "Horário de publicação",
            "Link permanente",
            "Visualizações",
            "Curtidas",
        ],
        [
            "18011234567890123",
            "noah",
            "03/04/2026 08:31",
            "https://www.instagram.com/reel/C4xYz_12-Ab/",
            "1.204",
            "12",
        ],
    ]
    result = parse_file(make_csv(portuguese), "posts.csv")
    assert result.posts[0].posted_at == datetime(2026, 4, 3, 8, 31)
    assert result.posts[0].metrics == {"views": 1204, "likes": 12}


def test_facebook_rows_are_left_out_with_a_warning(make_csv) -> None:
    facebook = [*REEL[:7], "https://www.facebook.com/reel/123", "FB reel", *REEL[9:]]
    result = parse_file(make_csv([HEADER, REEL, facebook]), "posts.csv")
    assert len(result.posts) == 1
    assert result.warnings == [
        "Left out 1 Facebook post(s): the tracker follows TikTok, Instagram and YouTube."
    ]


def test_a_bad_permalink_is_a_row_error(make_csv) -> None:
    bad = [*REEL[:7], "not a link", *REEL[8:]]
    result = parse_file(make_csv([HEADER, bad]), "posts.csv")
    assert result.posts == []
    assert [(e.row, e.column, e.reason) for e in result.row_errors] == [
        (2, "Permalink", "not an Instagram post link")
    ]
