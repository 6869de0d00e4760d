"""`make bench` must not rot: its harness runs end to end on a tiny workspace in seconds."""

from __future__ import annotations

import json

from benchmarks import data, figures
from benchmarks.report import Figure, table, write_json
from tracker.db import make_engine


def test_the_benchmark_harness_measures_every_database_figure_on_tiny_data(
    database_url, db_kind, tmp_path
):
    engine = make_engine(database_url)
    ctx = figures.Context(
        url=database_url,
        engine=engine,
        scale=0.0005,
        sizes=data.sizes(0.0005),
        workdir=tmp_path,
        log=lambda _message: None,
        quick=True,
    )
    figures.build_workspace(ctx, target_snapshots=1_000)
    assert data.snapshot_count(engine) == ctx.ws.snapshots >= 1_000

    results = [*figures.dashboard(ctx), *figures.tiers(ctx, "tiny"), *figures.imports(ctx)]
    engine.dispose()

    by_name = {f.name: f for f in results}
    assert set(by_name) == {
        "dashboard request (warm)",
        "dashboard request after a write",
        "tier comparison (tiny)",
        "import CSV (parse, validate, match, write)",
        "import peak memory",
    }, [f.note for f in results]
    for figure in results:
        assert figure.value is not None and figure.value > 0, (figure.name, figure.note)
        assert figure.reference is not None and figure.reference > 0, figure.name
    imported = by_name["import CSV (parse, validate, match, write)"]
    assert imported.extra["rows"] == ctx.sizes["import_rows"]  # every CSV row written

    printed = table(results)
    assert "import peak memory" in printed and "ratio" in printed
    path = write_json(results, tmp_path / "bench", {"database": db_kind, "scale": 0.0005})
    saved = json.loads(path.read_text())
    assert [f["name"] for f in saved["figures"]] == [f.name for f in results]
    assert saved["machine"]["nproc"] >= 1


def test_a_ratio_is_the_figure_over_its_reference():
    faster = Figure("x", "s", value=1.0, reference=4.0, target="≤ 1.5×")
    assert faster.ratio == 0.25
    assert Figure("y", "s", value=None, reference=4.0).ratio is None
