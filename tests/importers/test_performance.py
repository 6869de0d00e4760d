from __future__ import annotations

import io
import time

import pandas as pd
import pytest

from tracker.importers.registry import parse_file

ROWS = 50_000


def _tracker_csv() -> bytes:
    lines = ["post_url,captured_on,views,likes,comments,shares,revenue,revenue_currency"]
    lines += [
        f"https://www.tiktok.com/@c{i % 300}/video/{7616431466279434653 + i},2026-03-31,"
        f"{i * 7 % 999_983},{i % 5003},{i % 211},{i % 97},{i % 9973}.{i % 100:02d},EUR"
        for i in range(ROWS)
    ]
    return "\n".join(lines).encode()


@pytest.mark.slow
def test_parsing_many_rows_stays_within_a_small_multiple_of_read_csv() -> None:
    # PERF.md: goals are ratios to a reference measured in the same run.
    data = _tracker_csv()
    started = time.perf_counter()
    pd.read_csv(io.BytesIO(data), dtype=str)
    reference = time.perf_counter() - started
    started = time.perf_counter()
    result = parse_file(data, "tracker.csv")
    elapsed = time.perf_counter() - started
    assert len(result.posts) == ROWS and not result.row_errors
    # Measured at 8-13x on the 2-core machines; 30x leaves room for their noise
    # and still catches a per-row cost that grows with the file.
    assert elapsed < 30 * reference
