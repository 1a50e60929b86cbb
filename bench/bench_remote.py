"""Extraction through a Butler server behind 50 ms of latency per request, against direct local extraction.

The 3-night demo is extracted twice with 2 workers: directly (local SQLite registry and files, the records-table
fast path) and through the test Butler server (tests/butler_server.py: the demo copied to moto's S3, one
`getURI` request per file, files read by presigned URL), reached through a proxy that holds each request
50 ms, as a distant server would, and without the proxy (what the delay itself costs). The presigned file reads go
to the local S3 server without the delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import OUT, big_demo, report

COLLECTION = "u/dagoret/auxtel_run_20251022_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_a"
DELAY = 0.050
WORKERS = 2


class DelayingProxy:
    """A TCP proxy on 127.0.0.1 that holds what the client sends (each request) for `delay` seconds."""

    def __init__(self, target_port: int, delay: float) -> None:
        self.target_port, self.delay = target_port, delay
        self.loop = asyncio.new_event_loop()
        self.started = threading.Event()
        self.port = 0
        threading.Thread(target=self._run, daemon=True).start()
        self.started.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.started.set()
        self.loop.run_forever()

    async def _handle(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(self._pipe(client_reader, server_writer, self.delay),
                             self._pipe(server_reader, client_writer, 0.0))

    @staticmethod
    async def _pipe(reader, writer, delay: float) -> None:
        try:
            while data := await reader.read(65536):
                if delay:
                    await asyncio.sleep(delay)
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()


def processor_seconds(pids: list[int]) -> float:
    """User and system time used so far by these processes and their children."""
    import psutil

    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            process = psutil.Process(pid)
            for each in (process, *process.children(recursive=True)):
                with contextlib.suppress(psutil.NoSuchProcess):
                    times = each.cpu_times()
                    total += times.user + times.system
    return total


def extraction_seconds(repo: str, servers: list[int] = ()) -> tuple[float, int, float]:
    """Wall time, rows, and the processor time the servers (`servers`' pids) used meanwhile."""
    from spectui.core.extraction.extract import extract

    before = processor_seconds(servers)
    start = time.perf_counter()
    result = extract(repo, COLLECTION, workers=WORKERS, executor="process")
    return time.perf_counter() - start, len(result.frame), processor_seconds(servers) - before


def main() -> None:
    from butler_server import ButlerServers

    demo = big_demo(3)
    folder = Path(tempfile.mkdtemp(prefix="servers-", dir=OUT))
    servers = ButlerServers(folder)
    try:
        servers.start(demo)
        os.environ.update(servers.client_env)
        pids = [process.pid for process in servers.processes]
        local, rows, _ = extraction_seconds(str(demo))
        near, _, near_cpu = extraction_seconds(servers.url, pids)
        proxy = DelayingProxy(servers.butler_port, DELAY)
        remote, remote_rows, remote_cpu = extraction_seconds(
            servers.url.replace(f":{servers.butler_port}/", f":{proxy.port}/"), pids)
    finally:
        servers.stop()
    if rows != remote_rows:
        sys.exit(f"the remote extraction gave {remote_rows} rows, the local one {rows}")
    print(f"{rows} visits: local {local:.1f} s; through the server {near:.1f} s, with {DELAY * 1000:.0f} ms a "
          f"request {remote:.1f} s; the servers used {near_cpu:.1f} s and {remote_cpu:.1f} s of processor "
          f"({os.cpu_count()} cores shared with the workers)", file=sys.stderr)
    report("remote / local extraction, 2 workers, 50 ms a request", remote / local, "x", "< 3", remote / local < 3)
    report("server with 50 ms a request / without", remote / near, "x", "", None)
    report("processor time of the Butler and S3 servers during the 50 ms run / its wall time", remote_cpu / remote,
           "x", "", None)


if __name__ == "__main__":
    main()
