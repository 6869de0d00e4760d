"""`tracker worker`: an RQ worker that runs tracker jobs; start one per core, on as many machines.

RQ forks a fresh work horse per job, so a recap's memory (WeasyPrint grows ~40 MB a render,
PERF.md) is returned to the system when the job ends, and a crash takes only that job down.
"""

from __future__ import annotations

import importlib
import os

from flask import Flask

from . import runner

_app: Flask | None = None
_engine_pid: int | None = None
# Loaded once by the worker, before RQ forks a work horse per job, so that every horse starts
# with them (shared copy-on-write) instead of importing them again: WeasyPrint and matplotlib
# cost ~1 s per recap job otherwise, for ~50 MB more in the worker. Only imports: nothing is
# rendered (no font or Cairo state) before the fork.
PRELOAD = ("tracker.reporting.pdf:preload", "tracker.charts:preload")


def preload(targets: tuple[str, ...] = PRELOAD) -> None:
    """Import the heavy modules jobs use (each target is "module:function")."""
    for target in targets:
        module, _, function = target.partition(":")
        getattr(importlib.import_module(module), function)()


def perform(job_id: int) -> str | None:
    """The RQ task: run one tracker job in this work horse."""
    global _engine_pid
    if _app is None:
        raise RuntimeError("tracker.jobs.worker.perform runs only inside `tracker worker`")
    if _engine_pid != os.getpid():
        # A forked horse must not reuse the parent's pooled connections.
        _app.extensions["tracker.engine"].dispose(close=False)
        _engine_pid = os.getpid()
    return runner.run_job(_app, job_id, worker=runner.worker_name())


def run_worker(
    app: Flask, *, queues: list[str], burst: bool = False, name: str | None = None
) -> None:
    global _app, _engine_pid
    from redis import Redis
    from rq import Worker

    _app = app
    _engine_pid = os.getpid()
    preload()
    connection = Redis.from_url(app.config["REDIS_URL"])
    worker = Worker(queues, connection=connection, name=name)
    worker.work(burst=burst, logging_level="INFO")
