"""Run the benchmarks, print one table, write the figures as JSON under reports/bench/."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from tracker import migrate
from tracker.config import PROJECT_ROOT
from tracker.db import make_engine

from . import data, figures
from .report import Figure, machine, table, write_json

ALL = ("startup", "dashboard", "tiers", "import", "recap", "redirects")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="data size (1 = the issue's sizes)"
    )
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated: {','.join(ALL)}")
    parser.add_argument("--postgresql", action="store_true", help="start a throwaway PostgreSQL")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "reports" / "bench"))
    parser.add_argument("--redirect-requests", type=int, default=None)
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(only) - set(ALL)
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(sorted(unknown))}")

    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {message}", flush=True)

    workdir = figures.workdir()
    server = None
    url = os.environ.get("DATABASE_URL")
    if args.postgresql:
        sys.path.insert(0, str(PROJECT_ROOT))
        from sqlalchemy import create_engine, text

        from tests.support.postgres import start_server

        server = start_server(workdir / "pg-root")
        admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE tracker_bench"))
        admin.dispose()
        url = server.url("tracker_bench")
    elif url is None:
        url = f"sqlite:///{workdir / 'bench.sqlite'}"
    try:
        migrate.upgrade(url)
        engine = make_engine(url)
        if data.snapshot_count(engine) or _has_workspace(engine):
            print("The benchmark needs an empty database: DATABASE_URL already holds data.")
            return 2
        ctx = figures.Context(
            url=url,
            engine=engine,
            scale=args.scale,
            sizes=data.sizes(args.scale),
            workdir=workdir,
            log=log,
        )
        kind = engine.dialect.name
        log(f"database: {kind}; scale {args.scale}; sizes {ctx.sizes}")
        results: list[Figure] = []
        one_m = int(1_000_000 * args.scale)

        def section(name: str, fn) -> None:
            if name not in only:
                return
            log(f"{name} …")
            try:
                results.extend(fn())
            except Exception as exc:  # one broken figure must not lose the others
                results.append(
                    Figure(name, "s", None, None, "", False, f"{type(exc).__name__}: {exc}")
                )
            log(f"{name} done")

        section("startup", lambda: figures.startup(ctx))
        if {"dashboard", "tiers", "recap", "import", "redirects"} & set(only):
            log(f"generating ≥ {one_m:,} snapshots …")
            figures.build_workspace(ctx, target_snapshots=one_m)
            log(f"workspace: {ctx.ws.snapshots:,} snapshots in {len(ctx.ws.campaigns)} campaigns")
        section("dashboard", lambda: figures.dashboard(ctx))
        section("tiers", lambda: figures.tiers(ctx, f"{ctx.ws.snapshots / 1e6:.1f}M snapshots"))
        section("recap", lambda: figures.recap(ctx))
        section("import", lambda: figures.imports(ctx))
        if "tiers" in only:
            log(f"growing the workspace to ≥ {4 * one_m:,} snapshots …")
            figures.build_workspace(ctx, target_snapshots=4 * one_m)
            section("tiers", lambda: figures.tiers(ctx, f"{ctx.ws.snapshots / 1e6:.1f}M snapshots"))
        requests = args.redirect_requests or max(300, int(5000 * min(args.scale, 1)))
        section("redirects", lambda: figures.redirects(ctx, requests=requests))
        engine.dispose()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(
        f"tracker benchmarks — {kind}, scale {args.scale} — {machine()['cpu']}, {machine()['nproc']} cores"
    )
    print(table(results))
    path = write_json(
        results,
        Path(args.out),
        {"database": kind, "scale": args.scale, "seconds": round(time.perf_counter() - started, 1)},
    )
    print(f"\nJSON: {path}")
    return 0 if all(f.passed is not False for f in results) else 1


def _has_workspace(engine) -> bool:
    from sqlalchemy import func, select

    from tracker.models import Workspace

    with engine.connect() as conn:
        return bool(
            conn.execute(select(func.count()).select_from(Workspace.__table__)).scalar_one()
        )
