"""Processes the benchmark starts on loopback: Redis, a `tracker worker`, the reference server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tracker.config import PROJECT_ROOT
from tracker.links.loadtest import free_port, gunicorn


@contextmanager
def redis_server(workdir: Path | None = None) -> Iterator[str]:
    """A throwaway Redis on a loopback port (no persistence), stopped by its process id."""
    port = free_port()
    workdir = workdir or Path(tempfile.mkdtemp(prefix="bench-redis-"))
    proc = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from redis import Redis

    client = Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _status_mb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class WorkerProcess:
    proc: subprocess.Popen

    def rss_mb(self) -> float:
        return _status_mb(self.proc.pid, "VmRSS")

    def children_peak_mb(self) -> float:
        try:
            kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return 0.0
        return max((_status_mb(int(k), "VmHWM") for k in kids), default=0.0)


@contextmanager
def tracker_worker(database_url: str, redis_url: str, workdir: Path) -> Iterator[WorkerProcess]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench",
        "TRACKER_REPORTS_DIR": str(workdir / "reports"),
    }
    log = (workdir / "worker.log").open("wb")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("tracker")),
            "worker",
            "--name",
            f"bench-{os.getpid()}",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield WorkerProcess(proc)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@contextmanager
def serve_minimal(database_url: str, participation_id: int, *, workers: int = 2) -> Iterator[int]:
    """gunicorn with the minimal raw-insert redirect app (benchmarks/minimal_click.py)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BENCH_PARTICIPATION_ID": str(participation_id),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    # Ready at its first answer: "/" is a 404 there and, unlike /l/<code>, records nothing.
    with gunicorn(
        "benchmarks.minimal_click:app", env, workers=workers, ready_path="/", ready_status=None
    ) as port:
        yield port


__all__ = ["redis_server", "serve_minimal", "tracker_worker"]
