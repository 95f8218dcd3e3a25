"""The tick: reclaim dead leases, claim due slots, run each job, record the outcome.

A tick is a short-lived process that cron starts every minute. Its steps:

1. write ``scheduler_state.last_tick_at`` (with the tick's pid and host);
2. reclaim leases: a running execution whose owner process is dead (same host) or whose
   heartbeat stopped renewing the lease becomes ``abandoned``, counts as a failure, and
   its job is due again at once;
3. for each due job, claim a slot in one ``BEGIN IMMEDIATE`` transaction: insert the
   execution as ``running`` with a lease and move ``next_run_at`` on. The unique index on
   (job_id, scheduled_for) makes a second claim of one slot impossible, and the partial
   unique index on running executions makes two runs of one job at once impossible;
4. run the job body in a child process (``ptt.scheduler.worker``) with no transaction
   open, while a heartbeat thread, on its own connection, renews the lease; a run past
   its timeout is killed with its whole process group and recorded ``timed_out``;
5. record the outcome, the failure counter and the disabling in one short transaction,
   then the action log rows and the alerts.

Missed slots (the machine was off, cron was broken) follow the job's catch-up policy:
``latest`` runs once for the most recent one, ``all`` runs them in order, at most
:data:`CATCH_UP_LIMIT` per tick (older ones are skipped and the log says so), ``none``
skips to the next future slot. A slot counts as missed when it is more than
``GRACE_SECONDS`` (5 minutes) old.

Leases and heartbeats use the real clock; schedules, ``started_at`` and ``finished_at``
use :func:`ptt.clock.now`, which ``PTT_NOW`` overrides.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sqlite3
import sys
import time
from typing import TYPE_CHECKING

from ptt import clock
from ptt.config import Settings, load_settings
from ptt.db import connect, transaction
from ptt.processes import hostname, pid_alive

if TYPE_CHECKING:
    from ptt.scheduler.execution import RunResult

log = logging.getLogger(__name__)


def real_now() -> dt.datetime:
    """Return the real UTC time, whatever PTT_NOW says: leases live in real time."""
    return dt.datetime.now(dt.UTC)


class TickReport:
    """What one tick did."""

    def __init__(self) -> None:
        self.results: list[RunResult] = []

    @property
    def failed(self) -> bool:
        """Return whether a run of this tick did not succeed."""
        return any(result.status != "success" for result in self.results)


# Recording ----------------------------------------------------------------------------


def record_tick(conn: sqlite3.Connection) -> str:
    """Write when tick ran, and its pid and host, to scheduler_state."""
    now = clock.now_text()
    with transaction(conn):
        conn.executemany(
            "INSERT INTO scheduler_state (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            [
                ("last_tick_at", now, now),
                ("last_tick_pid", str(os.getpid()), now),
                ("last_tick_host", hostname(), now),
            ],
        )
    return now


# Leases -------------------------------------------------------------------------------


def reclaim_leases(conn: sqlite3.Connection, settings: Settings) -> list[int]:
    """Mark runs whose owner died or whose lease expired abandoned; return their ids."""
    real = clock.to_text(real_now())
    host = hostname()
    candidates = conn.execute(
        "SELECT id, owner_host, owner_pid, lease_expires_at FROM job_executions "
        "WHERE status = 'running'"
    ).fetchall()
    reclaimed: list[int] = []
    for row in candidates:
        expired = row["lease_expires_at"] is None or row["lease_expires_at"] < real
        dead = (
            row["owner_host"] == host
            and row["owner_pid"] is not None
            and not pid_alive(int(row["owner_pid"]))
        )
        if not (expired or dead):
            continue

        reason = (
            f"its process {row['owner_pid']} on {row['owner_host']} is gone"
            if dead
            else f"its lease expired at {row['lease_expires_at']} with no heartbeat"
        )
        from ptt.scheduler.execution import abandon

        if abandon(conn, settings, int(row["id"]), reason, dead=dead):
            reclaimed.append(int(row["id"]))
    return reclaimed


# Claiming -----------------------------------------------------------------------------


def due_job_ids(conn: sqlite3.Connection, now: dt.datetime) -> list[int]:
    """Return the enabled, unpaused jobs whose next slot has come, earliest first."""
    rows = conn.execute(
        "SELECT id FROM scheduled_jobs WHERE is_enabled = 1 AND is_paused = 0 "
        "AND next_run_at IS NOT NULL AND next_run_at <= ? ORDER BY next_run_at, id",
        (clock.to_text(now),),
    ).fetchall()
    return [int(row["id"]) for row in rows]


# The tick ------------------------------------------------------------------------------


def tick(conn: sqlite3.Connection, settings: Settings) -> TickReport:
    """Run every due job once (missed slots per policy) and return what happened."""
    report = TickReport()
    record_tick(conn)
    reclaim_leases(conn, settings)
    now = clock.now()
    due = due_job_ids(conn, now)
    if not due:
        return report

    from ptt.scheduler import execution
    from ptt.scheduler.execution import claim_due, run_claim

    for job_id in due:
        for _ in range(execution.CATCH_UP_LIMIT):
            claim = claim_due(conn, settings, job_id, now)
            if claim is None:
                break
            report.results.append(run_claim(conn, settings, claim))
            if claim.catch_up != "all":
                break
    return report


# The fast entry point -----------------------------------------------------------------


USAGE = """usage: ptt tick [-h] [--watch] [--db PATH] [-v]

Run every due job once and exit (cron calls this every minute).

options:
  -h, --help     show this help and exit
  --watch        stay in the foreground and tick at the start of every minute
  --db PATH      database file (default: $PTT_DB, else $PTT_HOME/ptt.db)
  -v, --verbose  show more on stderr (-vv: debug)
"""


def tick_main(argv: list[str]) -> int:
    """Run ``ptt tick [--watch]``; return 1 when a run of the last tick failed."""
    # Read by hand: argparse alone would add a tenth to a tick with nothing due.
    watch, db, verbosity = False, None, 0
    args = iter(argv)
    for arg in args:
        if arg in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        if arg == "--watch":
            watch = True
        elif arg in ("-v", "--verbose", "-vv"):
            verbosity += 2 if arg == "-vv" else 1
        elif arg == "--db" or arg.startswith("--db="):
            db = arg[5:] if arg.startswith("--db=") else next(args, None)
            if not db:
                sys.stderr.write(USAGE + "Error: --db needs a path\n")
                return 2
        else:
            sys.stderr.write(USAGE + f"Error: no such option: {arg}\n")
            return 2
    return run_ticks(db=db, watch=watch, verbosity=verbosity)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run_ticks(*, db: str | None, watch: bool, verbosity: int) -> int:
    """Tick once, or every minute with ``watch``; return the last tick's exit code."""
    from ptt.logs import setup_logging

    settings = load_settings(db)
    setup_logging(settings.log_dir, verbosity, settings.debug)
    # A service manager stops --watch with SIGTERM: end as on Ctrl-C, runs recorded.
    signal.signal(signal.SIGTERM, _interrupt)
    conn = connect(settings.db_path)
    while True:
        report = tick(conn, settings)
        if not watch:
            return 1 if report.failed else 0
        # Tick again at the start of the next minute, as cron would.
        time.sleep(60 - time.time() % 60)
