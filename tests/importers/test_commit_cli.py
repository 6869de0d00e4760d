"""`tracker import FILE --campaign ID`: preview, commit with a progress bar, refusals, summary."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from tracker.cli import cli
from tracker.importers import commit as commit_module
from tracker.models import ImportBatch, Post, Snapshot

from .conftest import DATA, build_csv
from .test_service import build_story


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def run(runner, *args):
    return runner.invoke(cli, ["import", *map(str, args)])


def test_import_commits_the_file_and_prints_a_summary(runner, factory, session):
    story = build_story(factory)
    result = run(
        runner,
        DATA / "tiktok_studio_content.csv",
        "--campaign",
        story.campaign.id,
        "--as-of",
        "2026-03-20",
    )

    assert result.exit_code == 0, result.output
    out = result.output
    assert "Importing" in out  # the progress bar's label
    assert "Import #1 of tiktok_studio_content.csv committed." in out
    assert "created           16   (8 posts, 8 snapshots, 0 conversions, 0 cost lines)" in out
    assert "left out           5" in out
    assert "row 7: A post published on 2025-12-30, outside the campaign's dates." in out
    assert count(session, Post) == 8 and count(session, Snapshot) == 8

    again = run(runner, DATA / "tiktok_studio_content.csv", "--campaign", story.campaign.id)
    assert again.exit_code == 0, again.output
    assert "created            0" in again.output
    assert "unchanged          8   (8 snapshots" in again.output
    assert count(session, Snapshot) == 8


def test_dry_run_shows_what_would_happen_and_writes_nothing(runner, factory, session):
    story = build_story(factory)
    result = run(runner, DATA / "shopify_orders.csv", "--campaign", story.campaign.id, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "Dry run of shopify_orders.csv: nothing was written." in result.output
    assert "created            7   would be (0 posts, 0 snapshots, 7 conversions" in result.output
    assert "promo:TIKTOK20  (1 rows: 15)" in result.output
    assert "row 6: Order #1287 has no discount code, so it cannot be attributed." in result.output
    assert count(session, ImportBatch) == 0


def test_rejected_rows_are_listed_with_row_column_and_reason(runner, factory, session, tmp_path):
    story = build_story(factory)
    path = tmp_path / "figures.csv"
    path.write_bytes(
        build_csv(
            [
                ["post_url", "captured_on", "views"],
                [
                    "https://www.tiktok.com/@lea.glow/video/7616431466279434653",
                    "2026-03-20",
                    "1200",
                ],
                ["https://www.tiktok.com/@lea.glow/video/7614845590286905727", "20/03/2026", "900"],
                [
                    "https://www.tiktok.com/@lea.glow/video/7619395248772815569",
                    "2026-03-20",
                    "lots",
                ],
            ]
        )
    )
    result = run(runner, path, "--campaign", story.campaign.id)

    assert result.exit_code == 0, result.output
    assert "rejected           2" in result.output
    assert (
        "row 3, column “captured_on”: write the date as YYYY-MM-DD (found “20/03/2026”)"
        in result.output
    )
    assert "row 4, column “views”:" in result.output
    assert count(session, Post) == 1


def test_unknown_rows_are_listed_and_mapped_with_map(runner, factory, session):
    story = build_story(factory, lea_handle="lea.officiel")
    listed = run(
        runner, DATA / "tiktok_studio_content.csv", "--campaign", story.campaign.id, "--dry-run"
    )
    assert "handle:tiktok:lea.glow  (13 rows: 2, 3, 4" in listed.output

    mapped = run(
        runner,
        DATA / "tiktok_studio_content.csv",
        "--campaign", story.campaign.id,
        "--map", f"handle:tiktok:lea.glow={story.lea.id}",
    )  # fmt: skip
    assert mapped.exit_code == 0, mapped.output
    assert count(session, Post) == 8


def test_an_ambiguous_file_names_the_formats_to_choose_from(runner, factory, session, tmp_path):
    story = build_story(factory)
    link = "https://www.tiktok.com/@lea.glow/video/7616431466279434653"
    path = tmp_path / "both.csv"
    path.write_bytes(
        build_csv(
            [
                ["post_url", "captured_on", "Video link", "Total views"],
                [link, "2026-03-20", link, "5"],
            ]
        )
    )

    result = run(runner, path, "--campaign", story.campaign.id)
    assert result.exit_code != 0
    assert (
        "fits several formats: run again with --format tiktok_studio or --format generic."
        in result.output
    )
    assert count(session, ImportBatch) == 0

    chosen = run(runner, path, "--campaign", story.campaign.id, "--format", "generic")
    assert chosen.exit_code == 0, chosen.output
    # Read as the tracker's CSV, the row is a post with no metric column it knows.
    assert "Note: Ignored columns: Video link, Total views." in chosen.output
    assert count(session, Post) == 1 and count(session, Snapshot) == 0


def test_files_that_are_not_exports_are_refused_without_a_traceback(
    runner, factory, session, tmp_path
):
    story = build_story(factory)
    cases = {
        "photo.csv": (
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "This looks like a PNG image, not a CSV or XLSX export.",
        ),
        "empty.csv": (b"", "This file is empty."),
        "bomb.csv": (b"a," * (600 * 1024), "Line 1 is longer than 1 MB"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = run(runner, path, "--campaign", story.campaign.id)
        assert result.exit_code == 1, result.output
        assert f"Error: {name} was refused: {message}" in result.output
        assert "Traceback" not in result.output

    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # a sparse 2 GB file: refused by its size, never read
    result = run(runner, huge, "--campaign", story.campaign.id)
    assert result.exit_code == 1
    assert "huge.csv was refused: The file is 2,048 MB; the limit is 200 MB." in result.output
    assert count(session, ImportBatch) == 0


def test_an_unknown_campaign_is_an_error(runner, tmp_path):
    result = run(runner, DATA / "ga4_utm.csv", "--campaign", 999)
    assert result.exit_code == 1 and "No campaign with id 999." in result.output


def test_a_failure_while_writing_leaves_nothing_behind(runner, factory, session, monkeypatch):
    story = build_story(factory)

    def failing(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(commit_module, "write_snapshots", failing)
    result = run(runner, DATA / "tiktok_studio_content.csv", "--campaign", story.campaign.id)

    assert result.exit_code == 1
    assert (
        "The import failed and nothing was written (RuntimeError: the disk is full)."
        in result.output
    )
    assert count(session, Post) == 0 and count(session, ImportBatch) == 0
