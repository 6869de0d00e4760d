"""The figures of `make bench`, each against a reference measured in the same run on the same data."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from tracker.config import PROJECT_ROOT

from . import child, data
from .report import Figure, ratio_check


@dataclass
class Context:
    url: str
    engine: Engine
    scale: float
    sizes: dict[str, int]
    workdir: Path
    ws: data.Workspace_ | None = None
    big: data.CampaignData | None = None
    small: data.CampaignData | None = None
    log: Callable[[str], None] = print
    quick: bool = False  # a handful of samples: the smoke test, not a measurement
    notes: dict[str, Any] = field(default_factory=dict)

    def samples(self, n: int) -> int:
        return min(n, 2) if self.quick else n

    @property
    def kind(self) -> str:
        return self.engine.dialect.name


def timed(fn: Callable[[], Any], *, repeat: int, budget: float | None = None) -> list[float]:
    """Run fn up to `repeat` times (fewer once `budget` seconds are spent); return the times."""
    times: list[float] = []
    spent = 0.0
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        spent += times[-1]
        if budget is not None and spent > budget:
            break
    return times


def median(times: list[float]) -> float:
    return statistics.median(times)


# ---------------------------------------------------------------------------- data


def build_workspace(ctx: Context, *, target_snapshots: int) -> None:
    """The workspace: one large campaign, a small one for recaps, filler up to the target size."""
    from tracker.passwords import hash_password

    s = ctx.sizes
    if ctx.ws is None:
        ctx.ws = data.create_workspace(ctx.engine, password_hash=hash_password(data.PASSWORD))
        ctx.big = data.add_campaign(
            ctx.engine,
            ctx.ws,
            name="Large campaign",
            participations=s["big_participations"],
            posts_per_participation=s["big_posts_per_participation"],
            days=s["days"],
        )
        ctx.small = data.add_campaign(
            ctx.engine,
            ctx.ws,
            name="Recap campaign",
            participations=30,
            posts_per_participation=3,
            days=30,
        )
    n = 0
    while ctx.ws.snapshots < target_snapshots:
        n += 1
        data.add_campaign(
            ctx.engine,
            ctx.ws,
            name=f"History {len(ctx.ws.campaigns)}",
            participations=s["filler_participations"],
            posts_per_participation=10,
            days=s["days"],
        )
    _analyze(ctx.engine)


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics, as a production database has."""
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


# ---------------------------------------------------------------------------- reference SQL


def _raw_query(ctx: Context, sql: str, params: tuple) -> Callable[[], list]:
    raw = ctx.engine.raw_connection()
    if ctx.kind == "postgresql":
        sql = sql.replace("?", "%s")

    def run() -> list:
        cur = raw.cursor()
        cur.execute(sql, params)
        rows = cur.fetchall()
        cur.close()
        if ctx.kind == "postgresql":
            raw.rollback()
        return rows

    return run


LATEST_PER_POST_CAMPAIGN = """
SELECT COUNT(*), SUM(s.views), SUM(s.likes), SUM(s.comments), SUM(s.shares), SUM(s.saves),
       SUM(s.link_clicks)
FROM post p
JOIN snapshot s ON s.post_id = p.id
 AND s.captured_on = (SELECT MAX(x.captured_on) FROM snapshot x WHERE x.post_id = p.id)
WHERE p.campaign_id = ?
"""

LATEST_PER_POST_BY_TIER = """
SELECT CASE WHEN pa.followers_at_join >= w.tier_mega_min THEN 'mega'
            WHEN pa.followers_at_join >= w.tier_macro_min THEN 'macro'
            WHEN pa.followers_at_join >= w.tier_mid_min THEN 'mid'
            WHEN pa.followers_at_join >= w.tier_micro_min THEN 'micro' ELSE 'nano' END AS tier,
       COUNT(*), SUM(s.views), SUM(s.likes), SUM(s.comments), SUM(s.shares), SUM(s.saves),
       SUM(s.link_clicks)
FROM post p
JOIN participation pa ON pa.id = p.participation_id
JOIN campaign c ON c.id = p.campaign_id
JOIN brand b ON b.id = c.brand_id
JOIN workspace w ON w.id = b.workspace_id
JOIN snapshot s ON s.post_id = p.id
 AND s.captured_on = (SELECT MAX(x.captured_on) FROM snapshot x WHERE x.post_id = p.id)
WHERE b.workspace_id = ?
GROUP BY 1
"""


# ---------------------------------------------------------------------------- figures


def dashboard(ctx: Context) -> list[Figure]:
    """GET /campaigns/<id> of the large campaign, warm, vs the bare SQL latest-per-post rollup."""
    from tracker import create_app

    app = create_app(
        {
            "DATABASE_URL": ctx.url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    login = client.post("/login", data={"email": ctx.ws.user_email, "password": data.PASSWORD})
    if login.status_code != 302:
        return [
            Figure("dashboard request", "ms", None, note=f"login failed: HTTP {login.status_code}")
        ]
    path = f"/campaigns/{ctx.big.id}"
    statuses: list[int] = []

    def request() -> None:
        statuses.append(client.get(path).status_code)

    engine = app.extensions["tracker.engine"]

    def request_after_a_write() -> None:
        # A real write through the app's engine: the data version moves, the kept page is
        # no longer current and the next request computes the dashboard again.
        with engine.begin() as conn:
            conn.execute(text("UPDATE campaign SET name = name WHERE id = :id"), {"id": ctx.big.id})
        request()

    warm = timed(request, repeat=ctx.samples(2))
    ctx.log(f"  dashboard warm-up: {', '.join(f'{t:.2f} s' for t in warm)}")
    times = timed(request, repeat=ctx.samples(20), budget=max(60.0, 3 * warm[-1]))
    cold = timed(request_after_a_write, repeat=ctx.samples(5), budget=max(60.0, 3 * warm[-1]))
    reference = timed(
        _raw_query(ctx, LATEST_PER_POST_CAMPAIGN, (ctx.big.id,)), repeat=ctx.samples(20)
    )
    engine.dispose()
    if any(s != 200 for s in statuses):
        return [Figure("dashboard request", "ms", None, note=f"HTTP {sorted(set(statuses))}")]
    value, ref = median(times) * 1000, median(reference) * 1000
    note = (
        f"median of {len(times)} requests; {len(ctx.big.posts):,} posts, "
        f"{len(ctx.big.participations)} participations, {ctx.sizes['days']} days; "
        f"workspace of {ctx.ws.snapshots:,} snapshots"
    )
    passed = bool(ratio_check(value, ref, 1.5)) and value < 150
    cold_ms = median(cold) * 1000
    return [
        Figure("dashboard request (warm)", "ms", value, ref, "≤ 1.5× and < 150 ms", passed, note),
        Figure(
            "dashboard request after a write",
            "ms",
            cold_ms,
            ref,
            "< 150 ms",
            cold_ms < 150,
            f"median of {len(cold)}: each computes and renders the page again (no kept copy)",
        ),
    ]


def tiers(ctx: Context, label: str) -> list[Figure]:
    """analytics.tier_comparison over the whole workspace vs the bare SQL rollup by tier."""
    reference = timed(_raw_query(ctx, LATEST_PER_POST_BY_TIER, (ctx.ws.id,)), repeat=ctx.samples(7))
    out = child.run(
        "tiers",
        {"url": ctx.url, "workspace_id": ctx.ws.id, "repeat": ctx.samples(7)},
        timeout=900,
        in_process=ctx.quick,
    )
    ref = median(reference)
    if "error" in out:
        return [Figure(f"tier comparison ({label})", "s", None, ref, "≤ 1.5×", False, out["error"])]
    value = median(out["times"])
    note = (
        f"median of {len(out['times'])}; {ctx.ws.snapshots:,} snapshots; "
        f"peak {out['peak_mb']:.0f} MB"
    )
    return [
        Figure(
            f"tier comparison ({label})",
            "s",
            value,
            ref,
            "≤ 1.5×",
            bool(ratio_check(value, ref, 1.5)),
            note,
            {"peak_mb": out["peak_mb"]},
        )
    ]


def _write_generic_csv(path: Path, campaign: data.CampaignData, rows: int, *, days: int) -> int:
    """The rows of ``data.generic_csv``, written a day at a time; returns the bytes written."""
    from datetime import timedelta

    posts = campaign.post_urls
    per_day = len(posts)
    size = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        size += out.write("post_url,captured_on,views,likes,comments,shares,saves\n")
        for start in range(0, rows, per_day):
            lines = []
            for r in range(start, min(start + per_day, rows)):
                day, j = divmod(r, per_day)
                views = (100 + j % 900) * 10 * (day % days + 1)
                on = data.START + timedelta(days=day % days)
                lines.append(
                    f"{posts[j]},{on.isoformat()},{views},{views // 12},{views // 150},"
                    f"{views // 300},{views // 400}\n"
                )
            size += out.write("".join(lines))
    return size


def imports(ctx: Context) -> list[Figure]:
    """A Tracker CSV of 1M snapshot rows through the importer vs read_csv + DBAPI bulk insert."""
    rows, posts = ctx.sizes["import_rows"], ctx.sizes["import_posts"]
    days = max(1, rows // posts)
    campaigns = []
    for name in ("Import (tracker)", "Import (reference)"):
        campaigns.append(
            data.add_campaign(
                ctx.engine,
                ctx.ws,
                name=name,
                participations=max(1, posts // 10),
                posts_per_participation=10,
                days=days,
                snapshots=False,
            )
        )
    # Both read one plain CSV (a 1M-row CSV is ~100 MB, within the 200 MB upload limit), the
    # rows of data.generic_csv written line by line: this process never holds the file, whose
    # memory would otherwise show in the children's peak RSS.
    files = [ctx.workdir / f"snapshots-{c.id}.csv" for c in campaigns]
    size_mb = _write_generic_csv(files[0], campaigns[0], rows, days=days) / 1e6
    _write_generic_csv(files[1], campaigns[1], rows, days=days)
    ctx.log(f"  import file: {rows:,} rows, {size_mb:.0f} MB of CSV")
    ref = child.run(
        "import_reference",
        {"url": ctx.url, "campaign_id": campaigns[1].id, "csv_path": str(files[1])},
        timeout=900,
        in_process=ctx.quick,
    )
    ctx.log(f"  reference import: {ref}")
    real = child.run(
        "import_real",
        {"url": ctx.url, "campaign_id": campaigns[0].id, "csv_path": str(files[0])},
        timeout=1800,
        in_process=ctx.quick,
    )
    ctx.log(f"  tracker import: {real}")
    ctx.ws.snapshots = data.snapshot_count(ctx.engine)  # whatever the imports wrote
    if "error" in ref:
        return [
            Figure(
                "import 1M-row CSV", "s", None, None, "≤ 2.0×", False, f"reference: {ref['error']}"
            )
        ]
    if "error" in real:
        return [
            Figure("import 1M-row CSV", "s", None, ref["seconds"], "≤ 2.0×", False, real["error"]),
        ]
    method = "COPY" if ctx.kind == "postgresql" else "executemany"
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in real.get("stages", {}).items())
    return [
        Figure(
            "import CSV (parse, validate, match, write)",
            "s",
            real["seconds"],
            ref["seconds"],
            "≤ 2.0×",
            bool(ratio_check(real["seconds"], ref["seconds"], 2.0)),
            f"{rows:,} rows ({size_mb:.0f} MB of CSV, uploaded as one file); reference "
            f"pandas.read_csv + {method}; {stages}",
            {"rows": real["rows"], "path": real.get("path")},
        ),
        Figure(
            "import peak memory",
            "MB",
            real["peak_mb"],
            ref["peak_mb"],
            "≤ 600 MB",
            real["peak_mb"] <= 600,
            "peak RSS of the importing process (reference: the pandas process)",
        ),
    ]


def recap(ctx: Context) -> list[Figure]:
    """The large campaign's recap PDF vs WeasyPrint alone on the same final HTML."""
    from datetime import date

    from sqlmodel import Session

    from tracker import create_app
    from tracker.analytics import reading_history_once
    from tracker.db import get_engine
    from tracker.models import Campaign
    from tracker.reporting import build_recap, recap_pdf
    from tracker.reporting.fetcher import AssetResolver
    from tracker.reporting.html import render_html
    from tracker.reporting.pdf import html_to_pdf, pdf_asset_url, pdf_logo_url

    app = create_app({"DATABASE_URL": ctx.url, "SECRET_KEY": "bench"})
    today = date(2026, 6, 1)
    with app.app_context(), Session(get_engine()) as session:
        campaign = session.get(Campaign, ctx.big.id)
        holder: dict[str, Any] = {}

        def whole() -> None:
            # As a recap job runs it (tracker/jobs/runner.py): each history read once.
            with reading_history_once(session):
                recap_data = build_recap(session, campaign, "en", today=today)
            holder["recap"] = recap_data
            holder["pdf"] = recap_pdf(recap_data)
            session.expire_all()

        whole()  # warm: fonts, templates, imports
        recap_data = holder["recap"]
        html = render_html(
            recap_data,
            mode="pdf",
            asset_url=pdf_asset_url,
            logo_src=pdf_logo_url(recap_data.brand.id) if recap_data.logo else None,
        )
        resolver = AssetResolver(
            brand_id=recap_data.brand.id, logo=recap_data.logo, colour=recap_data.colour
        )
        # Alternate the two, so that both see the process in the same state (WeasyPrint's
        # caches, a heap grown by the previous renders) rather than the reference running last.
        times: list[float] = []
        reference: list[float] = []
        for _ in range(3):
            times += timed(whole, repeat=1)
            reference += timed(lambda: html_to_pdf(html, resolver), repeat=1)
            if sum(times) + sum(reference) > 120:
                break
    value, ref = median(times), median(reference)
    figures = [
        Figure(
            "recap PDF, large campaign",
            "s",
            value,
            ref,
            "≤ 1.3×",
            bool(ratio_check(value, ref, 1.3)),
            f"data + charts + templates + render, median of {len(times)} interleaved with "
            f"the reference's; "
            f"{len(holder['pdf']) / 1024:.0f} KB PDF",
        )
    ]
    figures.append(render_worker_memory(ctx))
    return figures


def render_worker_memory(ctx: Context) -> Figure:
    """Resident memory of a `tracker worker` after 10 recap jobs (RQ, one forked horse per job)."""
    import shutil

    if shutil.which("redis-server") is None:
        return Figure(
            "render worker RSS after 10 recaps",
            "MB",
            None,
            None,
            "< 250 MB",
            None,
            "redis-server missing",
        )
    from .services import redis_server, tracker_worker

    with redis_server() as redis_url, tracker_worker(ctx.url, redis_url, ctx.workdir) as worker:
        from sqlmodel import Session

        from tracker import create_app
        from tracker.jobs.service import enqueue
        from tracker.models import Job

        app = create_app({"DATABASE_URL": ctx.url, "REDIS_URL": redis_url, "SECRET_KEY": "bench"})
        with app.app_context(), Session(app.extensions["tracker.engine"]) as session:
            ids = []
            for _ in range(10):
                ids.append(
                    enqueue(
                        session,
                        kind="recap",
                        workspace_id=ctx.ws.id,
                        arguments={"campaign_id": ctx.small.id, "locale": "en"},
                    ).id
                )
                session.commit()
            peak_horse = 0.0
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                peak_horse = max(peak_horse, worker.children_peak_mb())
                session.expire_all()
                states = [session.get(Job, i).status for i in ids]
                if all(s in ("done", "failed") for s in states):
                    break
                time.sleep(0.1)
            failed = [
                session.get(Job, i).error for i in ids if session.get(Job, i).status != "done"
            ]
        rss = worker.rss_mb()
        app.extensions["tracker.engine"].dispose()
    note = f"the worker process after 10 recap jobs; each job ran in a forked horse (peak horse {peak_horse:.0f} MB)"
    if failed:
        note += f"; {len(failed)} failed: {failed[0]}"
    return Figure(
        "render worker RSS after 10 recaps",
        "MB",
        rss,
        None,
        "< 250 MB",
        rss < 250 and not failed,
        note,
    )


def redirects(ctx: Context, *, requests: int) -> list[Figure]:
    """Tracked-link redirects under gunicorn (2 sync workers, 32 connections) vs a raw insert + 302."""
    from tracker.links.loadtest import _seed, count_clicks, fire, serve

    from .services import serve_minimal

    pid, code = _seed(ctx.url)
    with serve(ctx.url, workers=2) as port:
        fire(port, [f"/l/{code}"] * 200, threads=32)  # warm both workers
        before = count_clicks(ctx.url, pid)
        result = fire(port, [f"/l/{code}"] * requests, threads=32)
        written = count_clicks(ctx.url, pid) - before
    ref_pid, ref_code = _seed(ctx.url)
    with serve_minimal(ctx.url, ref_pid, workers=2) as port:
        fire(port, [f"/l/{ref_code}"] * 200, threads=32)
        ref_before = count_clicks(ctx.url, ref_pid)
        reference = fire(port, [f"/l/{ref_code}"] * requests, threads=32)
        ref_written = count_clicks(ctx.url, ref_pid) - ref_before
    lost = result.redirects - written
    ok = not result.errors and written == result.redirects
    note = (
        f"{requests:,} requests each, Python load generator on loopback; tracker: "
        f"{len(result.errors)} errors, {written:,} clicks for {result.redirects:,} redirects; "
        f"reference: {len(reference.errors)} errors, {ref_written:,} clicks"
    )
    if result.errors:
        note += f"; first error: {result.errors[0]}"
    return [
        Figure(
            "tracked-link redirects",
            "req/s",
            result.per_second,
            reference.per_second,
            "≥ 0.7×, 0 lost, 0 errors",
            bool(ratio_check(result.per_second, reference.per_second, 0.7, at_least=True)) and ok,
            note,
            {"lost": lost, "errors": len(result.errors)},
        )
    ]


def startup(ctx: Context) -> list[Figure]:
    """`tracker --help` and the app's import vs importing flask, sqlmodel and pandas alone."""
    env = {**os.environ, "DATABASE_URL": ctx.url, "PYTHONDONTWRITEBYTECODE": "1"}
    tracker_bin = str(Path(sys.executable).with_name("tracker"))

    def run(cmd: list[str]) -> Callable[[], None]:
        return lambda: subprocess.run(
            cmd, env=env, check=True, capture_output=True, cwd=PROJECT_ROOT
        )

    # The libraries' bytecode was compiled when they were installed; the tracker's is too
    # when it is installed as a deployment does (pip install, an image). An editable checkout
    # under PYTHONDONTWRITEBYTECODE=1 never writes it, and would compile 17,000 lines on
    # every start: compile it once, as an installation would.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(PROJECT_ROOT / "tracker")],
        env=env,
        check=True,
        capture_output=True,
    )
    commands = {
        "reference": run([sys.executable, "-c", "import flask, sqlmodel, pandas"]),
        "cli": run([tracker_bin, "--help"]),
        "app": run([sys.executable, "-c", "from tracker import create_app; create_app()"]),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(7):  # interleaved: a busy moment of the machine weighs on all three alike
        for name, command in commands.items():
            times[name] += timed(command, repeat=1)
    reference, cli, app = times["reference"], times["cli"], times["app"]
    ref = median(reference)
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from tracker import create_app; create_app(); "
            "print(','.join(m for m in ('weasyprint', 'matplotlib') if m in sys.modules))",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    ).stdout.strip()
    lazy = (
        f"loaded at start-up: {heavy}"
        if heavy
        else "WeasyPrint and matplotlib not loaded at start-up"
    )
    return [
        Figure(
            "start-up: tracker --help",
            "s",
            median(cli),
            ref,
            "≤ 1.5×",
            bool(ratio_check(median(cli), ref, 1.5)),
            "median of 7",
        ),
        Figure(
            "start-up: create_app()",
            "s",
            median(app),
            ref,
            "≤ 1.5×",
            bool(ratio_check(median(app), ref, 1.5)),
            lazy,
        ),
    ]


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="tracker-bench-"))
