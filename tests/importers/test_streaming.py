"""Large files are read, previewed and committed in parts, with the results of one part.

`commit.CHUNK` (rows per part) is made tiny here so an 8-row file is 3 parts. Every figure
below is read off the file by hand: the part size must never change what is written, nor
the created / updated / unchanged counts, and the whole import stays one transaction.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from tracker.importers import commit as commit_module
from tracker.importers import matching as matching_module
from tracker.importers.commit import commit_import, mark_failed, prepare
from tracker.importers.matching import HeldBack, Options
from tracker.importers.urls import normalise_post_url
from tracker.models import ImportBatch, ImportFile, Post, Snapshot

from .conftest import build_csv, build_zip
from .test_service import build_story

LINK_A = "https://www.tiktok.com/@lea.glow/video/7600000000000000001"  # in the campaign
LINK_B = "https://www.tiktok.com/@lea.glow/video/7600000000000000002"  # new: the file adds it
HEADER = ["post_url", "handle", "platform", "scope", "captured_on", "views", "hashtag_uses"]
ROWS = [  # line 2 … line 9 of the file
    [LINK_A, "", "", "", "2026-03-10", "100", ""],
    [LINK_A, "", "", "", "2026-03-11", "150", ""],
    [LINK_B, "", "", "", "2026-03-10", "40", ""],
    ["", "lea.glow", "tiktok", "", "2026-03-10", "500", ""],
    ["", "", "", "campaign", "2026-03-10", "", "12"],
    [LINK_A, "", "", "", "2026-03-12", "210", ""],
    [LINK_B, "", "", "", "2026-03-11", "90", ""],
    [LINK_A + "?is_from_webapp=1", "", "", "", "2026-03-10", "120", ""],  # line 2's key again
]


@pytest.fixture
def story(factory):
    story = build_story(factory)
    story.post_a = factory.post(story.lea, url=LINK_A, url_key=normalise_post_url(LINK_A))
    return story


def parts_of(monkeypatch, rows: int) -> None:
    monkeypatch.setattr(commit_module, "CHUNK", rows)


def stored(session, campaign, data: bytes, name: str = "bulk.csv", **options) -> ImportBatch:
    batch = prepare(
        session, campaign=campaign, filename=name, data=data, options=Options(**options)
    )
    session.commit()
    return batch


def snapshots(session, campaign) -> dict[tuple, tuple]:
    """(post url_key or None, participation?, day) → (views, hashtag_uses) of every snapshot."""
    session.expire_all()
    rows = session.exec(
        select(Snapshot, Post.url_key)
        .outerjoin(Post, Post.id == Snapshot.post_id)
        .where(Snapshot.campaign_id == campaign.id)
    ).all()
    return {
        (key, snap.participation_id is not None, snap.captured_on.isoformat()): (
            snap.views,
            snap.hashtag_uses,
        )
        for snap, key in rows
    }


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


KEY_A = "https://tiktok.com/@lea.glow/video/7600000000000000001"
KEY_B = "https://tiktok.com/@lea.glow/video/7600000000000000002"
EXPECTED = {
    (KEY_A, True, "2026-03-10"): (120, None),  # line 9 wins over line 2
    (KEY_A, True, "2026-03-11"): (150, None),
    (KEY_A, True, "2026-03-12"): (210, None),
    (KEY_B, True, "2026-03-10"): (40, None),
    (KEY_B, True, "2026-03-11"): (90, None),
    (None, True, "2026-03-10"): (500, None),  # lea's participation-level row
    (None, False, "2026-03-10"): (None, 12),  # the campaign-level row
}


@pytest.mark.parametrize("part_rows", [1, 3, 50_000])
def test_a_file_committed_in_parts_writes_the_same_rows_as_in_one_part(
    session, story, monkeypatch, part_rows
):
    parts_of(monkeypatch, part_rows)
    batch = stored(session, story.campaign, build_csv([HEADER, *ROWS]))
    preview = json.loads(batch.summary)

    counts = commit_import(session, batch.id)
    session.commit()

    assert snapshots(session, story.campaign) == EXPECTED
    assert counts["posts_created"] == 1 and counts["snapshots_created"] == 7
    assert (counts["snapshots_updated"], counts["snapshots_unchanged"]) == (0, 0)
    assert preview["counts"] == counts  # the preview, in parts too, said the same
    assert preview["rows_read"] == 8 and preview["period"] == ["2026-03-10", "2026-03-12"]


@pytest.mark.parametrize(
    ("first", "later", "updated", "unchanged", "kept"),
    [
        ("100", "130", 1, 0, 130),  # stored 100; the file says 100 then 130: one update
        ("130", "100", 0, 1, 100),  # the later row equals what is stored: nothing changes
    ],
)
def test_a_key_repeated_in_a_later_part_is_counted_once_against_what_was_stored(
    session, story, factory, monkeypatch, first, later, updated, unchanged, kept
):
    factory.snapshot(
        campaign=story.campaign,
        post=story.post_a,
        captured_on=date(2026, 3, 10),
        source="generic",
        views=100,
    )
    parts_of(monkeypatch, 2)
    rows = [
        [LINK_A, "2026-03-10", first],
        [LINK_A, "2026-03-11", "7"],
        [LINK_A, "2026-03-12", "8"],
        [LINK_A, "2026-03-10", later],  # part 2: the same post and day as line 2
    ]
    batch = stored(
        session, story.campaign, build_csv([["post_url", "captured_on", "views"], *rows])
    )
    preview = json.loads(batch.summary)["counts"]

    counts = commit_import(session, batch.id)
    session.commit()

    assert (counts["snapshots_created"], counts["snapshots_updated"]) == (2, updated)
    assert counts["snapshots_unchanged"] == unchanged
    assert {k: preview[k] for k in counts} == counts
    assert snapshots(session, story.campaign)[(KEY_A, True, "2026-03-10")] == (kept, None)


def test_a_handle_mapped_to_a_participant_and_the_participants_own_handle_share_a_snapshot(
    session, story, monkeypatch
):
    parts_of(monkeypatch, 2)
    rows = [
        ["lea.old", "tiktok", "2026-03-10", "1"],  # an old handle, mapped to Léa below
        ["noah", "instagram", "2026-03-10", "5"],
        ["lea.glow", "tiktok", "2026-03-10", "2"],  # part 2: Léa's own handle, same day
    ]
    data = build_csv([["handle", "platform", "captured_on", "views"], *rows])
    batch = stored(
        session, story.campaign, data, mapping={"handle:tiktok:lea.old": str(story.lea.id)}
    )

    counts = commit_import(session, batch.id)
    session.commit()

    assert counts["snapshots_created"] == 2 and counts["snapshots_updated"] == 0
    lea = session.exec(select(Snapshot).where(Snapshot.participation_id == story.lea.id)).one()
    assert lea.views == 2  # the later row


def test_zip_members_are_parts_too_and_a_later_member_wins(session, story, monkeypatch):
    parts_of(monkeypatch, 50_000)
    header = ["post_url", "captured_on", "views"]
    data = build_zip(
        {
            "march-1.csv": build_csv(
                [header, [LINK_A, "2026-03-10", "10"], [LINK_B, "2026-03-10", "3"]]
            ),
            "march-2.csv": build_csv([header, [LINK_A, "2026-03-10", "11"]]),
        }
    )
    batch = stored(session, story.campaign, data, name="march.zip")

    counts = commit_import(session, batch.id)
    session.commit()

    assert (counts["snapshots_created"], counts["snapshots_updated"]) == (2, 0)
    assert snapshots(session, story.campaign) == {
        (KEY_A, True, "2026-03-10"): (11, None),
        (KEY_B, True, "2026-03-10"): (3, None),
    }


def test_the_decimal_separator_is_decided_over_the_whole_table_not_each_part(
    session, story, monkeypatch
):
    parts_of(monkeypatch, 1)
    header = ["post_url", "captured_on", "revenue", "revenue_currency"]
    rows = [
        [LINK_A, "2026-03-10", "1,234", "EUR"],  # alone, "1,234" would read 1234
        [LINK_A, "2026-03-11", "12,50", "EUR"],  # a later part shows the decimal comma
    ]
    batch = stored(session, story.campaign, build_csv([header, *rows], delimiter=";"))

    commit_import(session, batch.id)
    session.commit()

    session.expire_all()
    stored_rows = session.exec(select(Snapshot.captured_on, Snapshot.revenue)).all()
    revenue = {day: amount for day, amount in stored_rows}
    assert revenue == {date(2026, 3, 10): Decimal("1.234"), date(2026, 3, 11): Decimal("12.5")}


def test_an_error_in_a_late_part_leaves_nothing_written(session, story, monkeypatch):
    parts_of(monkeypatch, 3)
    batch = stored(session, story.campaign, build_csv([HEADER, *ROWS]))
    real = commit_module.write_snapshots
    calls = []

    def fail_on_the_third_part(db, inputs, import_id=None, **options):
        calls.append(len(inputs))
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        return real(db, inputs, import_id=import_id, **options)

    monkeypatch.setattr(commit_module, "write_snapshots", fail_on_the_third_part)
    with pytest.raises(RuntimeError, match="the disk is full"):
        commit_import(session, batch.id)
    session.rollback()
    mark_failed(session, batch.id, "the disk is full")
    session.commit()

    assert calls == [2, 3, 1]  # two parts were written (in the transaction) before the failure
    assert count(session, Snapshot) == 0 and count(session, Post) == 1  # post A, from before
    session.refresh(batch)
    assert batch.status == "failed" and count(session, ImportFile) == 1

    monkeypatch.setattr(commit_module, "write_snapshots", real)
    counts = commit_import(session, batch.id)  # the retry writes it all
    session.commit()
    assert counts["snapshots_created"] == 7 and snapshots(session, story.campaign) == EXPECTED


def test_each_write_and_each_progress_step_is_one_part(session, story, monkeypatch):
    parts_of(monkeypatch, 3)
    batch = stored(session, story.campaign, build_csv([HEADER, *ROWS]))
    real = commit_module.write_snapshots
    sizes: list[int] = []

    def recording(db, inputs, import_id=None, **options):
        sizes.append(len(inputs))
        return real(db, inputs, import_id=import_id, **options)

    monkeypatch.setattr(commit_module, "write_snapshots", recording)
    seen: list[tuple[int, int | None]] = []
    commit_import(session, batch.id, progress=lambda done, total=None: seen.append((done, total)))
    session.commit()

    # Parts of lines 2-4, 5-7, 8-9; line 2's key comes back on line 9, so both rows are held
    # back and written after the last part, in one write that keeps the later row's figures.
    assert sizes == [2, 3, 1, 2]
    assert seen == [(0, 8), (3, 8), (6, 8), (8, 8)]


def test_rejected_rows_are_counted_in_full_and_listed_by_row(session, story, monkeypatch):
    parts_of(monkeypatch, 2)
    rows = [[LINK_A, "2026-03-10", "1"]] + [[LINK_A, "10/03/2026", "2"]] * 5
    batch = stored(
        session, story.campaign, build_csv([["post_url", "captured_on", "views"], *rows])
    )

    summary = json.loads(batch.summary)

    assert summary["counts"]["rejected"] == 5
    assert [e["row"] for e in summary["rejected"]] == [3, 4, 5, 6, 7]
    assert {e["reason"] for e in summary["rejected"]} == {"write the date as YYYY-MM-DD"}


def test_the_same_export_twice_in_one_file_keeps_the_later_figures_bucket_by_bucket(
    session, story, monkeypatch
):
    parts_of(monkeypatch, 2)  # 10 rows held back: 5 buckets of identities
    monkeypatch.setattr(HeldBack, "BUFFER", 1)  # each held row goes to a temporary file
    opened = []
    real_file = matching_module.tempfile.TemporaryFile
    monkeypatch.setattr(
        matching_module.tempfile,
        "TemporaryFile",
        lambda **kw: opened.append(kw) or real_file(**kw),
    )
    header = ["post_url", "handle", "platform", "scope", "captured_on", "views", "hashtag_uses"]
    morning = [
        [LINK_A, "", "", "", "2026-03-10", "100", ""],
        [LINK_A, "", "", "", "2026-03-11", "150", ""],
        [LINK_B, "", "", "", "2026-03-10", "40", ""],
        ["", "lea.glow", "tiktok", "", "2026-03-10", "500", ""],
        ["", "", "", "campaign", "2026-03-10", "", "12"],
    ]
    evening = [
        [LINK_A, "", "", "", "2026-03-10", "130", ""],
        [LINK_A, "", "", "", "2026-03-11", "150", ""],
        [LINK_B, "", "", "", "2026-03-10", "44", ""],
        ["", "lea.glow", "tiktok", "", "2026-03-10", "510", ""],
        ["", "", "", "campaign", "2026-03-10", "", "13"],
    ]
    batch = stored(session, story.campaign, build_csv([header, *morning, *evening]))
    preview = json.loads(batch.summary)["counts"]

    counts = commit_import(session, batch.id)
    session.commit()

    assert opened  # the held rows went through temporary files
    assert snapshots(session, story.campaign) == {
        (KEY_A, True, "2026-03-10"): (130, None),
        (KEY_A, True, "2026-03-11"): (150, None),
        (KEY_B, True, "2026-03-10"): (44, None),
        (None, True, "2026-03-10"): (510, None),
        (None, False, "2026-03-10"): (None, 13),
    }
    assert (counts["snapshots_created"], counts["snapshots_updated"]) == (5, 0)
    assert counts["snapshots_unchanged"] == 0 and counts["posts_created"] == 1
    assert {k: preview[k] for k in counts} == counts


def test_the_stored_file_is_read_back_in_slices_that_join_exactly(session, story, monkeypatch):
    monkeypatch.setattr(commit_module, "SLICE", 7)  # ~80 slices of 7 bytes, lines cut anywhere
    data = build_csv([HEADER, *ROWS])
    batch = stored(session, story.campaign, data)

    assert commit_module._content(session, batch.id) == data
    counts = commit_import(session, batch.id)
    session.commit()
    assert counts["snapshots_created"] == 7 and snapshots(session, story.campaign) == EXPECTED


def test_parts_inserted_in_the_background_write_exactly_what_the_file_says(
    session, story, monkeypatch
):
    from tracker.results import service

    parts_of(monkeypatch, 3)
    monkeypatch.setattr(service, "BULK_FROM_ROWS", 1)  # every part's insert runs in its thread
    batch = stored(session, story.campaign, build_csv([HEADER, *ROWS]))

    counts = commit_import(session, batch.id)
    session.commit()

    assert counts["snapshots_created"] == 7 and snapshots(session, story.campaign) == EXPECTED


def test_an_insert_that_fails_in_the_background_fails_the_import_and_writes_nothing(
    session, story, monkeypatch
):
    import time

    from tracker.results import service

    parts_of(monkeypatch, 3)
    monkeypatch.setattr(service, "BULK_FROM_ROWS", 1)
    batch = stored(session, story.campaign, build_csv([HEADER, *ROWS]))
    real = {"sqlite": service._executemany_rows, "postgresql": service._copy_rows}
    inserts = []

    def slow_then_failing(connection, columns):
        inserts.append(len(columns["campaign_id"]))
        send = real[connection.dialect.name](connection, columns)
        if len(inserts) != 2:
            return send

        def fail() -> None:
            time.sleep(0.2)  # the next part is read meanwhile
            raise RuntimeError("the server went away")

        return fail

    monkeypatch.setattr(service, "_executemany_rows", slow_then_failing)
    monkeypatch.setattr(service, "_copy_rows", slow_then_failing)
    with pytest.raises(RuntimeError, match="the server went away"):
        commit_import(session, batch.id)
    session.rollback()

    assert inserts == [2, 3]  # the failure stopped the import at the next part
    assert count(session, Snapshot) == 0 and count(session, Post) == 1  # post A, from before
