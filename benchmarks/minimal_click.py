"""The redirect benchmark's reference: a minimal Flask route doing one raw insert and a 302.

gunicorn 'benchmarks.minimal_click:app'   (DATABASE_URL, BENCH_PARTICIPATION_ID)
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, redirect

app = Flask(__name__)
URL = os.environ["DATABASE_URL"]
PARTICIPATION = int(os.environ["BENCH_PARTICIPATION_ID"])
_conn = None


def _connection():
    global _conn
    if _conn is None:
        if URL.startswith("sqlite"):
            import sqlite3

            _conn = sqlite3.connect(URL.split("///", 1)[1], timeout=5, isolation_level=None)
            _conn.execute("PRAGMA journal_mode=WAL")
            _conn.execute("PRAGMA synchronous=NORMAL")
            _conn.execute("PRAGMA busy_timeout=5000")
        else:
            import psycopg

            _conn = psycopg.connect(URL.replace("postgresql+psycopg://", "postgresql://"))
    return _conn


@app.get("/l/<code>")
def click(code: str):
    now = datetime.now(UTC)
    conn = _connection()
    if URL.startswith("sqlite"):
        cur = conn.execute(
            "INSERT INTO click (participation_id, clicked_at, day, visitor_hash, ua_class)"
            " VALUES (?, ?, ?, ?, 'browser')",
            (PARTICIPATION, now.strftime("%Y-%m-%d %H:%M:%S.%f"), now.date().isoformat(), code),
        )
        click_id = cur.lastrowid
    else:
        with conn.transaction():
            click_id = conn.execute(
                "INSERT INTO click (participation_id, clicked_at, day, visitor_hash, ua_class)"
                " VALUES (%s, %s, %s, %s, 'browser') RETURNING id",
                (PARTICIPATION, now, now.date(), code),
            ).fetchone()[0]
    return redirect(f"https://shop.example/landing?tclid={click_id}", 302)
