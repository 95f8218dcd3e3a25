"""One run of a job: claim its slot, run its body in a child process, record how it ended.

The claim is one short ``BEGIN IMMEDIATE`` transaction that inserts the execution as
``running`` with a lease (this process's host and pid, and an expiry) and moves the
job's ``next_run_at`` on. The body then runs in ``python -m ptt.scheduler.worker``, a
child in a process group of its own, with no transaction open; a :class:`Heartbeat`
thread on its own connection renews the lease meanwhile. A run past its timeout is
stopped (SIGTERM, then SIGKILL, to the whole group) and recorded ``timed_out``; a child
that dies without reporting is a ``failed`` run, and the tick goes on. Recording the
outcome, the failure counter and the disabling is one more short transaction, followed
by the action log rows and the alerts.

A thread cannot be stopped and a crashing job would take the tick with it, which is why
the body runs in a child process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptt import clock
from ptt.config import Settings
from ptt.db import connect, transaction
from ptt.errors import ScheduleError
from ptt.logs import REPORTED_AT_EXIT, LogCapture
from ptt.processes import hostname
from ptt.scheduler.runner import real_now, reclaim_leases

log = logging.getLogger(__name__)

CATCH_UP_LIMIT = 100
FAILING = ("failed", "timed_out", "abandoned")
# How long a killed job's process group gets between SIGTERM and SIGKILL.
KILL_GRACE_SECONDS = 3.0
# The most of a run's stderr kept as its log when the run could not report its own.
STDERR_LOG_LIMIT = 64 * 1024
_OUTCOME = frozenset(
    ("status", "finished_at", "duration_seconds", "error_type", "error_message",
     "traceback", "log", "log_truncated", "metrics", "lease_expires_at")
)  # fmt: skip


@dataclass
class Claim:
    """A slot this process has claimed and must run and record."""

    execution_id: int
    job_id: int
    job_name: str
    kind: str
    args: dict[str, Any]
    trigger: str
    scheduled_for: str | None
    timeout_seconds: int | None
    catch_up: str


@dataclass
class RunResult:
    """How one execution ended."""

    execution_id: int
    job_name: str
    status: str
    error_type: str | None = None
    error_message: str | None = None
    duration_seconds: float = 0.0
    metrics: dict[str, Any] = field(default_factory=dict)


# Recording ----------------------------------------------------------------------------


@dataclass
class _Finished:
    """What recording an outcome changed, for the action log and the alerts."""

    job_id: int | None
    job_name: str
    status: str
    trigger: str
    consecutive_failures: int
    events: list[str]
    disabled_reason: str | None


def _record_outcome(
    conn: sqlite3.Connection,
    execution_id: int,
    values: dict[str, Any],
    *,
    retry_at: str | None = None,
) -> _Finished | None:
    """Finish a running execution and update its job's counters, in one transaction."""
    status = values["status"]
    with transaction(conn):
        execution = conn.execute(
            "SELECT * FROM job_executions WHERE id = ?", (execution_id,)
        ).fetchone()
        if execution is None or execution["status"] != "running":
            return None

        # Only the outcome's own columns: the values partly come from the worker's file.
        values = {key: value for key, value in values.items() if key in _OUTCOME}
        columns = ", ".join(f"{key} = ?" for key in values)
        conn.execute(
            f"UPDATE job_executions SET {columns} WHERE id = ?",
            (*values.values(), execution_id),
        )
        job = None
        if execution["job_id"] is not None:
            job = conn.execute(
                "SELECT * FROM scheduled_jobs WHERE id = ?", (execution["job_id"],)
            ).fetchone()
        if job is None:
            return _Finished(None, execution["job_name"], status,
                             execution["trigger"], 0, [], None)  # fmt: skip

        events: list[str] = []
        reason = None
        failures = int(job["consecutive_failures"])
        if status == "success":
            # Recovered: a success after failures (even when `jobs enable` reset them).
            if failures > 0 or job["last_status"] in FAILING:
                events.append("job_recovered")
            failures = 0
        elif status in FAILING:
            failures += 1
            events.append("job_failed")
        disable = (
            status in FAILING
            and job["is_enabled"]
            and failures >= job["max_consecutive_failures"]
        )
        if disable:
            reason = (
                f"{failures} consecutive failures (the last: {status}: "
                f"{values.get('error_message') or 'no message'})"
            )
            events.append("job_disabled")

        now = clock.now_text()
        conn.execute(
            "UPDATE scheduled_jobs SET consecutive_failures = ?, last_run_at = ?, "
            "last_status = ?, next_run_at = COALESCE(?, next_run_at), updated_at = ?, "
            "is_enabled = CASE WHEN ? THEN 0 ELSE is_enabled END, "
            "disabled_reason = CASE WHEN ? THEN ? ELSE disabled_reason END, "
            "disabled_at = CASE WHEN ? THEN ? ELSE disabled_at END WHERE id = ?",
            (failures, execution["started_at"], status, retry_at, now,
             disable, disable, reason, disable, now, job["id"]),
        )  # fmt: skip
    return _Finished(
        int(job["id"]),
        job["name"],
        status,
        execution["trigger"],
        failures,
        events,
        reason,
    )


def _after_outcome(
    conn: sqlite3.Connection,
    settings: Settings,
    finished: _Finished,
    execution_id: int,
    result: RunResult,
) -> None:
    from ptt.actions import log_action
    from ptt.scheduler import alerts

    source = {"manual": "cli", "recovery": "recovery"}.get(
        finished.trigger, "scheduled_job"
    )
    action_type = "job_executed"
    if finished.status == "abandoned":
        action_type, source = "job_recovered", "recovery"
    log_action(
        conn,
        action_type,
        status="completed" if finished.status == "success" else "failed",
        source=source,  # type: ignore[arg-type]
        job_id=finished.job_id,
        execution_id=execution_id,
        target=finished.job_name,
        details={
            "status": finished.status,
            "trigger": finished.trigger,
            "consecutive_failures": finished.consecutive_failures,
            "totals": result.metrics.get("totals", result.metrics),
        },
        result=f"{finished.job_name}: {finished.status}",
        error=result.error_message if finished.status != "success" else None,
        duration=result.duration_seconds,
    )
    if "job_disabled" in finished.events:
        log.error(
            "Job %s is disabled after %s consecutive failures; "
            "`ptt jobs enable %s` turns it back on.",
            finished.job_name,
            finished.consecutive_failures,
            finished.job_name,
        )
        log_action(
            conn,
            "job_disabled",
            status="completed",
            source="scheduled_job" if source == "cli" else source,  # type: ignore[arg-type]
            job_id=finished.job_id,
            execution_id=execution_id,
            target=finished.job_name,
            result=finished.disabled_reason,
        )
    for event in finished.events:
        alert = alerts.Alert(
            event=event,
            job=finished.job_name,
            execution_id=execution_id,
            status=finished.status,
            error=result.error_message if finished.status != "success" else None,
            consecutive_failures=finished.consecutive_failures,
            time=clock.now_text(),
        )
        try:
            alerts.send_alert(conn, settings, alert)
        except Exception:
            # An alert must never fail the job, nor stop the tick's other jobs.
            log.exception("The alert %s for job %s failed.", event, finished.job_name)


# Leases -------------------------------------------------------------------------------


def abandon(
    conn: sqlite3.Connection,
    settings: Settings,
    execution_id: int,
    reason: str,
    *,
    dead: bool,
) -> bool:
    execution = conn.execute(
        "SELECT scheduled_for, owner_pid FROM job_executions WHERE id = ?",
        (execution_id,),
    ).fetchone()
    now = clock.now()
    # At least a second after the lost slot, so that the retry has a slot of its own.
    retry = now
    if execution and execution["scheduled_for"]:
        lost_slot = clock.from_text(execution["scheduled_for"])
        retry = max(now, lost_slot + dt.timedelta(seconds=1))
    values = {
        "status": "abandoned",
        "finished_at": clock.to_text(now),
        "error_type": "OwnerDied" if dead else "LeaseExpired",
        "error_message": f"run abandoned: {reason}",
        "lease_expires_at": None,
    }
    finished = _record_outcome(
        conn, execution_id, values, retry_at=clock.to_text(retry)
    )
    if finished is None:
        return False

    log.warning(
        "Reclaimed execution %s of job %s: %s; the job is due again.",
        execution_id,
        finished.job_name,
        reason,
    )
    result = RunResult(execution_id, finished.job_name, "abandoned", values["error_type"],
                       values["error_message"])  # fmt: skip
    _after_outcome(conn, settings, finished, execution_id, result)
    if dead and execution and execution["owner_pid"]:
        _remove_workdirs(execution_id, int(execution["owner_pid"]))
    return True


def _workdir_prefix(execution_id: int, pid: int) -> str:
    return f"ptt-run-{execution_id}-{pid}-"


def _remove_workdirs(execution_id: int, pid: int) -> None:
    # What a killed tick could not clean up; the pid keeps other databases' runs apart.
    prefix = _workdir_prefix(execution_id, pid)
    for path in Path(tempfile.gettempdir()).glob(prefix + "*"):
        shutil.rmtree(path, ignore_errors=True)


class Heartbeat(threading.Thread):
    """Renew an execution's lease on its own connection until stopped."""

    def __init__(self, db_path: Path, execution_id: int, settings: Settings) -> None:
        super().__init__(name=f"heartbeat-{execution_id}", daemon=True)
        self.db_path = db_path
        self.execution_id = execution_id
        self.lease_seconds = settings.lease_seconds
        self.period = settings.heartbeat_seconds
        self.stopping = threading.Event()
        self.lost = threading.Event()
        self.renewed = time.monotonic()

    def run(self) -> None:
        """Renew the lease every period; note it when the run was reclaimed."""
        try:
            conn = connect(self.db_path, migrate=False)
        except Exception:
            log.exception(
                "The heartbeat of execution %s cannot start.", self.execution_id
            )
            self.lost.set()
            return
        try:
            while not self.stopping.wait(self.period):
                if not self._renew(conn):
                    self.lost.set()
                    return
        finally:
            conn.close()

    def expired(self) -> bool:
        """Return whether the lease ran out: reclaimed, or not renewed in time."""
        if self.lost.is_set():
            return True
        # Renewals failing for a whole lease: another tick may reclaim the run now,
        # so this one must stop it rather than let two run at once.
        return time.monotonic() - self.renewed > self.lease_seconds

    def _renew(self, conn: sqlite3.Connection) -> bool:
        now = real_now()
        expires = now + dt.timedelta(seconds=self.lease_seconds)
        try:
            with transaction(conn):
                cursor = conn.execute(
                    "UPDATE job_executions SET heartbeat_at = ?, lease_expires_at = ? "
                    "WHERE id = ? AND status = 'running'",
                    (clock.to_text(now), clock.to_text(expires), self.execution_id),
                )
        except sqlite3.Error as exc:
            log.warning(
                "The heartbeat of execution %s could not renew its lease: %s",
                self.execution_id,
                exc,
            )
            return True
        if cursor.rowcount != 1:
            return False
        self.renewed = time.monotonic()
        return True

    def stop(self) -> None:
        """Stop renewing and wait for the thread."""
        self.stopping.set()
        self.join(timeout=10)


def _lease(settings: Settings) -> tuple[str, str, str, int]:
    now = real_now()
    expires = now + dt.timedelta(seconds=settings.lease_seconds)
    return clock.to_text(now), clock.to_text(expires), hostname(), os.getpid()


# Claiming -----------------------------------------------------------------------------


def _insert_execution(
    conn: sqlite3.Connection,
    settings: Settings,
    job: sqlite3.Row | dict[str, Any],
    *,
    trigger: str,
    scheduled_for: str | None,
) -> int:
    heartbeat, expires, host, pid = _lease(settings)
    cursor = conn.execute(
        "INSERT INTO job_executions (job_id, job_name, scheduled_for, trigger, status, "
        "started_at, owner_host, owner_pid, heartbeat_at, lease_expires_at, created_at) "
        "VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
        (job["id"], job["name"], scheduled_for, trigger, clock.now_text(), host, pid,
         heartbeat, expires, clock.now_text()),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


def _claim_of(
    job: sqlite3.Row | dict[str, Any], execution_id: int, trigger: str, slot: str | None
) -> Claim:
    return Claim(
        execution_id=execution_id,
        job_id=int(job["id"]),
        job_name=job["name"],
        kind=job["kind"],
        args=json.loads(job["args"] or "{}"),
        trigger=trigger,
        scheduled_for=slot,
        timeout_seconds=job["timeout_seconds"],
        catch_up=job["catch_up"],
    )


@dataclass
class _Plan:
    slot: dt.datetime | None
    next_run: dt.datetime
    trigger: str
    missed: int
    more: bool


def _plan(job: sqlite3.Row, now: dt.datetime) -> _Plan:
    from ptt.scheduler.jobs import GRACE_SECONDS, job_schedule

    schedule = job_schedule(dict(job))
    anchor = clock.from_text(job["next_run_at"])
    slots, more = schedule.recent_slots(anchor, now, CATCH_UP_LIMIT)
    if not slots:
        slots = [anchor]
    latest_on_time = (now - slots[-1]).total_seconds() <= GRACE_SECONDS
    missed = len(slots) - (1 if latest_on_time else 0)
    retry = job["last_status"] == "abandoned"

    if missed == 0 and not more:
        trigger = "recovery" if retry else "schedule"
        return _Plan(slots[0], schedule.next_after(slots[0]), trigger, 0, False)
    if job["catch_up"] == "none":
        if latest_on_time:
            return _Plan(
                slots[-1], schedule.next_after(slots[-1]), "schedule", missed, more
            )
        return _Plan(None, schedule.next_after(now), "schedule", missed, more)
    if job["catch_up"] == "all":
        following = slots[1] if len(slots) > 1 else schedule.next_after(slots[0])
        return _Plan(slots[0], following, "recovery", missed, more)
    return _Plan(slots[-1], schedule.next_after(slots[-1]), "recovery", missed, more)


def claim_due(
    conn: sqlite3.Connection, settings: Settings, job_id: int, now: dt.datetime
) -> Claim | None:
    """Claim the job's due slot; return the claim, or None (not due, busy, taken)."""
    try:
        with transaction(conn):
            job = conn.execute(
                "SELECT * FROM scheduled_jobs WHERE id = ?", (job_id,)
            ).fetchone()
            now_text = clock.to_text(now)
            if job is None or not job["is_enabled"] or job["is_paused"]:
                return None
            if job["next_run_at"] is None or job["next_run_at"] > now_text:
                return None
            running = conn.execute(
                "SELECT id, started_at FROM job_executions "
                "WHERE job_id = ? AND status = 'running'",
                (job_id,),
            ).fetchone()
            if running is not None:
                log.info(
                    "Job %s is still running (execution %s, started %s); "
                    "not starting it again this tick.",
                    job["name"], running["id"], running["started_at"],
                )  # fmt: skip
                return None

            plan = _plan(job, now)
            conn.execute(
                "UPDATE scheduled_jobs SET next_run_at = ?, updated_at = ? WHERE id = ?",
                (clock.to_text(plan.next_run), now_text, job_id),
            )
            if plan.slot is None:
                claim = None
            else:
                slot = clock.to_text(plan.slot)
                execution_id = _insert_execution(
                    conn, settings, job, trigger=plan.trigger, scheduled_for=slot
                )
                claim = _claim_of(job, execution_id, plan.trigger, slot)
    except sqlite3.IntegrityError:
        # Another tick claimed this slot (or started this job) first.
        log.debug("Job %s was claimed by another tick.", job_id)
        return None

    if plan.missed or plan.more:
        _note_catch_up(conn, job, plan, claim)
    return claim


def _note_catch_up(
    conn: sqlite3.Connection, job: sqlite3.Row, plan: _Plan, claim: Claim | None
) -> None:
    from ptt.actions import log_action

    missed = f"more than {CATCH_UP_LIMIT}" if plan.more else str(plan.missed)
    policy = job["catch_up"]
    if claim is None:
        log.warning(
            "Job %s missed %s slots; its catch-up policy is 'none', so it skips to "
            "the next slot, %s.",
            job["name"], missed, clock.to_text(plan.next_run),
        )  # fmt: skip
    elif policy == "all" and plan.more:
        log.warning(
            "Job %s missed %s slots; catching up only the latest %s (the limit per "
            "tick), the older ones are skipped.",
            job["name"], missed, CATCH_UP_LIMIT,
        )  # fmt: skip
    else:
        log.warning(
            "Job %s missed %s slots; catch-up policy '%s' runs the slot %s now.",
            job["name"], missed, policy, claim.scheduled_for,
        )  # fmt: skip
    log_action(
        conn,
        "job_recovered",
        source="recovery",
        job_id=int(job["id"]),
        execution_id=claim.execution_id if claim else None,
        target=job["name"],
        details={
            "catch_up": policy,
            "missed_slots": missed,
            "slot": claim.scheduled_for if claim else None,
            "next_run_at": clock.to_text(plan.next_run),
        },
    )


# Running ------------------------------------------------------------------------------


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, KILL_GRACE_SECONDS), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _tail(path: Path) -> tuple[str, bool]:
    try:
        data = path.read_bytes()
    except OSError:
        return "", False
    if len(data) <= STDERR_LOG_LIMIT:
        return data.decode("utf-8", errors="replace"), False
    text = data[-STDERR_LOG_LIMIT:].decode("utf-8", errors="replace")
    return LogCapture.TRUNCATION_MARK + "\n" + text, True


def run_claim(conn: sqlite3.Connection, settings: Settings, claim: Claim) -> RunResult:
    """Run a claimed execution in a child process, then record how it ended."""
    started = time.monotonic()
    interrupted = False
    workdir: Path | None = None
    try:
        log.info(
            "Running job %s (execution %s, %s, slot %s).",
            claim.job_name, claim.execution_id, claim.trigger, claim.scheduled_for,
        )  # fmt: skip
        prefix = _workdir_prefix(claim.execution_id, os.getpid())
        workdir = Path(tempfile.mkdtemp(prefix=prefix))
        values = _supervise(settings, claim, workdir)
    except KeyboardInterrupt:
        # The job's processes are stopped; record the run before leaving.
        interrupted = True
        values = {
            "status": "failed",
            "error_type": "Interrupted",
            "error_message": "the run was interrupted (Ctrl-C or SIGTERM) and stopped",
        }
    duration = round(time.monotonic() - started, 3)
    if workdir is not None:
        shutil.rmtree(workdir, ignore_errors=True)

    values.update(
        finished_at=clock.now_text(), duration_seconds=duration, lease_expires_at=None
    )
    finished = _record_outcome(conn, claim.execution_id, values)
    metrics = json.loads(values.get("metrics") or "{}")
    result = RunResult(
        claim.execution_id,
        claim.job_name,
        values["status"],
        values.get("error_type"),
        values.get("error_message"),
        duration,
        metrics,
    )
    if finished is None:
        log.error(
            "Execution %s of job %s was reclaimed by another tick while it ran; its "
            "outcome (%s) is not recorded.",
            claim.execution_id, claim.job_name, values["status"],
        )  # fmt: skip
        result.status = "abandoned"
        return result

    level = logging.INFO if result.status == "success" else logging.ERROR
    log.log(
        level,
        "Job %s finished: %s in %.1fs%s.",
        claim.job_name,
        result.status,
        duration,
        f" ({result.error_message})" if result.error_message else "",
        extra=REPORTED_AT_EXIT if claim.trigger == "manual" else None,
    )
    _after_outcome(conn, settings, finished, claim.execution_id, result)
    if interrupted:
        raise KeyboardInterrupt
    return result


def _supervise(settings: Settings, claim: Claim, workdir: Path) -> dict[str, Any]:
    result_path = workdir / "result.json"
    stderr_path = workdir / "output.log"
    spec = {
        "db": str(settings.db_path),
        "kind": claim.kind,
        "args": claim.args,
        "job_id": claim.job_id,
        "job_name": claim.job_name,
        "execution_id": claim.execution_id,
        "result_path": str(result_path),
        "parent_pid": os.getpid(),
    }
    heartbeat = Heartbeat(settings.db_path, claim.execution_id, settings)
    with stderr_path.open("wb") as stderr:
        # A session of its own, so that killing the run kills all it started.
        process = subprocess.Popen(
            [sys.executable, "-m", "ptt.scheduler.worker"],
            stdin=subprocess.PIPE,
            stdout=stderr,
            stderr=stderr,
            start_new_session=True,
        )
        assert process.stdin is not None
        process.stdin.write(json.dumps(spec).encode())
        process.stdin.close()
        heartbeat.start()
        try:
            outcome = _wait(process, claim, heartbeat)
        except BaseException:
            _kill_group(process)
            raise
        finally:
            heartbeat.stop()

    if outcome == "timed_out":
        log_text, truncated = _tail(stderr_path)
        return {
            "status": "timed_out",
            "error_type": "Timeout",
            "error_message": f"the run took longer than its timeout of "
            f"{claim.timeout_seconds}s and was stopped",
            "log": log_text,
            "log_truncated": int(truncated),
        }
    if outcome == "lost":
        return {"status": "abandoned", "error_type": "LeaseLost"}
    if result_path.exists():
        reported: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
        reported["metrics"] = json.dumps(reported.get("metrics") or {}, sort_keys=True)
        return reported

    log_text, truncated = _tail(stderr_path)
    return {
        "status": "failed",
        "error_type": "WorkerDied",
        "error_message": f"the job's process ended with status {process.returncode} "
        "before reporting an outcome",
        "log": log_text,
        "log_truncated": int(truncated),
    }


def _wait(process: subprocess.Popen[bytes], claim: Claim, heartbeat: Heartbeat) -> str:
    deadline = None
    if claim.timeout_seconds:
        deadline = time.monotonic() + claim.timeout_seconds
    while True:
        step = 0.2
        if deadline is not None:
            step = max(0.0, min(step, deadline - time.monotonic()))
        try:
            process.wait(timeout=step)
            return "exited"
        except subprocess.TimeoutExpired:
            pass
        if heartbeat.expired():
            log.error(
                "Execution %s of job %s lost its lease; stopping it.",
                claim.execution_id,
                claim.job_name,
            )
            _kill_group(process)
            return "lost"
        if deadline is not None and time.monotonic() >= deadline:
            log.error(
                "Job %s ran past its timeout of %ss; stopping it.",
                claim.job_name,
                claim.timeout_seconds,
            )
            _kill_group(process)
            return "timed_out"


# Run-now ------------------------------------------------------------------------------


def run_now(conn: sqlite3.Connection, settings: Settings, name: str) -> RunResult:
    """Run a job now in the foreground as a manual run; its schedule does not move."""
    from ptt.actions import log_action
    from ptt.scheduler.jobs import get_job, running_execution

    reclaim_leases(conn, settings)
    try:
        with transaction(conn):
            job = get_job(conn, name)
            running = running_execution(conn, job["id"])
            if running is not None:
                raise ScheduleError(
                    f"job '{name}' is already running (execution {running['id']}, "
                    f"started {running['started_at']}); try again when it ends"
                )
            execution_id = _insert_execution(
                conn, settings, job, trigger="manual", scheduled_for=None
            )
    except sqlite3.IntegrityError:
        raise ScheduleError(
            f"job '{name}' is already running; try again when it ends"
        ) from None

    log_action(
        conn,
        "run_now_requested",
        job_id=int(job["id"]),
        execution_id=execution_id,
        target=name,
    )
    return run_claim(conn, settings, _claim_of(job, execution_id, "manual", None))
