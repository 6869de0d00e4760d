"""Measurements that run in a child process: peak memory is the child's own, and a figure
that runs away can be stopped without losing the rest of the run.

    python -m benchmarks.child TASK JSON-ARGUMENTS   → prints one JSON line
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any


def peak_mb() -> float:
    """This process's own peak resident memory (VmHWM). ru_maxrss would not do: a child
    started by fork+exec inherits its parent's high-water mark, so a large parent (the
    benchmark's data generator) would show as the child's peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_reference(url: str, campaign_id: int, csv_path: str) -> dict[str, Any]:
    """pandas.read_csv, map URLs to posts, then the DBAPI: executemany (SQLite) or COPY (PostgreSQL)."""
    import pandas as pd
    from sqlalchemy import select

    from tracker.db import make_engine
    from tracker.models import Post

    engine = make_engine(url)
    started = time.perf_counter()
    frame = pd.read_csv(csv_path, dtype={"post_url": str, "captured_on": str})
    with engine.connect() as conn:
        posts = conn.execute(
            select(Post.url, Post.id, Post.participation_id).where(Post.campaign_id == campaign_id)
        ).all()
    post_id = {u: i for u, i, _ in posts}
    part_id = {u: p for u, _, p in posts}
    keys = frame["post_url"]
    frame["post_id"] = keys.map(post_id)
    frame["participation_id"] = keys.map(part_id)
    if frame["post_id"].isna().any():
        raise RuntimeError("unmatched rows in the reference import")
    metrics = ["views", "likes", "comments", "shares", "saves"]
    columns = [
        "campaign_id",
        "participation_id",
        "post_id",
        "captured_on",
        "source",
        "recorded_at",
        *metrics,
    ]
    raw = engine.raw_connection()
    cursor = raw.cursor()
    n = len(frame)
    if engine.dialect.name == "postgresql":
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        with cursor.copy(f"COPY snapshot ({', '.join(columns)}) FROM STDIN") as copy:
            for row in zip(
                [campaign_id] * n,
                frame["participation_id"].astype(int).tolist(),
                frame["post_id"].astype(int).tolist(),
                frame["captured_on"].tolist(),
                ["reference"] * n,
                [now] * n,
                *(frame[m].tolist() for m in metrics),
                strict=True,
            ):
                copy.write_row(row)
    else:
        from datetime import UTC, datetime

        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(
            f"INSERT INTO snapshot ({', '.join(columns)}) VALUES ({marks})",
            zip(
                [campaign_id] * n,
                frame["participation_id"].astype(int).tolist(),
                frame["post_id"].astype(int).tolist(),
                frame["captured_on"].tolist(),
                ["reference"] * n,
                [now] * n,
                *(frame[m].tolist() for m in metrics),
                strict=True,
            ),
        )
    raw.commit()
    raw.close()
    return {"seconds": time.perf_counter() - started, "rows": n, "peak_mb": peak_mb()}


def import_real(url: str, campaign_id: int, csv_path: str) -> dict[str, Any]:
    """The tracker's importer as a user runs it: upload + preview, then commit in one transaction.

    The figure is the commit (parse, validate, match, write), the work a large import's job
    does; the preview at upload is reported beside it.
    """
    from pathlib import Path

    from sqlmodel import Session

    from tracker import create_app
    from tracker.db import get_engine
    from tracker.importers.commit import commit_import, prepare
    from tracker.importers.matching import Options
    from tracker.models import Campaign

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        engine = get_engine()
    # Loaded before the clock starts, as in the reference: a worker has it from its first job.
    import pandas  # noqa: F401

    data = Path(csv_path).read_bytes()
    with app.app_context():
        started = time.perf_counter()
        with Session(engine) as session:
            batch = prepare(
                session,
                campaign=session.get(Campaign, campaign_id),
                filename=Path(csv_path).name,
                data=data,
                options=Options(),
            )
            session.commit()
            batch_id = batch.id
        preview = time.perf_counter() - started
        del data
        started = time.perf_counter()
        with Session(engine) as session:
            counts = commit_import(session, batch_id)
            session.commit()
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": counts.get("snapshots_created", 0)
        + counts.get("snapshots_updated", 0)
        + counts.get("snapshots_unchanged", 0),
        "peak_mb": peak_mb(),
        "stages": {"preview at upload": preview, "commit": seconds},
        "counts": counts,
        "path": "tracker.importers.commit: prepare (preview), then commit_import",
    }


def tiers(url: str, workspace_id: int, repeat: int) -> dict[str, Any]:
    from sqlmodel import Session

    from tracker import analytics
    from tracker.db import make_engine
    from tracker.models import Workspace

    engine = make_engine(url)
    times = []
    with Session(engine) as session:
        workspace = session.get(Workspace, workspace_id)
        # Warm, as the dashboard figure is: the first call of a fresh process also pays the
        # collector's first full pass over everything imported (~0.1 s), which a web worker
        # has paid long before.
        analytics.tier_comparison(session, workspace)
        session.expire_all()
        for _ in range(repeat):
            started = time.perf_counter()
            table = analytics.tier_comparison(session, workspace)
            times.append(time.perf_counter() - started)
            session.expire_all()
    views = sum((r.totals.get("views") or 0) for r in table.rows)
    return {"times": times, "peak_mb": peak_mb(), "views": views}


TASKS = {"import_reference": import_reference, "import_real": import_real, "tiers": tiers}


def run(
    task: str, arguments: dict[str, Any], timeout: float, *, in_process: bool = False
) -> dict[str, Any]:
    """Run TASK in a child; {"error": ...} when it fails or runs past `timeout` seconds.

    `in_process` runs it here instead (the smoke test: fast, but its memory figure is this
    process's).
    """
    if in_process:
        return json.loads(json.dumps(TASKS[task](**arguments), default=str))
    import os
    import subprocess

    from tracker.config import PROJECT_ROOT

    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.child", task, json.dumps(arguments)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=PROJECT_ROOT,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    task, raw = sys.argv[1], sys.argv[2]
    print(json.dumps(TASKS[task](**json.loads(raw)), default=str))
