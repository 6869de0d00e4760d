"""Fixtures for the job tests: campaigns with posts, a real Redis server and `tracker worker`s."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from benchmarks.services import redis_server
from tracker.models import Snapshot

from . import handlers  # noqa: F401  (registers the test job kinds in this process)

REPO = Path(__file__).resolve().parents[2]
TRACKER = Path(sys.executable).with_name("tracker")
HEARTBEAT_SECONDS = 0.3
STALE_SECONDS = 2.5


@dataclass
class Setup:
    workspace: object
    campaign: object
    posts: list


@pytest.fixture
def make_campaign(factory):
    """A campaign in `workspace` with `posts` posts, spread over a few participations."""

    def _make(workspace=None, posts: int = 10) -> Setup:
        workspace = workspace or factory.workspace()
        campaign = factory.campaign(factory.brand(workspace))
        parts = [factory.participation(campaign) for _ in range(min(posts, 3) or 1)]
        made = [factory.post(parts[i % len(parts)]) for i in range(posts)]
        return Setup(workspace, campaign, made)

    return _make


def snapshot_count(session: Session, campaign_id: int) -> int:
    session.expire_all()
    return session.exec(
        select(func.count()).select_from(Snapshot).where(Snapshot.campaign_id == campaign_id)
    ).one()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A throwaway Redis on a loopback port, stopped by its process id at the end."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (make test installs Debian's redis-server)")
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def queue_app(database_url, redis_url, tmp_path):
    """The web app as deployed with Redis: jobs go to the queue, never run in-process."""
    from tracker import create_app
    from tracker.jobs.service import state

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "TRACKER_REPORTS_DIR": str(tmp_path / "reports"),
            "JOBS_STALE_SECONDS": STALE_SECONDS,
        }
    )
    assert state(app).mode == "rq"
    yield app
    app.extensions["tracker.engine"].dispose()


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen
    log: Path

    def kill(self, horse_pid: int) -> None:
        """SIGKILL the worker and its work horse at once, as a machine that loses power would."""
        os.kill(horse_pid, signal.SIGKILL)  # RQ puts each horse in its own process group
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def owns(self, horse_pid: int) -> bool:
        """Whether `horse_pid` is a work horse this worker forked."""
        try:
            stat = Path(f"/proc/{horse_pid}/stat").read_text()
        except FileNotFoundError:
            return False
        return int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid


@pytest.fixture
def start_workers(redis_url, database_url, tmp_path):
    """Start `tracker worker` processes on the test database; stop whatever is left at the end."""
    from redis import Redis

    Redis.from_url(redis_url).flushall()
    started: list[Worker] = []

    def _start(count: int = 2) -> list[Worker]:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "test-secret",
            "TRACKER_REPORTS_DIR": str(tmp_path / "reports"),
            "TRACKER_JOB_MODULES": "tests.jobs.handlers",
            "TRACKER_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
            "TRACKER_JOB_STALE_SECONDS": str(STALE_SECONDS),
            "PYTHONPATH": str(REPO),
        }
        for i in range(count):
            name = f"test-{i}-{uuid.uuid4().hex[:8]}"
            log = tmp_path / f"{name}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [str(TRACKER), "worker", "--name", name],
                    cwd=REPO,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: kill() takes the horse too
                )
            started.append(Worker(name, proc, log))
        _wait_registered(redis_url, [w.name for w in started[-count:]])
        return started[-count:]

    yield _start
    for worker in started:  # nothing to save at the end of a test: stop at once
        if worker.proc.poll() is None:
            os.killpg(worker.proc.pid, signal.SIGKILL)
            worker.proc.wait(timeout=10)


def _wait_registered(redis_url: str, names: list[str], timeout: float = 30) -> None:
    from redis import Redis
    from rq import Worker as RQWorker

    connection = Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if set(names) <= {w.name for w in RQWorker.all(connection=connection)}:
            return
        time.sleep(0.1)
    raise RuntimeError(f"workers {names} did not register with Redis")


def wait_for(predicate, timeout: float = 30, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
