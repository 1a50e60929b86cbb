"""The Butler repository is never written: every command and every screen runs on a read-only mount of it and
changes nothing."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from extract_support import TESTS

from spectui.core.demo.build import RUNS

LATEST = "u/dagoret/auxtel_latest"


def fingerprint(root: Path) -> dict[str, str]:
    """Size, mtime and content hash of every file under the repository."""
    prints = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.suffix == ".sqlite3" else ""
            prints[str(path.relative_to(root))] = f"{stat.st_size}:{stat.st_mtime_ns}:{digest}"
    return prints


def test_every_command_and_screen_works_on_a_read_only_repository(demo_repo, tmp_path):
    spectui = str(Path(sys.executable).parent / "spectui")
    before = fingerprint(demo_repo)
    mount = tmp_path / "ro"
    out = tmp_path / "out"
    out.mkdir()
    commands = [
        f"collections '*' --repo {mount}",
        f"exposures --repo {mount} -o {out}/exposures.parquet",
        f"missing --repo {mount} -c {LATEST} -o {out}/status.csv --summary {out}/summary.csv",
        f"missing --repo {mount} -c {LATEST} --requery missing",
        f"extract --repo {mount} -c {RUNS[2].name} -o {out}/results.parquet --workers 2",
        f"compare {RUNS[2].name} {RUNS[1].name} --repo {mount}",
    ]
    screens = f"{sys.executable} {TESTS / 'read_only_screens.py'} {mount} {RUNS[2].name}"
    script = "set -e\n" + f"mkdir -p {mount}\nmount --bind {demo_repo} {mount}\nmount -o remount,ro,bind {mount}\n"
    script += f"touch {mount}/probe 2>/dev/null && exit 3\n"
    script += "".join(f"{spectui} {command} > /dev/null\n" for command in commands)
    script += f"cd {out}\n{screens}\n"
    assert shutil.which("unshare"), "the read-only mount needs util-linux's unshare"
    done = subprocess.run(["unshare", "--map-root-user", "--mount", "sh", "-c", script],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert fingerprint(demo_repo) == before
    results = pd.read_parquet(out / "results.parquet")
    assert len(results) > 100 and (results["status"] == "ok").sum() > 100
    assert len(pd.read_csv(out / "status.csv")) == len(pd.read_parquet(out / "exposures.parquet"))
