"""The Tracker CSV's bulk path: parts read as columns, and the preview's first pass kept.

A part holding only post links, capture days and counts, every cell valid, is parsed as
columns (`PostColumns`) and its rows of known posts are written as `SnapshotColumns`;
anything else keeps the row-by-row path. The preview's first pass over the file
(`generic.Survey`) is stored with the upload and the commit reuses it. `commit.CHUNK` is
made tiny so a few rows span several parts; every expected figure is read off the rows by
hand.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest
from sqlmodel import select, update

from tracker import analytics
from tracker.importers import commit as commit_module
from tracker.importers import generic
from tracker.importers.commit import commit_import, prepare
from tracker.importers.errors import RowError
from tracker.importers.matching import Options
from tracker.importers.model import PostRecord
from tracker.importers.registry import open_stream
from tracker.importers.urls import normalise_post_url
from tracker.models import ImportBatch, ImportFile, Post, Snapshot, SnapshotCurrent
from tracker.results import rollups

from .conftest import build_csv
from .test_service import build_story

LINK_A = "https://www.tiktok.com/@lea.glow/video/7600000000000000001"  # Léa's, in the campaign
LINK_B = "https://www.tiktok.com/@lea.glow/video/7600000000000000002"  # Léa's, new
LINK_C = "https://www.instagram.com/p/DAbc123xyz/"  # Noah's, in the campaign
LINK_S = "https://www.tiktok.com/@stranger/video/7600000000000000009"  # nobody's handle
KEY_A = "https://tiktok.com/@lea.glow/video/7600000000000000001"
KEY_B = "https://tiktok.com/@lea.glow/video/7600000000000000002"
KEY_C = "https://instagram.com/p/DAbc123xyz"
KEY_S = "https://tiktok.com/@stranger/video/7600000000000000009"

HEADER = ["post_url", "captured_on", "views", "likes"]
CLEAN = [  # lines 2 … 8; parts of 3 rows: lines 2-4, 5-7, 8
    [LINK_A, "2026-03-10", "100", "5"],
    [LINK_C, "2026-03-10", "40", "2"],
    [LINK_A, "2026-03-11", "150", "9"],
    [LINK_C, "2026-03-11", "55", "3"],
    [LINK_A, "2026-03-12", "210", "12"],
    [LINK_C, "2026-03-12", "70", ""],  # no likes: Noah's current likes stay 3
    [LINK_A, "2026-03-13", "260", "15"],
]
CLEAN_SNAPSHOTS = {
    (KEY_A, "2026-03-10"): (100, 5),
    (KEY_C, "2026-03-10"): (40, 2),
    (KEY_A, "2026-03-11"): (150, 9),
    (KEY_C, "2026-03-11"): (55, 3),
    (KEY_A, "2026-03-12"): (210, 12),
    (KEY_C, "2026-03-12"): (70, None),
    (KEY_A, "2026-03-13"): (260, 15),
}


@pytest.fixture
def story(factory):
    story = build_story(factory)
    # Two posts of another campaign first, so no post id equals a participation id here.
    elsewhere = factory.participation(factory.campaign())
    factory.post(elsewhere)
    factory.post(elsewhere)
    story.post_a = factory.post(story.lea, url=LINK_A, url_key=normalise_post_url(LINK_A))
    story.post_c = factory.post(story.noah, url=LINK_C, url_key=normalise_post_url(LINK_C))
    return story


@pytest.fixture
def writes(monkeypatch) -> list[tuple[str, int]]:
    """Each snapshot write of a commit: what it was handed (columns or a list) and its rows."""
    real = commit_module.write_snapshots
    seen: list[tuple[str, int]] = []

    def recording(db, inputs, import_id=None, **options):
        seen.append((type(inputs).__name__, len(inputs)))
        return real(db, inputs, import_id=import_id, **options)

    monkeypatch.setattr(commit_module, "write_snapshots", recording)
    return seen


def parts_of(monkeypatch, rows: int) -> None:
    monkeypatch.setattr(commit_module, "CHUNK", rows)


def stored(session, campaign, data: bytes, **options) -> ImportBatch:
    batch = prepare(
        session, campaign=campaign, filename="bulk.csv", data=data, options=Options(**options)
    )
    session.commit()
    return batch


def committed(session, batch: ImportBatch) -> dict[str, int]:
    counts = commit_import(session, batch.id)
    session.commit()
    return counts


def series(session, campaign) -> list[tuple[str, int | None, int | None]]:
    """(day, views, likes) of the campaign's daily as-of totals, March 10 to 13."""
    found = analytics.daily_series(
        session, campaign, metrics=["views", "likes"], until=date(2026, 3, 13), events=False
    )
    days = [(day.isoformat(), views) for day, views in found["views"]][-4:]
    likes = [value for _day, value in found["likes"]][-4:]
    return [(day, views, like) for (day, views), like in zip(days, likes, strict=True)]


# The dashboard's daily totals of CLEAN: A's and C's latest values summed on each day.
CLEAN_SERIES = [
    ("2026-03-10", 140, 7),  # 100 + 40, 5 + 2
    ("2026-03-11", 205, 12),  # 150 + 55, 9 + 3
    ("2026-03-12", 280, 15),  # 210 + 70, 12 + 3 (C's likes of the 11th)
    ("2026-03-13", 330, 18),  # 260 + 70, 15 + 3
]


def snapshots(session, campaign) -> dict[tuple[str, str], tuple[int | None, int | None]]:
    """(post url_key, day) → (views, likes) of every post snapshot of the campaign."""
    session.expire_all()
    rows = session.exec(
        select(Snapshot, Post.url_key)
        .join(Post, Post.id == Snapshot.post_id)
        .where(Snapshot.campaign_id == campaign.id)
    ).all()
    return {(key, snap.captured_on.isoformat()): (snap.views, snap.likes) for snap, key in rows}


def current(session, campaign) -> dict[str, tuple[int | None, int | None, str]]:
    """Post url_key → (views, likes, last capture day) as the dashboard's rollup holds them."""
    session.expire_all()
    rows = session.exec(
        select(SnapshotCurrent, Post.url_key)
        .join(Post, Post.id == SnapshotCurrent.post_id)
        .where(SnapshotCurrent.campaign_id == campaign.id)
    ).all()
    return {key: (row.views, row.likes, row.last_captured_on.isoformat()) for row, key in rows}


def survey_of(session, batch: ImportBatch) -> dict | None:
    session.expire_all()
    text = session.exec(select(ImportFile.survey).where(ImportFile.import_id == batch.id)).one()
    return json.loads(text) if text else None


def no_first_pass(monkeypatch) -> None:
    """Make any first pass over a file fail the test (the stored one must serve)."""

    def refuse(self, sheet):
        raise AssertionError("the commit read the file a second time (Survey.feed)")

    monkeypatch.setattr(generic.Survey, "feed", refuse)


# ---------------------------------------------------------------------------- parsing


def parsed(rows, header=HEADER, chunk_rows: int = 3):
    stream = open_stream(build_csv([header, *rows]), "bulk.csv", chunk_rows=chunk_rows)
    return stream, list(stream.parts())


def test_a_clean_file_is_parsed_as_columns_part_by_part():
    stream, results = parsed(CLEAN)

    assert stream.format == "generic" and stream.rows == 7
    assert [r.records for r in results] == [[], [], []]
    assert [r.row_errors for r in results] == [[], [], []]
    assert [r.rows_read for r in results] == [3, 3, 1]
    second = results[1].columns
    assert second.url == [LINK_C, LINK_A, LINK_C]
    assert {url: link.url_key for url, link in second.links.items()} == {
        LINK_A: KEY_A,
        LINK_C: KEY_C,
    }
    assert second.captured_on == [date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 12)]
    assert second.metrics == {"views": [55, 210, 70], "likes": [3, 12, None]}
    assert second.source_row == [5, 6, 7]
    assert results[2].columns.source_row == [8]
    assert (stream.period_start, stream.period_end) == (date(2026, 3, 10), date(2026, 3, 13))


def test_a_column_the_format_does_not_know_is_noted_and_the_part_stays_columns():
    rows = [[*row, "note"] for row in CLEAN]
    _stream, results = parsed(rows, header=[*HEADER, "notes"])

    assert all(r.columns is not None and r.records == [] for r in results)
    assert [r.warnings for r in results] == [["Ignored columns: notes."], [], []]


@pytest.mark.parametrize(
    ("column", "position", "bad", "reason"),
    [
        ("views", 2, "12x", "unknown suffix “x” (expected K, M or B)"),
        ("captured_on", 1, "10/03/2026", "write the date as YYYY-MM-DD"),
        ("post_url", 0, "https://x.com/a/status/1", "not a TikTok, Instagram or YouTube link"),
    ],
)
def test_one_bad_cell_sends_its_part_row_by_row_with_the_error_at_its_line(
    column, position, bad, reason
):
    rows = [list(row) for row in CLEAN]
    rows[4][position] = bad  # line 6, in the second part (lines 5-7)

    _stream, results = parsed(rows)

    assert results[0].columns is not None and results[2].columns is not None
    second = results[1]
    assert second.columns is None
    assert second.row_errors == [RowError(6, column, bad, reason)]
    assert [(r.url_key, r.captured_on, r.metrics, r.source_row) for r in second.records] == [
        (KEY_C, date(2026, 3, 11), {"views": 55, "likes": 3}, 5),
        (KEY_C, date(2026, 3, 12), {"views": 70}, 7),
    ]
    assert second.rows_read == 3


def test_a_title_column_keeps_every_part_row_by_row():
    rows = [[*row, f"Video {i}"] for i, row in enumerate(CLEAN, start=2)]

    _stream, results = parsed(rows, header=[*HEADER, "title"])

    assert [r.columns for r in results] == [None, None, None]
    records = [record for r in results for record in r.records]
    assert all(type(r) is PostRecord for r in records)
    assert [(r.title, r.source_row) for r in records] == [(f"Video {i}", i) for i in range(2, 9)]
    assert records[5].metrics == {"views": 70}  # line 7: likes empty


# ---------------------------------------------------------------------------- committing


def test_a_clean_file_of_known_posts_writes_each_day_and_the_latest_values(
    session, story, monkeypatch, writes
):
    parts_of(monkeypatch, 3)
    monkeypatch.setattr(rollups, "MERGE_ROWS", 3)  # each part rolled apart, stored once
    batch = stored(session, story.campaign, build_csv([HEADER, *CLEAN]))
    preview = json.loads(batch.summary)

    counts = committed(session, batch)

    assert writes == [("SnapshotColumns", 3), ("SnapshotColumns", 3), ("SnapshotColumns", 1)]
    assert snapshots(session, story.campaign) == CLEAN_SNAPSHOTS
    assert (counts["snapshots_created"], counts["snapshots_updated"]) == (7, 0)
    assert counts["posts_created"] == 0 and counts["rejected"] == 0
    assert preview["counts"] == counts
    assert preview["rows_read"] == 7 and preview["period"] == ["2026-03-10", "2026-03-13"]
    # The latest carried value per metric: Noah's likes are line 5's, his views line 7's.
    assert current(session, story.campaign) == {
        KEY_A: (260, 15, "2026-03-13"),
        KEY_C: (70, 3, "2026-03-12"),
    }
    summary = analytics.campaign_summary(session, story.campaign, today=date(2026, 3, 20))
    assert (summary.totals["views"], summary.totals["likes"]) == (330, 18)
    on_11th = analytics.campaign_summary(
        session, story.campaign, today=date(2026, 3, 20), as_of=date(2026, 3, 11)
    )
    assert (on_11th.totals["views"], on_11th.totals["likes"]) == (205, 12)
    assert series(session, story.campaign) == CLEAN_SERIES


def test_the_same_clean_file_again_changes_nothing(session, story, monkeypatch, writes):
    parts_of(monkeypatch, 3)
    data = build_csv([HEADER, *CLEAN])
    first = stored(session, story.campaign, data)
    committed(session, first)
    before = current(session, story.campaign)

    again = stored(session, story.campaign, data)
    preview = json.loads(again.summary)
    counts = committed(session, again)

    assert (counts["snapshots_created"], counts["snapshots_updated"]) == (0, 0)
    assert counts["snapshots_unchanged"] == 7 and counts["posts_created"] == 0
    assert preview["counts"] == counts and preview["same_file"]["id"] == first.id
    assert snapshots(session, story.campaign) == CLEAN_SNAPSHOTS
    assert current(session, story.campaign) == before
    assert series(session, story.campaign) == CLEAN_SERIES
    assert writes[-3:] == [("SnapshotColumns", 3), ("SnapshotColumns", 3), ("SnapshotColumns", 1)]


def test_a_file_listing_the_days_newest_first_still_ends_on_the_latest_day(
    session, story, monkeypatch
):
    parts_of(monkeypatch, 3)
    monkeypatch.setattr(rollups, "MERGE_ROWS", 3)  # a later part holds older days
    batch = stored(session, story.campaign, build_csv([HEADER, *reversed(CLEAN)]))

    counts = committed(session, batch)

    assert counts["snapshots_created"] == 7
    assert snapshots(session, story.campaign) == CLEAN_SNAPSHOTS
    assert current(session, story.campaign) == {
        KEY_A: (260, 15, "2026-03-13"),
        KEY_C: (70, 3, "2026-03-12"),
    }
    summary = analytics.campaign_summary(session, story.campaign, today=date(2026, 3, 20))
    assert (summary.totals["views"], summary.totals["likes"]) == (330, 18)
    assert series(session, story.campaign) == CLEAN_SERIES


def test_a_file_updating_stored_days_writes_the_new_values(session, story, factory, monkeypatch):
    factory.snapshot(
        campaign=story.campaign,
        post=story.post_a,
        captured_on=date(2026, 3, 10),
        source="generic",
        views=90,
        likes=5,
    )
    parts_of(monkeypatch, 3)

    counts = committed(session, stored(session, story.campaign, build_csv([HEADER, *CLEAN])))

    assert (counts["snapshots_created"], counts["snapshots_updated"]) == (6, 1)
    assert counts["snapshots_unchanged"] == 0
    assert snapshots(session, story.campaign) == CLEAN_SNAPSHOTS
    assert current(session, story.campaign)[KEY_A] == (260, 15, "2026-03-13")
    assert series(session, story.campaign) == CLEAN_SERIES


MIXED = [  # lines 2 … 7; parts of 3 rows: lines 2-4, 5-7
    [LINK_A, "2026-03-10", "100", "5"],
    [LINK_B, "2026-03-10", "40", "1"],
    [LINK_S, "2026-03-10", "7", ""],
    [LINK_A, "2026-03-11", "150", "9"],
    [LINK_B, "2026-03-11", "90", "4"],
    [LINK_S, "2026-03-11", "9", "1"],
]


def test_known_new_and_mapped_links_in_one_file_are_all_imported(
    session, story, monkeypatch, writes
):
    parts_of(monkeypatch, 3)
    batch = stored(
        session,
        story.campaign,
        build_csv([HEADER, *MIXED]),
        mapping={"handle:tiktok:stranger": str(story.lea.id)},
    )
    preview = json.loads(batch.summary)

    counts = committed(session, batch)

    # Per part: post A's row as columns, then the row of new post B (Léa's handle is in the
    # campaign) as columns once the post exists, then the mapped stranger's row as a record.
    part = [("SnapshotColumns", 1), ("SnapshotColumns", 1), ("list", 1)]
    assert writes == part + part
    assert counts["posts_created"] == 2 and counts["snapshots_created"] == 6
    assert preview["counts"] == counts
    assert {(p["key"], p["include"]) for p in preview["new_posts"]} == {
        (KEY_B, True),
        (KEY_S, True),
    }
    assert snapshots(session, story.campaign) == {
        (KEY_A, "2026-03-10"): (100, 5),
        (KEY_A, "2026-03-11"): (150, 9),
        (KEY_B, "2026-03-10"): (40, 1),
        (KEY_B, "2026-03-11"): (90, 4),
        (KEY_S, "2026-03-10"): (7, None),
        (KEY_S, "2026-03-11"): (9, 1),
    }
    posts = session.exec(
        select(Post.url_key, Post.participation_id).where(
            Post.campaign_id == story.campaign.id, Post.url_key != KEY_A
        )
    )
    assert sorted(posts.all()) == [
        (KEY_C, story.noah.id),
        (KEY_B, story.lea.id),
        (KEY_S, story.lea.id),
    ]
    assert current(session, story.campaign)[KEY_S] == (9, 1, "2026-03-11")


@pytest.mark.parametrize("extra", [[], ["title"]], ids=["columns", "row_by_row"])
def test_an_unmapped_link_is_left_out_at_its_lines_on_either_path(
    session, story, monkeypatch, extra
):
    parts_of(monkeypatch, 3)
    rows = [[*row, *([""] * len(extra))] for row in MIXED]
    batch = stored(session, story.campaign, build_csv([[*HEADER, *extra], *rows]))
    preview = json.loads(batch.summary)

    counts = committed(session, batch)

    assert [(u["key"], u["rows"], u["count"]) for u in preview["unknowns"]] == [
        ("handle:tiktok:stranger", [4, 7], 2)
    ]
    assert preview["left_out"]["unmatched"]["count"] == 2
    assert [i["row"] for i in preview["left_out"]["unmatched"]["items"]] == [4, 7]
    assert counts["posts_created"] == 1 and counts["snapshots_created"] == 4
    assert counts["left_out"] == 2
    assert set(snapshots(session, story.campaign)) == {
        (KEY_A, "2026-03-10"),
        (KEY_A, "2026-03-11"),
        (KEY_B, "2026-03-10"),
        (KEY_B, "2026-03-11"),
    }


@pytest.mark.parametrize("extra", [[], ["title"]], ids=["columns", "row_by_row"])
def test_a_row_without_any_count_writes_no_snapshot_on_either_path(session, story, writes, extra):
    rows = [
        [LINK_A, "2026-03-10", "100", "5"],
        [LINK_A, "2026-03-11", "", ""],  # nothing read that day
        [LINK_C, "2026-03-11", "55", ""],
    ]
    rows = [[*row, *([""] * len(extra))] for row in rows]
    batch = stored(session, story.campaign, build_csv([[*HEADER, *extra], *rows]))
    preview = json.loads(batch.summary)

    counts = committed(session, batch)

    assert writes == [("SnapshotColumns" if not extra else "list", 2)]
    assert counts["snapshots_created"] == 2 and counts["rejected"] == 0
    assert preview["counts"] == counts
    assert snapshots(session, story.campaign) == {
        (KEY_A, "2026-03-10"): (100, 5),
        (KEY_C, "2026-03-11"): (55, None),
    }
    assert current(session, story.campaign) == {
        KEY_A: (100, 5, "2026-03-10"),
        KEY_C: (55, None, "2026-03-11"),
    }


# ---------------------------------------------------------------------------- the stored survey


def test_the_preview_keeps_its_first_pass_and_the_commit_reads_the_file_once(
    session, story, monkeypatch
):
    parts_of(monkeypatch, 3)
    batch = stored(session, story.campaign, build_csv([HEADER, *CLEAN]))

    kept = survey_of(session, batch)
    assert kept is not None
    assert kept["rows"] == 7 and kept["reads"] == [True]
    assert (kept["repeated"], kept["repeated_rows"]) == ([], 0)
    assert kept["python"] == [sys.implementation.name, *sys.version_info[:2], sys.hash_info.width]

    no_first_pass(monkeypatch)
    counts = committed(session, batch)

    assert counts["snapshots_created"] == 7
    assert snapshots(session, story.campaign) == CLEAN_SNAPSHOTS


def test_a_survey_kept_by_another_interpreter_is_not_used(session, story, monkeypatch):
    """hash() of integer tuples is not the same everywhere (PyPy, a 32-bit host): a survey
    kept there is ignored and the commit reads the file twice, correctly."""
    parts_of(monkeypatch, 3)
    batch = stored(session, story.campaign, build_csv([HEADER, *CLEAN]))
    kept = survey_of(session, batch)
    kept["python"] = ["pypy", 3, 11, 64]
    session.exec(
        update(ImportFile).where(ImportFile.import_id == batch.id).values(survey=json.dumps(kept))
    )
    session.commit()
    fed = []
    feed = generic.Survey.feed
    monkeypatch.setattr(
        generic.Survey, "feed", lambda self, sheet: fed.append(1) or feed(self, sheet)
    )

    counts = committed(session, batch)

    assert len(fed) == 3  # the file's three parts, read a first time again
    assert counts["snapshots_created"] == 7
    assert snapshots(session, story.campaign) == CLEAN_SNAPSHOTS


def test_a_file_with_participation_rows_keeps_no_survey_and_commits_all_the_same(
    session, story, monkeypatch
):
    parts_of(monkeypatch, 2)
    header = ["post_url", "handle", "platform", "captured_on", "views"]
    rows = [
        [LINK_A, "", "", "2026-03-10", "100"],
        ["", "lea.glow", "tiktok", "2026-03-10", "500"],
        [LINK_A, "", "", "2026-03-11", "150"],
    ]
    batch = stored(session, story.campaign, build_csv([header, *rows]))
    assert survey_of(session, batch) is None

    real = generic.Survey.feed
    fed = []
    monkeypatch.setattr(
        generic.Survey, "feed", lambda self, sheet: fed.append(sheet.part) or real(self, sheet)
    )
    counts = committed(session, batch)

    assert fed == [0, 1]  # the commit made its own first pass, over both parts
    assert counts["snapshots_created"] == 3
    assert snapshots(session, story.campaign) == {
        (KEY_A, "2026-03-10"): (100, None),
        (KEY_A, "2026-03-11"): (150, None),
    }
    lea = session.exec(
        select(Snapshot.views).where(
            Snapshot.participation_id == story.lea.id, Snapshot.post_id.is_(None)
        )
    ).all()
    assert lea == [500]


def test_a_post_identity_is_the_same_in_another_process():
    day = date(2026, 3, 1)
    here = generic.post_identity("tiktok.com/@a/video/1", day)
    code = (
        "from datetime import date; from tracker.importers.generic import post_identity; "
        "print(post_identity('tiktok.com/@a/video/1', date(2026, 3, 1)))"
    )
    elsewhere = []
    for seed in ("1", "4242"):
        done = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
        )
        elsewhere.append(int(done.stdout))
    assert elsewhere == [here, here]
    assert here != generic.post_identity("tiktok.com/@a/video/1", date(2026, 3, 2))


def test_a_key_repeated_across_parts_keeps_the_later_row_with_the_stored_survey(
    session, story, monkeypatch, writes
):
    parts_of(monkeypatch, 2)
    rows = [  # parts: lines 2-3, 4-5, 6
        [LINK_A, "2026-03-10", "100", "5"],
        [LINK_A, "2026-03-11", "150", "9"],
        [LINK_C, "2026-03-10", "40", "2"],
        [LINK_C, "2026-03-11", "55", "3"],
        [LINK_A, "2026-03-10", "130", "6"],  # line 2's post and day again, later figures
    ]
    batch = stored(session, story.campaign, build_csv([HEADER, *rows]))
    kept = survey_of(session, batch)
    assert kept["repeated"] == [generic.post_identity(KEY_A, date(2026, 3, 10))]
    assert kept["repeated_rows"] == 2 and kept["rows"] == 5

    no_first_pass(monkeypatch)
    counts = committed(session, batch)

    assert (counts["snapshots_created"], counts["snapshots_updated"]) == (4, 0)
    assert snapshots(session, story.campaign) == {
        (KEY_A, "2026-03-10"): (130, 6),
        (KEY_A, "2026-03-11"): (150, 9),
        (KEY_C, "2026-03-10"): (40, 2),
        (KEY_C, "2026-03-11"): (55, 3),
    }
    # Such a file goes row by row; the two rows of the repeated key are written last, once.
    assert writes == [("list", 1), ("list", 2), ("list", 2)]
    assert current(session, story.campaign) == {
        KEY_A: (150, 9, "2026-03-11"),
        KEY_C: (55, 3, "2026-03-11"),
    }


# ---------------------------------------------------------------------------- new posts as columns

LINK_D = "https://www.tiktok.com/@lea.glow/video/7600000000000000004"  # Léa's, new
KEY_D = "https://tiktok.com/@lea.glow/video/7600000000000000004"
FIRST_IMPORT = [  # lines 2 … 7, parts of 3 rows: a first load creating Léa's posts B and D
    [LINK_B, "2026-03-10", "40", "1"],
    [LINK_D, "2026-03-10", "10", ""],
    [LINK_B, "2026-03-11", "90", "4"],
    [LINK_D, "2026-03-11", "25", "2"],
    [LINK_B, "2026-03-12", "", ""],  # nothing carried: no snapshot
    [LINK_D, "2026-03-12", "60", "3"],
]


def test_a_first_load_creates_the_posts_and_writes_their_rows_as_columns(
    session, story, monkeypatch, writes
):
    parts_of(monkeypatch, 3)
    batch = stored(session, story.campaign, build_csv([HEADER, *FIRST_IMPORT]))
    preview = json.loads(batch.summary)

    counts = committed(session, batch)

    # Part 1 creates both posts; every snapshot goes as columns once its post exists.
    assert writes == [("SnapshotColumns", 3), ("SnapshotColumns", 2)]
    assert (counts["posts_created"], counts["snapshots_created"]) == (2, 5)
    assert preview["counts"] == counts
    assert [(p["key"], p["row"], p["include"]) for p in preview["new_posts"]] == [
        (KEY_B, 2, True),
        (KEY_D, 3, True),
    ]
    assert snapshots(session, story.campaign) == {
        (KEY_B, "2026-03-10"): (40, 1),
        (KEY_D, "2026-03-10"): (10, None),
        (KEY_B, "2026-03-11"): (90, 4),
        (KEY_D, "2026-03-11"): (25, 2),
        (KEY_D, "2026-03-12"): (60, 3),
    }
    new_posts = session.exec(
        select(Post.url_key, Post.participation_id).where(Post.url_key.in_([KEY_B, KEY_D]))
    ).all()
    assert sorted(new_posts) == [(KEY_B, story.lea.id), (KEY_D, story.lea.id)]
    assert current(session, story.campaign)[KEY_D] == (60, 3, "2026-03-12")

    again = committed(session, stored(session, story.campaign, build_csv([HEADER, *FIRST_IMPORT])))
    assert (again["posts_created"], again["snapshots_created"]) == (0, 0)
    assert (again["snapshots_updated"], again["snapshots_unchanged"]) == (0, 5)


def test_a_new_post_the_user_left_out_is_left_out_at_each_of_its_lines(
    session, story, monkeypatch, writes
):
    parts_of(monkeypatch, 3)
    batch = stored(
        session, story.campaign, build_csv([HEADER, *FIRST_IMPORT]), posts={KEY_D: False}
    )
    preview = json.loads(batch.summary)

    counts = committed(session, batch)

    assert preview["left_out"]["post_not_included"]["count"] == 3
    assert [i["row"] for i in preview["left_out"]["post_not_included"]["items"]] == [3, 5, 7]
    assert (counts["posts_created"], counts["snapshots_created"], counts["left_out"]) == (1, 2, 3)
    assert set(snapshots(session, story.campaign)) == {
        (KEY_B, "2026-03-10"),
        (KEY_B, "2026-03-11"),
    }


def test_a_new_posts_day_twice_in_a_part_is_one_snapshot_the_later_rows(
    session, story, monkeypatch
):
    parts_of(monkeypatch, 3)
    rows = [[LINK_B, "2026-03-10", "40", "1"], [LINK_B, "2026-03-10", "45", "2"]]
    batch = stored(session, story.campaign, build_csv([HEADER, *rows]))
    preview = json.loads(batch.summary)

    counts = committed(session, batch)

    assert preview["counts"]["snapshots_created"] == counts["snapshots_created"] == 1
    assert snapshots(session, story.campaign) == {(KEY_B, "2026-03-10"): (45, 2)}
