"""A throwaway PostgreSQL server for the test run: temporary directory, loopback, free port."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found: run `make pg-deps` (apt-get install postgresql)."
        )
    return Path(candidates[0])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> None:
    # initdb refuses to run as root (ENVIRONMENT.md); run the server as the postgres user then.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    done = subprocess.run(
        prefix + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:1])} failed: {done.stderr.strip()}")


@dataclass
class PostgresServer:
    root: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.root / "pg"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        bins = _bin_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            # The postgres user must be able to reach the directory through its parents.
            for parent in self.root.parents:
                if str(parent).startswith(tempfile.gettempdir() + os.sep):
                    parent.chmod(0o755)
            shutil.chown(self.root, "postgres")
        _as_postgres(
            [
                str(bins / "initdb"),
                "-D",
                str(self.data_dir),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
            ]
        )
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        _as_postgres(
            [
                str(bins / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-o",
                options,
                "-l",
                str(self.root / "server.log"),
                "-w",
                "start",
            ]
        )

    def stop(self) -> None:
        _as_postgres(
            [str(_bin_dir() / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"]
        )


def start_server(root: Path) -> PostgresServer:
    server = PostgresServer(root=root, port=_free_port())
    server.start()
    return server
