"""A bulk insert that runs in a thread while the importer reads the next part of the file.

A million-row import alternates two kinds of work: reading and matching a part (Python, one
core) and inserting it (PostgreSQL's COPY: the server's own process). Done one after the
other, the import costs their sum; with the insert of part N running while part N+1 is
read, it costs closer to the larger of the two. SQLite inserts in line: its executemany
takes the GIL back for every row, and beside the importer's Python it ran twice as slow.

The insert uses the transaction's own connection, so nothing else may use that connection
until `wait()` returns: the importer waits before each of its other statements, and before
the transaction ends. An error of the insert is raised by `wait()`, so the import fails and
rolls back as if the insert had run in line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class BackgroundWrite:
    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, write: Callable[[], None]) -> None:
        """Run `write` in a thread, after the previous one has finished."""
        self.wait()

        def run() -> None:
            try:
                write()
            except BaseException as exc:  # handed to the importer's thread by wait()
                self._error = exc

        self._thread = threading.Thread(target=run, name="tracker-bulk-insert", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Block until the running insert is done; raise its error, if it failed."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
