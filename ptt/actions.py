"""The action log: who did what, when, and how it ended.

An action that starts and ends is one row, updated as it goes (``initiated`` ->
``in_progress`` -> ``completed`` or ``failed``), never two unrelated rows.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any, Literal

from ptt import clock
from ptt.db import transaction

ActionStatus = Literal["initiated", "in_progress", "completed", "failed"]
ActionSource = Literal["cli", "scheduled_job", "recovery"]


def current_user() -> str | None:
    """Return the OS user running ptt, or None when it cannot be told."""
    try:
        return getpass.getuser()
    except Exception:
        return None


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, default=str, sort_keys=True)


def log_action(
    conn: sqlite3.Connection,
    action_type: str,
    *,
    status: ActionStatus = "completed",
    source: ActionSource = "cli",
    job_id: int | None = None,
    execution_id: int | None = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    result: str | None = None,
    error: str | None = None,
    duration: float | None = None,
) -> int:
    """Record one action and return its id."""
    started = clock.now_text()
    finished = started if status in ("completed", "failed") else None
    with transaction(conn):
        cursor = conn.execute(
            "INSERT INTO action_logs (action_type, status, source, user_name, job_id, "
            "execution_id, target, details, result_message, error_message, started_at, "
            "finished_at, duration_seconds) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                action_type,
                status,
                source,
                current_user(),
                job_id,
                execution_id,
                target,
                _json(details),
                result,
                error,
                started,
                finished,
                duration,
            ),
        )
    # An INSERT always sets lastrowid; None would mean no row was written.
    assert cursor.lastrowid is not None
    return cursor.lastrowid


@dataclass
class Action:
    """An action in progress, finished with :meth:`complete` or :meth:`fail`."""

    conn: sqlite3.Connection
    id: int
    started_monotonic: float

    def progress(self, details: dict[str, Any] | None = None) -> None:
        """Mark the action in progress, with its details so far."""
        self._update("in_progress", details=details)

    def complete(
        self, result: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        """Mark the action completed."""
        self._update("completed", details=details, result=result, finished=True)

    def fail(self, error: str, details: dict[str, Any] | None = None) -> None:
        """Mark the action failed with the error."""
        self._update("failed", details=details, error=error, finished=True)

    def _update(
        self,
        status: ActionStatus,
        *,
        details: dict[str, Any] | None = None,
        result: str | None = None,
        error: str | None = None,
        finished: bool = False,
    ) -> None:
        duration = time.monotonic() - self.started_monotonic if finished else None
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE action_logs SET status = ?, "
                "details = COALESCE(?, details), "
                "result_message = COALESCE(?, result_message), "
                "error_message = COALESCE(?, error_message), "
                "finished_at = CASE WHEN ? THEN ? ELSE finished_at END, "
                "duration_seconds = COALESCE(?, duration_seconds) WHERE id = ?",
                (
                    status,
                    _json(details),
                    result,
                    error,
                    finished,
                    clock.now_text(),
                    duration,
                    self.id,
                ),
            )


def start_action(
    conn: sqlite3.Connection,
    action_type: str,
    *,
    source: ActionSource = "cli",
    job_id: int | None = None,
    execution_id: int | None = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> Action:
    """Record the start of an action and return it, to be completed or failed."""
    action_id = log_action(
        conn,
        action_type,
        status="initiated",
        source=source,
        job_id=job_id,
        execution_id=execution_id,
        target=target,
        details=details,
    )
    return Action(conn, action_id, time.monotonic())


def recent_actions(
    conn: sqlite3.Connection,
    *,
    action_type: str | None = None,
    status: str | None = None,
    since: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Return recent actions, newest first, filtered."""
    where: list[str] = []
    params: list[Any] = []
    if action_type:
        where.append("action_type = ?")
        params.append(action_type)
    if status:
        where.append("status = ?")
        params.append(status)
    if since:
        where.append("started_at >= ?")
        params.append(since)
    sql = "SELECT * FROM action_logs"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY started_at DESC, id DESC LIMIT ?"
    params.append(limit)
    return [dict(row) for row in conn.execute(sql, params)]
