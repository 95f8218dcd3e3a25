"""Alerts when a job fails, is disabled, or recovers after failures.

Two channels, each optional: a JSON POST to ``PTT_ALERT_WEBHOOK`` and a command,
``PTT_ALERT_COMMAND``, run with the shell and given the same JSON on stdin. The JSON has
the fields ``event``, ``job``, ``execution_id``, ``status``, ``error``,
``consecutive_failures`` and ``time``. Every alert is recorded in the ``alerts`` table;
an identical one (same event, job, status and error on the same channel) within
:data:`SUPPRESS_SECONDS` of one that was delivered is recorded as suppressed and not
sent. A channel that fails is
logged and recorded, and never fails the job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import sqlite3
import subprocess
from dataclasses import asdict, dataclass

from ptt import clock
from ptt.config import Settings
from ptt.db import transaction

log = logging.getLogger(__name__)

SUPPRESS_SECONDS = 3600
SEND_TIMEOUT_SECONDS = 10.0
COMMAND_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Alert:
    """One alert, as sent."""

    event: str  # job_failed, job_disabled, job_recovered
    job: str
    execution_id: int | None
    status: str
    error: str | None
    consecutive_failures: int
    time: str

    def dedupe_key(self, channel: str) -> str:
        """Return the key that identical alerts on a channel share."""
        text = "\x1f".join(
            (channel, self.event, self.job, self.status, self.error or "")
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def post_webhook(url: str, payload: bytes) -> None:
    """POST the JSON payload to the URL; raise OSError when it is not accepted."""
    import urllib.request

    request = urllib.request.Request(
        url,
        data=payload,
        headers={"Content-Type": "application/json", "User-Agent": "ptt-alerts"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"the webhook answered HTTP {response.status}")


def run_command(command: str, payload: bytes) -> None:
    """Run the command with the payload on stdin; raise OSError when it fails."""
    try:
        completed = subprocess.run(
            command,
            shell=True,
            input=payload,
            capture_output=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OSError(
            f"the alert command ran longer than {COMMAND_TIMEOUT_SECONDS:g}s"
        ) from None
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", errors="replace").strip()[-200:]
        raise OSError(
            f"the alert command exited with status {completed.returncode}: {detail}"
        )


def _suppressed(conn: sqlite3.Connection, key: str, now: dt.datetime) -> bool:
    since = clock.to_text(now - dt.timedelta(seconds=SUPPRESS_SECONDS))
    row = conn.execute(
        "SELECT 1 FROM alerts WHERE dedupe_key = ? AND delivered = 1 "
        "AND created_at > ? LIMIT 1",
        (key, since),
    ).fetchone()
    return row is not None


def send_alert(conn: sqlite3.Connection, settings: Settings, alert: Alert) -> None:
    """Send the alert on every configured channel, unless it was just sent."""
    channels = []
    if settings.alert_webhook:
        channels.append(("webhook", settings.alert_webhook))
    if settings.alert_command:
        channels.append(("command", settings.alert_command))
    if not channels:
        log.debug(
            "No alert channel is set; %s for %s not sent.", alert.event, alert.job
        )
        return

    payload = json.dumps(asdict(alert), sort_keys=True).encode()
    now = clock.now()
    for channel, target in channels:
        key = alert.dedupe_key(channel)
        if _suppressed(conn, key, now):
            log.info(
                "Alert %s for job %s suppressed: the same was sent within the hour.",
                alert.event,
                alert.job,
            )
            _record(conn, alert, key, payload, channel, suppressed=True)
            continue

        error = None
        try:
            if channel == "webhook":
                post_webhook(target, payload)
            else:
                run_command(target, payload)
        except (OSError, ValueError) as exc:
            error = str(exc)
            log.warning(
                "The %s alert %s for job %s could not be sent: %s",
                channel,
                alert.event,
                alert.job,
                error,
            )
        _record(conn, alert, key, payload, channel, error=error)


def _record(
    conn: sqlite3.Connection,
    alert: Alert,
    key: str,
    payload: bytes,
    channel: str,
    *,
    suppressed: bool = False,
    error: str | None = None,
) -> None:
    with transaction(conn):
        conn.execute(
            "INSERT INTO alerts (event, job_name, execution_id, dedupe_key, payload, "
            "channel, delivered, suppressed, error, created_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            (alert.event, alert.job, alert.execution_id, key, payload.decode(), channel,
             int(not suppressed and error is None), int(suppressed), error,
             clock.now_text()),
        )  # fmt: skip
