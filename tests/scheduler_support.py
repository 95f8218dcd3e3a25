"""Running ptt's scheduler as cron does, and reading what it recorded."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.helpers import ROOT, ptt_env, run_ptt

T0 = "2026-01-05T00:00:00Z"


def ptt(
    home: Path, *args: str, now: str | None = T0, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ptt with the clock at ``now``."""
    if now is not None:
        env["PTT_NOW"] = now
    return run_ptt(home, *args, **env)


def add(home: Path, name: str, *args: str, now: str = T0) -> None:
    """Add a job (in this process, to keep the suite quick), as ``ptt jobs add``."""
    from ptt.__main__ import main

    saved = {key: os.environ.get(key) for key in ("PTT_HOME", "PTT_NOW", "PTT_DB")}
    os.environ.update(PTT_HOME=str(home), PTT_NOW=now)
    os.environ.pop("PTT_DB", None)
    try:
        code = main(["jobs", "add", name, *args])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert code == 0, f"ptt jobs add {name} failed"


def tick(home: Path, now: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run one ``ptt tick`` at ``now``."""
    return ptt(home, "tick", now=now, **env)


def start_tick(home: Path, now: str, **env: str) -> subprocess.Popen[str]:
    """Start ``ptt tick`` in the background at ``now``."""
    return subprocess.Popen(
        [sys.executable, "-m", "ptt", "tick"],
        cwd=ROOT,
        env=ptt_env(home, PTT_NOW=now, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def db(home: Path) -> sqlite3.Connection:
    """Return a plain connection to the test database."""
    conn = sqlite3.connect(home / "ptt.db", timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


def executions(home: Path, name: str | None = None) -> list[dict[str, Any]]:
    """Return the recorded executions, oldest first."""
    sql = "SELECT * FROM job_executions"
    params: tuple[str, ...] = ()
    if name is not None:
        sql += " WHERE job_name = ?"
        params = (name,)
    with db(home) as conn:
        return [dict(row) for row in conn.execute(sql + " ORDER BY id", params)]


def job(home: Path, name: str) -> dict[str, Any]:
    """Return the stored job."""
    with db(home) as conn:
        row = conn.execute("SELECT * FROM scheduled_jobs WHERE name = ?", (name,))
        return dict(row.fetchone())


def actions(home: Path, action_type: str) -> list[dict[str, Any]]:
    """Return the action log rows of one type, oldest first."""
    with db(home) as conn:
        rows = conn.execute(
            "SELECT * FROM action_logs WHERE action_type = ? ORDER BY id",
            (action_type,),
        )
        return [dict(row) for row in rows]


def wait_for(condition: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Return the first true value of ``condition``, polling until the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("the condition did not come true in time")


def running(home: Path, name: str) -> dict[str, Any] | None:
    """Return the job's running execution, if any."""
    return next((e for e in executions(home, name) if e["status"] == "running"), None)


def process_gone(pid: int) -> bool:
    """Return whether the process is gone (or a zombie nobody reaped yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"
