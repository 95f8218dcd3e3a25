"""The stored jobs: add, pause, resume, enable, remove, list, history, status, cleanup.

Every change is one short ``BEGIN IMMEDIATE`` transaction and writes an action log row.
Times come from :func:`ptt.clock.now`, so ``PTT_NOW`` simulates them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from ptt import clock
from ptt.actions import ActionSource, log_action
from ptt.db import transaction
from ptt.errors import InvalidJobError, ScheduleError
from ptt.scheduler.kinds import validate_args
from ptt.scheduler.schedules import Schedule, load_zone, schedule_of

log = logging.getLogger(__name__)

CATCH_UP_POLICIES = ("latest", "all", "none")
DEFAULT_MAX_FAILURES = 5
# A job is overdue when its next slot is this far in the past with no run: enough for a
# tick that started late or waited behind another job.
GRACE_SECONDS = 300
EXECUTION_STATUSES = (
    "running",
    "success",
    "failed",
    "timed_out",
    "abandoned",
    "skipped",
)


@dataclass(frozen=True)
class JobSpec:
    """A job as ``ptt jobs add`` describes it, before it is checked and stored."""

    name: str
    kind: str
    args: dict[str, Any]
    cron: str | None = None
    interval_seconds: int | None = None
    timezone: str = "UTC"
    catch_up: str = "latest"
    max_failures: int = DEFAULT_MAX_FAILURES
    timeout_seconds: int | None = None


def job_schedule(job: sqlite3.Row | dict[str, Any]) -> Schedule:
    """Return the schedule of a stored job."""
    return schedule_of(
        cron=job["cron_expr"],
        interval_seconds=job["interval_seconds"],
        zone=job["timezone"],
    )


def first_slot(schedule: Schedule, now: dt.datetime, *, interval: bool) -> dt.datetime:
    """Return a new (or resumed) job's first slot: now for an interval, else the next."""
    return now.replace(microsecond=0) if interval else schedule.next_after(now)


def _check(spec: JobSpec, conn: sqlite3.Connection) -> tuple[Schedule, dict[str, Any]]:
    if not spec.name.strip() or spec.name != spec.name.strip():
        raise InvalidJobError("NAME: a job needs a name without surrounding spaces")
    if (spec.cron is None) == (spec.interval_seconds is None):
        raise InvalidJobError("give exactly one of --cron or --interval")
    if spec.interval_seconds is not None and spec.timezone != "UTC":
        raise InvalidJobError("--tz: applies to --cron schedules only")
    load_zone(spec.timezone)
    if spec.catch_up not in CATCH_UP_POLICIES:
        raise InvalidJobError(
            f"--catch-up: '{spec.catch_up}' is not a policy (known: "
            f"{', '.join(CATCH_UP_POLICIES)})"
        )
    if spec.max_failures < 1:
        raise InvalidJobError("--max-failures: must be at least 1")
    if spec.timeout_seconds is not None and spec.timeout_seconds < 1:
        raise InvalidJobError("--timeout: must be at least 1s")

    schedule = schedule_of(
        cron=spec.cron, interval_seconds=spec.interval_seconds, zone=spec.timezone
    )
    return schedule, validate_args(spec.kind, spec.args, conn)


def add_job(
    conn: sqlite3.Connection, spec: JobSpec, *, replace: bool = False
) -> dict[str, Any]:
    """Store a new job (or replace one of the same name) and return it."""
    schedule, args = _check(spec, conn)
    now = clock.now()
    next_run = clock.to_text(
        first_slot(schedule, now, interval=spec.interval_seconds is not None)
    )
    values = (
        spec.kind,
        json.dumps(args, sort_keys=True),
        "cron" if spec.cron is not None else "interval",
        spec.cron,
        spec.interval_seconds,
        spec.timezone,
        spec.catch_up,
        spec.max_failures,
        spec.timeout_seconds,
        next_run,
        clock.to_text(now),
    )

    with transaction(conn):
        existing = conn.execute(
            "SELECT id FROM scheduled_jobs WHERE name = ?", (spec.name,)
        ).fetchone()
        if existing and not replace:
            raise InvalidJobError(
                f"a job named '{spec.name}' exists (use --replace to change it)"
            )
        if existing:
            conn.execute(
                "UPDATE scheduled_jobs SET kind = ?, args = ?, schedule_type = ?, "
                "cron_expr = ?, interval_seconds = ?, timezone = ?, catch_up = ?, "
                "max_consecutive_failures = ?, timeout_seconds = ?, next_run_at = ?, "
                "updated_at = ?, is_enabled = 1, is_paused = 0, disabled_reason = NULL, "
                "disabled_at = NULL, consecutive_failures = 0 WHERE id = ?",
                (*values, existing["id"]),
            )
            job_id = int(existing["id"])
        else:
            cursor = conn.execute(
                "INSERT INTO scheduled_jobs (kind, args, schedule_type, cron_expr, "
                "interval_seconds, timezone, catch_up, max_consecutive_failures, "
                "timeout_seconds, next_run_at, created_at, updated_at, name) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*values, clock.to_text(now), spec.name),
            )
            job_id = int(cursor.lastrowid or 0)

    log_action(
        conn,
        "job_created",
        job_id=job_id,
        target=spec.name,
        details={
            "kind": spec.kind,
            "args": args,
            "schedule": schedule.describe(),
            "catch_up": spec.catch_up,
            "replaced": bool(existing),
            "next_run_at": next_run,
        },
    )
    log.info("Added job %s (%s), next run at %s.", spec.name, spec.kind, next_run)
    return get_job(conn, spec.name)


def get_job(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    """Return the stored job ``name``."""
    row = conn.execute(
        "SELECT * FROM scheduled_jobs WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        raise InvalidJobError(f"no job named '{name}' (see ptt jobs list)")
    return dict(row)


def describe_job(job: dict[str, Any]) -> dict[str, Any]:
    """Return a job as people read it: its schedule in words and its arguments."""
    return {
        "name": job["name"],
        "kind": job["kind"],
        "args": json.loads(job["args"] or "{}"),
        "schedule": job_schedule(job).describe(),
        "catch_up": job["catch_up"],
        "timeout_seconds": job["timeout_seconds"],
        "state": job_state(job),
        "next_run_at": job["next_run_at"],
        "last_run_at": job["last_run_at"],
        "last_status": job["last_status"],
        "consecutive_failures": job["consecutive_failures"],
        "max_consecutive_failures": job["max_consecutive_failures"],
        "disabled_reason": job["disabled_reason"],
        "disabled_at": job["disabled_at"],
    }


def job_state(job: dict[str, Any]) -> str:
    """Return enabled, paused or disabled."""
    if not job["is_enabled"]:
        return "disabled"
    return "paused" if job["is_paused"] else "enabled"


def list_jobs(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Return every stored job, by name."""
    rows = conn.execute("SELECT * FROM scheduled_jobs ORDER BY name").fetchall()
    return [describe_job(dict(row)) for row in rows]


def running_execution(conn: sqlite3.Connection, job_id: int) -> dict[str, Any] | None:
    """Return the job's running execution, if any."""
    row = conn.execute(
        "SELECT * FROM job_executions WHERE job_id = ? AND status = 'running'",
        (job_id,),
    ).fetchone()
    return dict(row) if row else None


def _change(
    conn: sqlite3.Connection,
    name: str,
    action: str,
    sql: str,
    params: tuple[Any, ...],
    *,
    source: ActionSource = "cli",
) -> dict[str, Any]:
    with transaction(conn):
        job = get_job(conn, name)
        conn.execute(sql, (*params, clock.now_text(), job["id"]))
    changed = get_job(conn, name)
    log_action(
        conn,
        action,
        source=source,
        job_id=job["id"],
        target=name,
        details={"next_run_at": changed["next_run_at"]},
    )
    return changed


def pause_job(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    """Pause a job: ticks leave it alone until it is resumed."""
    return _change(
        conn,
        name,
        "job_paused",
        "UPDATE scheduled_jobs SET is_paused = 1, updated_at = ? WHERE id = ?",
        (),
    )


def _restart_slot(job: dict[str, Any]) -> str:
    # Resuming or enabling starts from the next slot, never from the ones missed while
    # the job was off: that would be a burst of catch-up runs nobody asked for.
    schedule = job_schedule(job)
    now = clock.now()
    return clock.to_text(
        first_slot(schedule, now, interval=job["schedule_type"] == "interval")
    )


def resume_job(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    """Resume a paused job from its next slot."""
    job = get_job(conn, name)
    return _change(
        conn,
        name,
        "job_resumed",
        "UPDATE scheduled_jobs SET is_paused = 0, next_run_at = ?, updated_at = ? "
        "WHERE id = ?",
        (_restart_slot(job),),
    )


def enable_job(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    """Enable a job disabled by failures, resetting its failure count."""
    job = get_job(conn, name)
    return _change(
        conn,
        name,
        "job_enabled",
        "UPDATE scheduled_jobs SET is_enabled = 1, disabled_reason = NULL, "
        "disabled_at = NULL, consecutive_failures = 0, next_run_at = ?, updated_at = ? "
        "WHERE id = ?",
        (_restart_slot(job),),
    )


def remove_job(conn: sqlite3.Connection, name: str) -> None:
    """Remove a job; its executions stay in the history under its name."""
    with transaction(conn):
        job = get_job(conn, name)
        running = running_execution(conn, job["id"])
        if running:
            raise ScheduleError(
                f"job '{name}' is running (execution {running['id']}); remove it "
                "when the run ends, or pause it first"
            )
        conn.execute("DELETE FROM scheduled_jobs WHERE id = ?", (job["id"],))
    log_action(conn, "job_removed", job_id=job["id"], target=name)


HISTORY_COLUMNS = (
    "id",
    "job_name",
    "trigger",
    "scheduled_for",
    "started_at",
    "duration_seconds",
    "status",
    "error_type",
    "error_message",
    "metrics",
)


def history(
    conn: sqlite3.Connection,
    name: str | None = None,
    *,
    status: str | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Return the latest executions, newest first, of one job or all."""
    if status is not None and status not in EXECUTION_STATUSES:
        raise InvalidJobError(
            f"--status: '{status}' is not a status (known: "
            f"{', '.join(EXECUTION_STATUSES)})"
        )

    where: list[str] = []
    params: list[Any] = []
    if name is not None:
        where.append("job_name = ?")
        params.append(name)
    if status is not None:
        where.append("status = ?")
        params.append(status)
    sql = f"SELECT {', '.join(HISTORY_COLUMNS)} FROM job_executions"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY started_at DESC, id DESC LIMIT ?"
    return [dict(row) for row in conn.execute(sql, (*params, limit))]


def get_execution(conn: sqlite3.Connection, execution_id: int) -> dict[str, Any]:
    """Return one execution with its log."""
    row = conn.execute(
        "SELECT * FROM job_executions WHERE id = ?", (execution_id,)
    ).fetchone()
    if row is None:
        raise InvalidJobError(f"no execution {execution_id} (see ptt jobs history)")
    return dict(row)


STATUS_COLUMNS = (
    "job_name",
    "kind",
    "schedule",
    "timezone",
    "state",
    "next_run_at",
    "last_status",
    "last_started_at",
    "consecutive_failures",
    "max_consecutive_failures",
    "disabled_reason",
    "last_error",
)


def status_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Return the scheduled_jobs_status view, with overdue judged by ptt's clock."""
    limit = clock.to_text(clock.now() - dt.timedelta(seconds=GRACE_SECONDS))
    rows = []
    for row in conn.execute("SELECT * FROM scheduled_jobs_status ORDER BY job_name"):
        record = dict(row)
        # The view judges overdue by SQLite's clock; PTT_NOW must win here.
        if record["state"] in ("scheduled", "overdue"):
            late = record["next_run_at"] is not None and record["next_run_at"] < limit
            record["state"] = "overdue" if late else "scheduled"
        rows.append(record)
    return rows


def scheduler_state(conn: sqlite3.Connection) -> dict[str, str | None]:
    """Return what the scheduler keeps: when tick last ran, and by whom."""
    rows = conn.execute("SELECT key, value FROM scheduler_state").fetchall()
    return {row["key"]: row["value"] for row in rows}


def tick_health(conn: sqlite3.Connection) -> dict[str, Any]:
    """Return when tick last ran, by whom, and whether that is longer ago than it should."""
    state = scheduler_state(conn)
    last = state.get("last_tick_at")
    limit = clock.to_text(clock.now() - dt.timedelta(seconds=GRACE_SECONDS))
    return {
        "last_tick_at": last,
        "last_tick_pid": state.get("last_tick_pid"),
        "last_tick_host": state.get("last_tick_host"),
        # cron ticks every minute: a last tick older than the grace means it stopped.
        "tick_stale": last is None or last < limit,
    }


def cleanup_executions(
    conn: sqlite3.Connection,
    *,
    older_than_seconds: int,
    keep_execution_id: int | None = None,
) -> int:
    """Delete finished executions older than the age; keep running and latest ones."""
    cutoff = clock.to_text(clock.now() - dt.timedelta(seconds=older_than_seconds))
    with transaction(conn):
        cursor = conn.execute(
            "DELETE FROM job_executions WHERE status != 'running' "
            "AND COALESCE(finished_at, started_at, created_at) < ? AND id != ? "
            "AND id NOT IN (SELECT MAX(id) FROM job_executions GROUP BY job_name)",
            (cutoff, keep_execution_id or 0),
        )
    return cursor.rowcount
