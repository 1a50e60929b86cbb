"""Real servers for the remote tests: moto's S3 server and lsst-daf-butler's Butler server, on 127.0.0.1.

The Butler server needs Python 3.13, so it runs from a virtual environment of its own (`.venv-server/`, built
once from PyPI and reused). The demo repository is copied with its files in an S3 bucket: its registry stays a
local SQLite file, its datastore root is `s3://`, as for USDF's embargo repository. The server serves it under
the name `demo` behind a token check standing in for Gafaelfawr: no token is a 401, another token a 403.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from postgres_server import free_port

ROOT = Path(__file__).resolve().parent.parent
SERVER_VENV = Path(os.environ.get("SPECTUI_SERVER_VENV", ROOT / ".venv-server"))
BUTLER_VERSION = "30.2026.4300"
SERVER_PACKAGES = (f"lsst-daf-butler[server,s3]=={BUTLER_VERSION}", "moto[server]")
REPOSITORY = "demo"
BUCKET = "spectui-demo"
TOKEN = "spectui-test-token"
USER = "spectui-tester"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
UPLOADS = 16

PARENT_WATCH = """
import os
import sys
import threading
import time

parent = os.getppid()


def leave_with_parent():
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


threading.Thread(target=leave_with_parent, daemon=True).start()
"""
"""Run first in each server: it stops when the test run that started it dies without stopping it."""

MOTO = PARENT_WATCH + """
from moto.server import main

main(sys.argv[1:])
"""

LAUNCHER = PARENT_WATCH + """
import uvicorn
from fastapi.responses import JSONResponse
from lsst.daf.butler.remote_butler.server import create_app

port, token, user = int(sys.argv[1]), sys.argv[2], sys.argv[3]
app = create_app()


@app.middleware("http")
async def gafaelfawr(request, call_next):
    path = request.url.path
    if path.startswith("/api/butler/repo/") and not path.endswith(("/butler.yaml", "/butler.json")):
        given = request.headers.get("authorization", "")
        if not given.startswith("Bearer "):
            return JSONResponse({"detail": "Authorization header is missing"}, status_code=401)
        if given != f"Bearer {token}":
            return JSONResponse({"detail": "Invalid token"}, status_code=403)
        request.scope["headers"].append((b"x-auth-request-user", user.encode()))
    return await call_next(request)


uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


class ServersUnavailable(RuntimeError):
    """The test servers could not be built or started; the message says why."""


def python313() -> str:
    """A Python 3.13 interpreter: SPECTUI_SERVER_PYTHON, pyenv's newest 3.13, or python3.13 on the PATH."""
    if os.environ.get("SPECTUI_SERVER_PYTHON"):
        return os.environ["SPECTUI_SERVER_PYTHON"]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(pyenv.glob("3.13.*/bin/python3.13"))
    if found:
        return str(found[-1])
    on_path = shutil.which("python3.13")
    if on_path:
        return on_path
    raise ServersUnavailable("no Python 3.13 for the Butler server: install one (pyenv install 3.13) or set "
                             "SPECTUI_SERVER_PYTHON")


def server_venv() -> Path:
    """The server's virtual environment, built from PyPI the first time (about 80 s), then reused."""
    ready = SERVER_VENV / "spectui-ready"
    if ready.is_file() and ready.read_text() == "\n".join(SERVER_PACKAGES):
        return SERVER_VENV
    shutil.rmtree(SERVER_VENV, ignore_errors=True)
    steps = ([python313(), "-m", "venv", str(SERVER_VENV)],
             [str(SERVER_VENV / "bin/python"), "-m", "pip", "install", "--quiet", *SERVER_PACKAGES])
    for step in steps:
        done = subprocess.run(step, check=False, capture_output=True, text=True, timeout=900)
        if done.returncode:
            last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:]
            raise ServersUnavailable(f"building {SERVER_VENV} failed: {' '.join(last)}")
    ready.write_text("\n".join(SERVER_PACKAGES))
    return SERVER_VENV


def s3_repository(demo: Path, folder: Path, endpoint: str) -> Path:
    """A copy of the demo repository whose files are in the bucket: local registry, `s3://` datastore root."""
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, **_boto_keys())
    client.create_bucket(Bucket=BUCKET)
    files = [path for path in demo.rglob("*") if path.is_file() and path.parent != demo]
    with ThreadPoolExecutor(UPLOADS) as pool:
        list(pool.map(lambda path: client.put_object(Bucket=BUCKET, Key=f"repo/{path.relative_to(demo)}",
                                                     Body=path.read_bytes()), files))
    folder.mkdir(parents=True)
    shutil.copy(demo / "gen3.sqlite3", folder / "gen3.sqlite3")
    demo_config = (demo / "butler.yaml").read_text()
    # The registry knows the datastore by the name it had when the demo was built: keep that name.
    config = demo_config.replace("  root: <butlerRoot>",
                                 f"  root: s3://{BUCKET}/repo/\n  name: FileDatastore@<butlerRoot>")
    config = config.replace("sqlite:///<butlerRoot>/", f"sqlite:///{folder}/")
    if config.count(BUCKET) != 1 or str(folder) not in config:
        raise ServersUnavailable(f"the demo's butler.yaml has an unexpected shape: {demo / 'butler.yaml'}")
    (folder / "butler.yaml").write_text(config)
    return folder


def _boto_keys() -> dict[str, str]:
    return {"aws_access_key_id": S3_KEYS["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": S3_KEYS["AWS_SECRET_ACCESS_KEY"], "region_name": S3_KEYS["AWS_DEFAULT_REGION"]}


class ButlerServers:
    """moto's S3 server and the Butler server serving an S3 copy of the demo as `demo`; `stop` ends both."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: list[subprocess.Popen] = []
        self.s3_port = free_port()
        self.butler_port = free_port()
        self.repo: Path | None = None

    @property
    def s3_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @property
    def url(self) -> str:
        """The repository's Butler URL, as `--repo` takes it."""
        return f"http://127.0.0.1:{self.butler_port}/api/butler/repo/{REPOSITORY}/butler.yaml"

    @property
    def client_env(self) -> dict[str, str]:
        """What a client needs: the token, and the S3 endpoint and keys for the S3 repository read directly."""
        return {"BUTLER_RUBIN_ACCESS_TOKEN": TOKEN, "S3_ENDPOINT_URL": self.s3_endpoint, **S3_KEYS}

    def start(self, demo: Path) -> ButlerServers:
        """Build or reuse the server environment, start S3, fill the bucket, start the Butler server."""
        venv = server_venv()
        server_env = {**os.environ, "S3_ENDPOINT_URL": self.s3_endpoint, **S3_KEYS}
        self._spawn("s3", [str(venv / "bin/python"), "-c", MOTO, "-H", "127.0.0.1", "-p", str(self.s3_port)],
                    server_env)
        self._wait(f"{self.s3_endpoint}/moto-api/", "the S3 server (moto)")
        self.repo = s3_repository(demo, self.folder / "s3-repo", self.s3_endpoint)
        repositories = {REPOSITORY: {"config_uri": str(self.repo / "butler.yaml"), "authorized_groups": ["*"]}}
        server_env.update(DAF_BUTLER_SERVER_REPOSITORIES=json.dumps(repositories),
                          DAF_BUTLER_SERVER_GAFAELFAWR_URL="DISABLED",
                          DAF_BUTLER_SERVER_AUTHENTICATION="rubin_science_platform")
        self._spawn("butler", [str(venv / "bin/python"), "-c", LAUNCHER, str(self.butler_port), TOKEN, USER],
                    server_env)
        self._wait(self.url, "the Butler server")
        return self

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 (the server writes it while it runs)
        self.processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                               cwd=self.folder, start_new_session=True))
        log.close()

    def _wait(self, url: str, what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        process = self.processes[-1]
        while True:
            if process.poll() is not None:
                raise ServersUnavailable(f"{what} stopped at once: {self._log_tail(process)}")
            try:
                with urllib.request.urlopen(url, timeout=5):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise ServersUnavailable(f"{what} did not answer in {timeout:.0f} s: {self._log_tail(process)}")
            time.sleep(0.2)

    def _log_tail(self, process: subprocess.Popen) -> str:
        name = "s3" if process is self.processes[0] else "butler"
        lines = (self.folder / f"{name}.log").read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else "it wrote nothing"

    def stop(self) -> None:
        """Stop both servers (each in its own session, children included)."""
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


if __name__ == "__main__":
    print(server_venv(), file=sys.stderr)
