"""Measure ``ptt tick`` with nothing due against starting a bare interpreter.

The database holds 50 jobs (none due) and 10,000 past executions. Both commands run
alternately, in the same process and on the same machine, and the script prints the
median wall time of each and their ratio. The target is a ratio under 4.

    python benchmarks/bench_tick.py [--runs 40]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

JOBS = 50
EXECUTIONS = 10_000
NOW = "2026-01-05T12:00:00Z"


def build_database(path: Path) -> None:
    """Create a database with JOBS jobs, none due at NOW, and EXECUTIONS past runs."""
    from ptt.db import connect, transaction

    conn = connect(path)
    with transaction(conn):
        for number in range(JOBS):
            conn.execute(
                "INSERT INTO scheduled_jobs (name, kind, args, schedule_type, "
                "interval_seconds, next_run_at, last_status) VALUES (?, 'command', "
                "'{\"command\": \"true\"}', 'interval', 3600, '2026-01-05T13:00:00Z', "
                "'success')",
                (f"job-{number:02d}",),
            )
        for number in range(EXECUTIONS):
            job = number % JOBS + 1
            hour = number // JOBS
            stamp = time.strftime(
                "%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_735_689_600 + hour * 3600)
            )
            conn.execute(
                "INSERT INTO job_executions (job_id, job_name, scheduled_for, trigger, "
                "status, started_at, finished_at, duration_seconds, log, metrics) "
                "VALUES (?, ?, ?, 'schedule', 'success', ?, ?, 0.2, ?, '{}')",
                (job, f"job-{job - 1:02d}", stamp, stamp, stamp, "line\n" * 20),
            )
    conn.close()


def timed(command: list[str], env: dict[str, str]) -> float:
    """Return the wall time of one run of the command, which must succeed."""
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    """Build the database, time both commands alternately, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    options = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="ptt-bench-tick-"))
    try:
        build_database(home / "ptt.db")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PTT_")}
        env.update(PTT_HOME=str(home), PTT_NOW=NOW)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        bare = [sys.executable, "-c", "pass"]
        tick = [sys.executable, "-m", "ptt", "tick"]
        script = Path(sys.executable).with_name("ptt")
        commands = {"python -c pass": bare, "python -m ptt tick": tick}
        if script.exists():
            commands["ptt tick"] = [str(script), "tick"]

        for command in commands.values():  # warm the file cache
            timed(command, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(options.runs):
            for name, command in commands.items():
                times[name].append(timed(command, env))

        from ptt.db import connect

        conn = connect(home / "ptt.db")
        ran = conn.execute(
            "SELECT COUNT(*) FROM job_executions WHERE started_at >= ?", (NOW,)
        ).fetchone()[0]
        assert ran == 0, "a job ran: the benchmark must have nothing due"
    finally:
        shutil.rmtree(home, ignore_errors=True)

    base = statistics.median(times["python -c pass"])
    print(
        f"{JOBS} jobs, {EXECUTIONS} executions, nothing due; {options.runs} runs each"
    )
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:20s} median {median * 1000:6.1f} ms  "
            f"(min {min(values) * 1000:6.1f} ms)  {median / base:4.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
