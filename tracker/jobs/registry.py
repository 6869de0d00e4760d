"""Job kinds and the function that does each: {kind: handler(session, job, progress, **arguments)}.

A handler works inside ONE transaction on `session`: the runner commits it together with the
job's "done" status, or rolls it back on error or when the worker dies, so a job either leaves
all of its writes or none. It reports progress through `progress(done, total)` (cheap: kept in
memory, written by the heartbeat thread) and returns a JSON-serialisable dict, the job's result.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from sqlmodel import Session

from ..models import Job


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None) -> None: ...


Handler = Callable[..., dict[str, Any] | None]

HANDLERS: dict[str, Handler] = {}
BUILTIN_MODULES = ("tracker.jobs.handlers",)
# Kinds whose handler lives with its area, imported the first time a job of that kind is seen
# (so app start-up does not pay for the importers).
PLUGINS = {
    "import": "tracker.importers.commit",
    "import_preview": "tracker.importers.commit",
}


class JobError(Exception):
    """A failure the user can act on; its message is shown on the job page as it is."""


class UnknownJobKind(KeyError):
    pass


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `kind`."""

    def decorator(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return decorator


def get(kind: str) -> Handler:
    if kind not in HANDLERS:
        # Its area's module registers it on import; try that one, then every known area.
        for module in dict.fromkeys([PLUGINS.get(kind), *PLUGINS.values()]):
            if module is not None and kind not in HANDLERS:
                importlib.import_module(module)
    try:
        return HANDLERS[kind]
    except KeyError:
        raise UnknownJobKind(kind) from None


def load(extra_modules: Iterable[str] = ()) -> None:
    """Import the modules whose import registers handlers (cheap: handlers import lazily)."""
    for name in (*BUILTIN_MODULES, *(m.strip() for m in extra_modules if m.strip())):
        importlib.import_module(name)


def run_handler(session: Session, job: Job, progress: Progress) -> dict[str, Any]:
    import json

    arguments = json.loads(job.arguments or "{}")
    return get(job.kind)(session, job, progress, **arguments) or {}
