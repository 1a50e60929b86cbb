"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temporary cluster on 127.0.0.1, trust login."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

INSTALL_HINT = "install Debian's PostgreSQL server (as root: apt-get install postgresql)"
DATABASE = "spectui"


class PostgresUnavailable(RuntimeError):
    """The server could not be found or started; the message says why and what to do."""


def server_binaries(installed: Path = Path("/usr/lib/postgresql")) -> Path:
    """The newest installed server's bin folder (Debian keeps one per major version under `installed`)."""
    found = sorted(installed.glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    on_path = shutil.which("postgres")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable(f"no PostgreSQL server found: {INSTALL_HINT}.")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """A cluster in a temporary folder, run by the `postgres` account when the tests run as root (the server
    refuses root), listening on 127.0.0.1 only; `stop` removes everything."""

    def __init__(self) -> None:
        self.bin = server_binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="spectui-postgres-"))
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *args: str) -> None:
        done = subprocess.run([str(self.bin / args[0]), *args[1:]], capture_output=True, text=True,
                              user=self.user, cwd=self.folder, timeout=120)
        if done.returncode:
            last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:]
            raise PostgresUnavailable(f"{args[0]} failed: {' '.join(last)}")

    def start(self) -> PostgresServer:
        """Create the cluster and the database (with btree_gist, which the Butler needs) and wait for it."""
        if self.user:
            shutil.chown(self.folder, self.user)
        self._run("initdb", "-D", "data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        log = open(self.folder / "server.log", "w")  # noqa: SIM115 (the server writes it while it runs)
        if self.user:
            shutil.chown(self.folder / "server.log", self.user)
        self.process = subprocess.Popen(
            [str(self.bin / "postgres"), "-D", "data", "-h", "127.0.0.1", "-p", str(self.port), "-k", str(self.folder),
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=200"],
            cwd=self.folder, user=self.user, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self._wait_ready()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", DATABASE)
        self._run("psql", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", DATABASE,
                  "-c", "CREATE EXTENSION btree_gist")
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise PostgresUnavailable(f"the server stopped at once: {self._log_tail()}")
            probe = subprocess.run([str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)])
            if probe.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise PostgresUnavailable(f"the server did not answer in {timeout:.0f} s: {self._log_tail()}")
            time.sleep(0.1)

    def _log_tail(self) -> str:
        lines = (self.folder / "server.log").read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "it wrote nothing"

    def stop(self) -> None:
        """Stop the server (fast shutdown: it does not wait for clients to leave) and remove the cluster."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
