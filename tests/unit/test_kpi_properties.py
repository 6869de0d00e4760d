"""Properties of pooling and as-of totals that must hold for any data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tracker import kpi
from tracker.kpi import Snapshot

KEYS = ("views", "likes", "saves", "link_clicks", "revenue")

counts = st.one_of(st.none(), st.integers(min_value=0, max_value=10**9))
money = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
)


@st.composite
def rows(draw):
    row = {}
    for key in KEYS:
        if draw(st.booleans()):  # the key may be absent altogether
            row[key] = draw(money if key == "revenue" else counts)
    return row


row_lists = st.lists(rows(), max_size=12)


@given(row_lists, st.data())
def test_pooled_totals_never_double_count_over_any_partition(all_rows, data):
    labels = data.draw(st.lists(st.integers(0, 3), min_size=len(all_rows), max_size=len(all_rows)))
    groups = [[r for r, g in zip(all_rows, labels, strict=True) if g == i] for i in range(4)]
    sum_of_parts = kpi.sum_totals(kpi.sum_totals(g) for g in groups)
    assert sum_of_parts == kpi.sum_totals(all_rows)


@given(row_lists)
def test_pooled_totals_match_a_plain_sum_of_known_values(all_rows):
    totals = kpi.sum_totals(all_rows)
    for key in KEYS:
        known = [r[key] for r in all_rows if r.get(key) is not None]
        if known:
            assert totals[key] == sum(known)
        else:
            assert totals.get(key) is None


@given(st.lists(st.tuples(st.booleans(), rows()), max_size=12))
def test_organic_plus_paid_sums_back_to_the_whole(flagged):
    split = kpi.split_totals(flagged)
    assert kpi.sum_totals([split["organic"], split["paid"]]) == split["all"]
    assert split["all"] == kpi.sum_totals(values for _, values in flagged)


@given(st.lists(st.tuples(st.booleans(), rows()), max_size=12))
def test_organic_plus_paid_kpis_equal_the_whole_kpis(flagged):
    split = kpi.split_totals(flagged)
    recombined = kpi.sum_totals([split["organic"], split["paid"]])
    assert kpi.kpis(recombined, Decimal("100")) == kpi.kpis(split["all"], Decimal("100"))


START = date(2026, 3, 1)


@st.composite
def growing_posts(draw):
    """Snapshots per post whose values only grow with capture date (and recording order)."""
    posts = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 8))
        offsets = sorted(draw(st.lists(st.integers(0, 20), min_size=n, max_size=n)))
        running = dict.fromkeys(KEYS[:4], 0)
        snaps = []
        for i, offset in enumerate(offsets):
            values: dict[str, int | None] = {}
            for key in KEYS[:4]:
                running[key] += draw(st.integers(0, 1000))
                # Sometimes a source lacks the column: it carries no value at all.
                values[key] = running[key] if draw(st.booleans()) else None
            source = draw(st.sampled_from(["tiktok", "instagram", "manual"]))
            recorded = datetime(2026, 4, 1) + timedelta(minutes=i)
            snaps.append(Snapshot(START + timedelta(days=offset), recorded, values, source))
        posts.append(draw(st.permutations(snaps)))
    return posts


@given(growing_posts())
def test_as_of_series_never_decreases_when_snapshots_only_grow(posts):
    previous = None
    for offset in range(-1, 23):
        totals = kpi.totals_as_of(posts, START + timedelta(days=offset))
        if previous is not None:
            for key in KEYS[:4]:
                if previous.get(key) is not None:
                    assert totals[key] is not None
                    assert totals[key] >= previous[key]
        previous = totals


@given(growing_posts())
def test_importing_each_export_twice_changes_no_as_of_total(posts):
    # Each duplicate is recorded right after its original, before any later import.
    doubled = [
        [*snaps, *(replace(s, recorded_at=s.recorded_at + timedelta(seconds=30)) for s in snaps)]
        for snaps in posts
    ]
    for offset in (0, 5, 20):
        day = START + timedelta(days=offset)
        assert kpi.totals_as_of(doubled, day) == kpi.totals_as_of(posts, day)
