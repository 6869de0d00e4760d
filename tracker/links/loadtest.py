"""Fire parallel clicks at a real server and count what was written: no click may be lost.

Used by the concurrency test (tests/links/test_concurrency.py) and by the benchmark:

    python -m tracker.links.loadtest [--database-url URL] [--requests 3000] [--threads 32]

starts gunicorn with two sync workers on a free loopback port (a temporary SQLite database
unless --database-url is given), fires the redirects, and prints redirects per second, the
number of failed requests and the number of lost clicks (redirects without a click row).
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO
from urllib.parse import parse_qs, urlsplit

from ..config import PROJECT_ROOT

BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)


@dataclass
class LoadResult:
    requests: int
    seconds: float
    click_ids: list[int] = field(default_factory=list)  # tclid of every redirect, in no order
    errors: list[str] = field(default_factory=list)

    @property
    def redirects(self) -> int:
        return len(self.click_ids)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, user_agent: str, timeout: float) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": user_agent})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


def _no_control_socket() -> list[str]:
    # Recent gunicorn opens a control socket at one fixed path per user; several servers may run
    # at once here (both test suites, a benchmark), so none of them opens it.
    from gunicorn.config import KNOWN_SETTINGS

    return (
        ["--no-control-socket"]
        if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS)
        else []
    )


@contextmanager
def gunicorn(
    app: str,
    env: Mapping[str, str],
    *,
    workers: int = 2,
    ready_path: str = "/l/serverready",
    ready_status: int | None = 404,
    startup_timeout: float = 30.0,
) -> Iterator[int]:
    """Run a WSGI `app` ("module:callable") under gunicorn, sync workers, on a free loopback port.

    Yields the port once `ready_path` answers `ready_status` (any answer when None), then stops
    the server. The tracker and the benchmark's reference server both start this way.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        *_no_control_socket(),
        app,
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=dict(env), stdout=log, stderr=log)
        try:
            _wait_until_serving(process, port, startup_timeout, log, ready_path, ready_status)
            yield port
        finally:
            process.send_signal(signal.SIGINT)  # quick shutdown; TERM waits for idle workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def serve(
    database_url: str,
    *,
    workers: int = 2,
    secret_key: str = "loadtest-secret",
    startup_timeout: float = 30.0,
) -> Iterator[int]:
    """Run the tracker under gunicorn (sync workers) on a free 127.0.0.1 port; yield the port."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "TRACKER_RATELIMIT": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("REDIS_URL", None)
    # An unknown link answers 404 once a worker has loaded the app.
    with gunicorn(
        "tracker:create_app()", env, workers=workers, startup_timeout=startup_timeout
    ) as port:
        yield port


def _wait_until_serving(
    process: subprocess.Popen,
    port: int,
    timeout: float,
    log: IO[bytes],
    path: str,
    status: int | None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited: {log.read().decode(errors='replace')[-2000:]}")
        try:
            answered, _location = _get(port, path, BROWSER_UA, timeout=2)
            if status is None or answered == status:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout} s")


def click_id_of(tclid: str) -> int | None:
    """The click row id a tclid names: "48213.<signature>" (the tracker) or "48213" (a reference)."""
    number = tclid.split(".", 1)[0]
    return int(number) if number.isdigit() else None


def fire(
    port: int, paths: Sequence[str], *, threads: int = 16, user_agent: str = BROWSER_UA
) -> LoadResult:
    """GET every path (no redirect following) over `threads` connections at once."""

    def one(path: str) -> tuple[int | None, str]:
        try:
            status, location = _get(port, path, user_agent, timeout=30)
        except OSError as exc:
            return None, f"{path}: {exc!r}"
        if status != 302:
            return None, f"{path}: HTTP {status}"
        tclid = parse_qs(urlsplit(location).query).get("tclid", [""])[0]
        click_id = click_id_of(tclid)
        return (click_id, "") if click_id is not None else (None, f"{path}: no tclid in {location}")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(one, paths))
    seconds = time.perf_counter() - started
    result = LoadResult(requests=len(paths), seconds=seconds)
    for click_id, error in outcomes:
        if click_id is not None:
            result.click_ids.append(click_id)
        else:
            result.errors.append(error)
    return result


def requests_per_second(port: int, path: str, count: int, *, threads: int = 16) -> float:
    """Throughput of a plain GET answered 200: the reference the redirect is compared with."""

    def one(_i: int) -> int:
        return _get(port, path, BROWSER_UA, timeout=30)[0]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        statuses = list(pool.map(one, range(count)))
    if any(status != 200 for status in statuses):
        raise RuntimeError(f"{path} did not answer 200")
    return count / (time.perf_counter() - started)


# ---------------------------------------------------------------------------- benchmark


def _seed(database_url: str) -> tuple[int, str]:
    """One campaign with one participation and a destination; return (participation id, code)."""
    from ..db import make_engine, session_scope
    from ..influencers.service import new_link_code
    from ..models import Brand, Campaign, Influencer, Participation, Workspace

    engine = make_engine(database_url)
    with session_scope(engine) as session:
        workspace = Workspace(name="Load test", slug=f"loadtest-{time.time_ns()}")
        session.add(workspace)
        session.flush()
        brand = Brand(workspace_id=workspace.id, name="Load test", slug="loadtest")
        session.add(brand)
        session.flush()
        campaign = Campaign(
            brand_id=brand.id,
            name="Load test",
            slug="load-test",
            objective="traffic",
            start_date=date(2026, 1, 1),
            end_date=date(2026, 12, 31),
            currency="EUR",
            destination_url="https://shop.example/landing?ref=bench",
        )
        influencer = Influencer(workspace_id=workspace.id, name="Load test")
        session.add_all([campaign, influencer])
        session.flush()
        participation = Participation(
            campaign_id=campaign.id,
            influencer_id=influencer.id,
            platform="tiktok",
            followers_at_join=1000,
            link_code=new_link_code(session),
            joined_on=date(2026, 1, 1),
        )
        session.add(participation)
        session.flush()
        ids = participation.id, participation.link_code
    engine.dispose()
    return ids


def count_clicks(database_url: str, participation_id: int) -> int:
    from sqlalchemy import func, select

    from ..db import make_engine
    from ..models import Click

    engine = make_engine(database_url)
    with engine.connect() as conn:
        n = conn.execute(
            select(func.count()).where(Click.participation_id == participation_id)
        ).scalar_one()
    engine.dispose()
    return int(n)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a temporary, migrated SQLite file")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    from .. import migrate

    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        migrate.upgrade(url)
        participation_id, code = _seed(url)
        with serve(url, workers=args.workers) as port:
            fire(port, [f"/l/{code}"] * 50, threads=4)  # warm the workers up
            reference = requests_per_second(
                port, "/static/app.css", args.requests, threads=args.threads
            )
            before = count_clicks(url, participation_id)
            result = fire(port, [f"/l/{code}"] * args.requests, threads=args.threads)
        recorded = count_clicks(url, participation_id) - before
    lost = result.redirects - recorded
    engine = url.split(":", 1)[0]
    print(
        f"redirects ({engine}, {args.workers} workers, {args.threads} threads): "
        f"{result.per_second:,.0f} req/s ({result.per_second / reference:.2f} × a static file "
        f"at {reference:,.0f} req/s); {result.redirects} redirected, "
        f"{len(result.errors)} failed, {recorded} clicks recorded, lost {lost}"
    )
    for error in result.errors[:5]:
        print(f"  {error}")
    return 0 if lost == 0 and not result.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
